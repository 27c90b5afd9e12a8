// grants_server: serves mobility.grants.v1.GrantsService.
#include "common/client.h"
#include "common/config.h"
#include "common/service_main.h"
#include "services/grants/grpc_service.h"
#include "services/grants/pg_grants_store.h"

MOBILITY_FLAG(std::string, agreements_address, "127.0.0.1:50051",
              "MOBILITY_AGREEMENTS_ADDRESS", "agreements service host:port");
MOBILITY_FLAG(std::string, service_token_file, "",
              "MOBILITY_SERVICE_TOKEN_FILE",
              "file holding this service's own token, for the calls it makes "
              "on its own authority");

namespace mobility {
std::vector<Migration> GrantsMigrations();
}  // namespace mobility

int main(int argc, char** argv) {
  using namespace mobility;
  ServiceDefinition definition;
  definition.log_name = "grants";
  definition.grpc_service_name = "mobility.grants.v1.GrantsService";
  definition.schema = "grants";
  definition.default_listen = "127.0.0.1:50053";
  definition.default_metrics_listen = "127.0.0.1:9153";
  definition.migrations = GrantsMigrations();
  definition.statements = grants::PgGrantsStore::Statements();
  definition.build = [](Database* db,
                        std::shared_ptr<const RpcDispatcher> dispatcher) {
    std::vector<std::unique_ptr<grpc::Service>> services;
    services.push_back(std::make_unique<grants::GrantsGrpcService>(
        db,
        std::make_shared<ServiceChannel>(
            absl::GetFlag(FLAGS_agreements_address),
            absl::GetFlag(FLAGS_service_token_file)),
        std::move(dispatcher)));
    return services;
  };
  return RunService(argc, argv, definition);
}
