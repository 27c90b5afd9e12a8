// The thin gRPC adapter of the grants service: one line per RPC, naming who
// may call it and the domain method that serves it.
#ifndef MOBILITY_SERVICES_GRANTS_GRPC_SERVICE_H_
#define MOBILITY_SERVICES_GRANTS_GRPC_SERVICE_H_

#include <memory>

#include "common/client.h"
#include "common/pg_store.h"
#include "common/server.h"
#include "mobility/grants/v1/grants.grpc.pb.h"
#include "services/agreements/client/cached_agreements_client.h"
#include "services/agreements/client/grpc_agreements_client.h"
#include "services/grants/budgets.h"
#include "services/grants/grants.h"
#include "services/grants/pg_grants_store.h"
#include "services/grants/quotes.h"
#include "services/grants/rates.h"

namespace mobility::grants {

class GrantsGrpcService final : public RpcService<v1::GrantsService> {
 public:
  // `agreements` reaches the agreements service.
  // `clock`: the time the domain reads (tests set it).
  GrantsGrpcService(
      Database* db, std::shared_ptr<const ServiceChannel> agreements,
      std::shared_ptr<const RpcDispatcher> dispatcher,
      Clock clock = [] { return absl::Now(); });

 private:
  PgTransactor<GrantsStore, PgGrantsStore> store_;
  PgGrantsReads reads_;
  GrpcAgreementsClient agreements_;
  CachedAgreementsClient cached_agreements_;
  RateTables rate_tables_;
  Quotes quotes_;
  Grants grants_;
  Budgets budgets_;
  Rates rates_;
};

}  // namespace mobility::grants

#endif  // MOBILITY_SERVICES_GRANTS_GRPC_SERVICE_H_
