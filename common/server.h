// Server bootstrap shared by every service: the per-call guard (request id,
// authentication, the role table, structured access log, status conversion) and
// the process lifecycle (health tied to the database, reflection, graceful
// shutdown on SIGTERM).
#ifndef MOBILITY_COMMON_SERVER_H_
#define MOBILITY_COMMON_SERVER_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/service_type.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/db.h"

namespace mobility {

// Metadata key that carries the request id across calls and into every log
// line.
inline constexpr char kRequestIdHeader[] = "x-request-id";

struct CallContext {
  Principal principal;
  std::string request_id;
  // The caller's verified token, forwarded on calls made on its behalf.
  std::string bearer_token;
  grpc::ServerContext* server_context = nullptr;
};

// Runs each RPC body behind the checks every call needs.
class RpcGuard {
 public:
  RpcGuard(TokenVerifier verifier, const MethodRoles* roles)
      : verifier_(std::move(verifier)), roles_(roles) {}

  // Authenticates, authorizes `method` against the role table, runs `body`,
  // logs one access line and converts the result to a grpc::Status with
  // google.rpc details.
  grpc::Status Run(
      grpc::ServerContext* context, absl::string_view method,
      const std::function<absl::Status(const CallContext&)>& body) const;

 private:
  TokenVerifier verifier_;
  const MethodRoles* roles_;
};

// Copies a domain result into the gRPC response, or passes its error on: the
// body of every adapter method.
template <typename T>
absl::Status Deliver(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return result.status();
  *response = *std::move(result);
  return absl::OkStatus();
}

struct ServerOptions {
  std::string service_name;  // e.g. "mobility.agreements.v1.AgreementsService".
  std::string listen_address;  // host:port; port 0 picks a free one.
  int max_threads =
      16;  // Bounds concurrent calls, and with them database work.
  absl::Duration shutdown_grace = absl::Seconds(20);
  absl::Duration health_interval = absl::Seconds(2);
};

// Serves `services` until SIGTERM or SIGINT, then stops taking calls, lets
// in-flight ones finish within shutdown_grace and returns. Health is SERVING
// only while `db` answers. Call BlockTerminationSignals() first thing in main,
// before any thread starts.
absl::Status Serve(const ServerOptions& options,
                   const std::vector<grpc::Service*>& services, Database* db);

// Blocks SIGTERM and SIGINT in the calling thread and every thread it later
// starts, so that Serve's signal thread is the one that receives them.
void BlockTerminationSignals();

}  // namespace mobility

#endif  // MOBILITY_COMMON_SERVER_H_
