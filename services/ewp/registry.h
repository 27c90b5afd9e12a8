// The registry catalogue this instance trusts, read from a file or an URL and
// read again every refresh period (the registry README asks for 1 minute to
// 3 hours, 15 minutes recommended). A catalogue that fails to load or parse
// leaves the last good one in use, as the README allows.
#ifndef MOBILITY_SERVICES_EWP_REGISTRY_H_
#define MOBILITY_SERVICES_EWP_REGISTRY_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "services/ewp/http_client.h"
#include "services/ewp/registry_catalogue.h"

namespace mobility::ewp {

class Registry {
 public:
  // Loads `source` (a path, or an https:// URL), then again every `refresh`
  // on a thread of its own. Until a load succeeds the catalogue is empty
  // (an instance may start before the registry lists it).
  static absl::StatusOr<std::unique_ptr<Registry>> Open(std::string source,
                                                        absl::Duration refresh,
                                                        HttpLimits limits);
  ~Registry();

  std::shared_ptr<const RegistryCatalogue> catalogue() const
      ABSL_LOCKS_EXCLUDED(mu_);
  // Loads the source now; on failure keeps the catalogue in use.
  absl::Status Refresh() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  Registry(std::string source, HttpLimits limits)
      : source_(std::move(source)), limits_(limits) {}

  const std::string source_;
  const HttpLimits limits_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const RegistryCatalogue> catalogue_ ABSL_GUARDED_BY(mu_);
  absl::Notification stop_;
  std::thread refresher_;
};

}  // namespace mobility::ewp

#endif  // MOBILITY_SERVICES_EWP_REGISTRY_H_
