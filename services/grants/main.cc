// grants_server: serves mobility.grants.v1.GrantsService.
#include "absl/flags/flag.h"
#include "common/client.h"
#include "common/service_main.h"
#include "services/grants/grpc_service.h"
#include "services/grants/pg_grants_store.h"

ABSL_FLAG(std::string, agreements_address, "",
          "agreements service host:port (env MOBILITY_AGREEMENTS_ADDRESS)");

ABSL_FLAG(std::string, service_token_file, "",
          "file holding this service's own token, sent beside the end user's "
          "on calls to other services (env MOBILITY_SERVICE_TOKEN_FILE)");

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
  definition.migrations = GrantsMigrations();
  definition.statements = grants::PgGrantsStore::Statements();
  definition.build = [](Database* db,
                        std::shared_ptr<const RpcDispatcher> dispatcher) {
    const std::string agreements =
        FlagOrEnv(absl::GetFlag(FLAGS_agreements_address),
                  "MOBILITY_AGREEMENTS_ADDRESS", "127.0.0.1:50051");
    std::vector<std::unique_ptr<grpc::Service>> services;
    services.push_back(std::make_unique<grants::GrantsGrpcService>(
        db,
        std::make_shared<ServiceChannel>(
            agreements, FlagOrEnv(absl::GetFlag(FLAGS_service_token_file),
                                  "MOBILITY_SERVICE_TOKEN_FILE")),
        std::move(dispatcher)));
    return services;
  };
  return RunService(argc, argv, definition);
}
