// The thin gRPC adapter of the agreements service: one line per RPC, naming
// who may call it and the domain method that serves it.
#ifndef MOBILITY_SERVICES_AGREEMENTS_GRPC_SERVICE_H_
#define MOBILITY_SERVICES_AGREEMENTS_GRPC_SERVICE_H_

#include <memory>

#include "common/pg_store.h"
#include "common/server.h"
#include "mobility/agreements/v1/agreements.grpc.pb.h"
#include "services/agreements/agreements.h"
#include "services/agreements/institutions.h"
#include "services/agreements/pg_agreements_store.h"
#include "services/agreements/quotas.h"

namespace mobility::agreements {

class AgreementsGrpcService final : public RpcService<v1::AgreementsService> {
 public:
  // `clock`: the time the domain reads (tests set it).
  AgreementsGrpcService(
      Database* db, std::shared_ptr<const RpcDispatcher> dispatcher,
      Clock clock = [] { return absl::Now(); });

 private:
  PgTransactor<AgreementsStore, PgAgreementsStore> store_;
  PgAgreementsReads reads_;
  Institutions institutions_;
  Agreements agreements_;
  Quotas quotas_;
};

}  // namespace mobility::agreements

#endif  // MOBILITY_SERVICES_AGREEMENTS_GRPC_SERVICE_H_
