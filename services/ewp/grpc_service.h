// The EWP service: the gRPC API our office uses (partners' copies, approval),
// and, in the same process, the HTTP endpoints partners' systems call and the
// worker that fetches what partners notified and notifies them in turn.
#ifndef MOBILITY_SERVICES_EWP_GRPC_SERVICE_H_
#define MOBILITY_SERVICES_EWP_GRPC_SERVICE_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "common/server.h"
#include "mobility/ewp/v1/ewp.grpc.pb.h"
#include "services/ewp/ewp_client.h"
#include "services/ewp/ewp_server.h"
#include "services/ewp/iias_endpoints.h"
#include "services/ewp/partner_copies.h"

namespace mobility::ewp {

struct EwpSettings {
  EwpServerOptions http;
  std::string client_key_pem, server_key_pem, token_key_pem;
  std::string registry;     // A file, or the registry's URL.
  std::string schemas_dir;  // services/ewp/specs, or its installed copy.
  absl::Duration registry_refresh = absl::Minutes(15);
  HttpLimits limits;
  std::string agreements_address;
  // How often the worker looks for what is due.
  absl::Duration work_interval = absl::Seconds(1);
};

class EwpGrpcService final : public RpcService<v1::EwpService> {
 public:
  // Starts the HTTP endpoints and the worker; INVALID_ARGUMENT for a key or
  // registry that does not load, UNAVAILABLE when it cannot listen.
  static absl::StatusOr<std::unique_ptr<EwpGrpcService>> Start(
      Database* db, std::shared_ptr<const RpcDispatcher> dispatcher,
      EwpSettings settings);
  ~EwpGrpcService() override;

 private:
  EwpGrpcService(std::shared_ptr<const RpcDispatcher> dispatcher)
      : RpcService(std::move(dispatcher)) {}

  std::unique_ptr<Registry> registry_;
  std::unique_ptr<EwpClient> client_;
  std::unique_ptr<Schemas> schemas_;
  std::unique_ptr<IiasEndpoints> iias_;
  std::unique_ptr<PartnerCopies> copies_;
  std::unique_ptr<PgReplayGuard> replays_;
  std::unique_ptr<EwpServer> http_;
  absl::Notification stop_;
  std::thread worker_;
};

}  // namespace mobility::ewp

#endif  // MOBILITY_SERVICES_EWP_GRPC_SERVICE_H_
