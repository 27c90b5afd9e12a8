// The office at a university's size: what deploy/load-scale.sh loads
// through the API, and the reads that must not slow down with it (the first
// and the 1,000th page of each list, the overdue view, a call's ranking).
#ifndef MOBILITY_TOOLS_BENCH_SCALE_H_
#define MOBILITY_TOOLS_BENCH_SCALE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/bench/measure.h"
#include "tools/bench/office.h"

namespace mobility::bench {

struct ScaleSizes {
  int agreements = 1000;
  int calls = 100;
  int applications = 100000;  // Spread over the calls.
  int inquiries = 100000;
};

// Loads `sizes` through the API on `clients` workers, printing progress to
// standard error; then makes a grant with two payments and returns its id,
// the template deploy/load-scale.sh copies for the grants and payments.
absl::StatusOr<std::string> LoadThroughApi(Office& office,
                                           const ScaleSizes& sizes,
                                           int clients);

// The office the reads are first measured on: a full page of each list
// (100 grants from as many selections, 100 inquiries) and 100 applications
// scored in the bench's call, for its ranking.
absl::Status PrepareSmallOffice(Office& office);

// The reads, named `prefix`X; each limited by `limit_prefix`X, where X is
// the read itself or, for the 1,000th page, the first page (none when
// `limit_prefix` is empty). The token of the 1,000th page is found by
// walking the pages before it; with fewer pages, that read is left out.
absl::StatusOr<std::vector<Workload>> ScaleReads(
    Office& office, const std::string& prefix, const std::string& limit_prefix);

}  // namespace mobility::bench

#endif  // MOBILITY_TOOLS_BENCH_SCALE_H_
