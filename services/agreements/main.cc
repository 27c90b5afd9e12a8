// agreements_server: serves mobility.agreements.v1.AgreementsService.
#include "common/service_main.h"
#include "services/agreements/grpc_service.h"
#include "services/agreements/pg_agreements_store.h"

namespace mobility {
std::vector<Migration> AgreementsMigrations();
}  // namespace mobility

int main(int argc, char** argv) {
  using namespace mobility;
  ServiceDefinition definition;
  definition.log_name = "agreements";
  definition.grpc_service_name = "mobility.agreements.v1.AgreementsService";
  definition.schema = "agreements";
  definition.default_listen = "127.0.0.1:50051";
  definition.default_metrics_listen = "127.0.0.1:9151";
  definition.migrations = AgreementsMigrations();
  definition.statements = agreements::PgAgreementsStore::Statements();
  definition.build = [](Database* db,
                        std::shared_ptr<const RpcDispatcher> dispatcher) {
    std::vector<std::unique_ptr<grpc::Service>> services;
    services.push_back(std::make_unique<agreements::AgreementsGrpcService>(
        db, std::move(dispatcher)));
    return services;
  };
  return RunService(argc, argv, definition);
}
