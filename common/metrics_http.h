// A process's metrics port: GET /metrics answers the registry in Prometheus'
// text format, on a port of its own so that it is never exposed with the API.
#ifndef MOBILITY_COMMON_METRICS_HTTP_H_
#define MOBILITY_COMMON_METRICS_HTTP_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/metrics.h"

namespace mobility::metrics {

class MetricsServer {
 public:
  // Serves `registry` on `address` (host:port; port 0 picks a free one) from
  // a thread of its own. INVALID_ARGUMENT naming `flag` for a malformed
  // address, UNAVAILABLE when it cannot be bound.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(
      const std::string& address, const char* flag, const Registry* registry);
  // Stops taking scrapes and joins the thread.
  ~MetricsServer();
  int port() const;

 private:
  struct Impl;
  explicit MetricsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mobility::metrics

#endif  // MOBILITY_COMMON_METRICS_HTTP_H_
