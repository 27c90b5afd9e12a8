// The official schemas a partner's document must satisfy before we use it:
// its IIAs get response and its IIAs Approval response, checked in process
// with libxml2 against the copies in services/ewp/specs (offline, through
// their catalog), as the test suite checks ours with xmllint.
#ifndef MOBILITY_SERVICES_EWP_SCHEMAS_H_
#define MOBILITY_SERVICES_EWP_SCHEMAS_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace mobility::ewp {

enum class PartnerDocument { kIiasGetResponse, kIiasApprovalResponse };

class Schemas {
 public:
  // Loads the schemas under `dir` (services/ewp/specs or its installed
  // copy). INVALID_ARGUMENT when one does not load.
  static absl::StatusOr<std::unique_ptr<Schemas>> Load(const std::string& dir);
  ~Schemas();

  // INVALID_ARGUMENT naming the first violation unless `xml` is a valid
  // document of `kind`.
  absl::Status Validate(const std::string& xml, PartnerDocument kind) const
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Loaded;
  explicit Schemas(std::unique_ptr<Loaded> loaded);
  std::unique_ptr<Loaded> loaded_;
  // libxml2's validation of one schema is not documented as thread-safe.
  mutable absl::Mutex mu_;
};

}  // namespace mobility::ewp

#endif  // MOBILITY_SERVICES_EWP_SCHEMAS_H_
