// How the bench measures: a workload run on N threads for a fixed time with
// its latencies, pgbench on the same cluster as the database's own limit, a
// process's resident memory, and the results as JSON.
#ifndef MOBILITY_TOOLS_BENCH_MEASURE_H_
#define MOBILITY_TOOLS_BENCH_MEASURE_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace mobility {

struct Run {
  std::string workload;
  std::string limit;  // The workload whose rate bounds this one.
  int concurrency = 0;
  double throughput_per_s = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  int64_t errors = 0;
  int64_t calls = 0;
};

struct Workload {
  std::string name;
  std::string limit;
  // Makes one call as client N; whether it succeeded.
  std::function<bool(int)> call;
};

// Each workload on `concurrency` threads for `length` in all, taken in
// `turns` turns, one workload after another in each turn: the machine's
// drift (a busy neighbour, a clock that slows) then weighs on a workload and
// on its limit alike, and their ratio holds still from run to run.
std::vector<Run> MeasureInTurns(const std::vector<Workload>& workloads,
                                int concurrency, absl::Duration length,
                                int turns);

// The server's grpc.health.v1 Check: the transport's own limit.
bool HealthCheck(grpc::Channel* channel);

// pgbench for `length` at `concurrency`, with per-transaction latencies from
// its log.
absl::StatusOr<Run> Pgbench(const std::string& workload, int concurrency,
                            absl::Duration length,
                            const std::vector<std::string>& args,
                            const std::string& url);

// Resident memory of process `pid`, -1 when unknown.
int64_t RssKib(int pid);

// {"runs": [...], "rss_kib": {service: {"idle", "loaded"}}}.
std::string Json(const std::vector<Run>& runs,
                 const std::map<std::string, std::pair<int64_t, int64_t>>& rss);

}  // namespace mobility

#endif  // MOBILITY_TOOLS_BENCH_MEASURE_H_
