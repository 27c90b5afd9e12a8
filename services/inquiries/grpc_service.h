// The thin gRPC adapter of the inquiries service: one line per RPC, naming
// who may call it and the domain method that serves it.
#ifndef MOBILITY_SERVICES_INQUIRIES_GRPC_SERVICE_H_
#define MOBILITY_SERVICES_INQUIRIES_GRPC_SERVICE_H_

#include <memory>

#include "common/outbox.h"
#include "common/pg_store.h"
#include "common/server.h"
#include "mobility/inquiries/v1/inquiries.grpc.pb.h"
#include "services/inquiries/authors.h"
#include "services/inquiries/directory.h"
#include "services/inquiries/handling.h"
#include "services/inquiries/pg_inquiries_store.h"
#include "services/inquiries/publication.h"
#include "services/inquiries/registration.h"
#include "services/inquiries/settings.h"

namespace mobility::inquiries {

class InquiriesGrpcService final : public RpcService<v1::InquiriesService> {
 public:
  InquiriesGrpcService(Database* db, Settings settings,
                       std::shared_ptr<const RpcDispatcher> dispatcher);

  // Starts sending the outbox through `smtp` until the service goes.
  void SendNotices(SmtpSettings smtp);

 private:
  const Settings settings_;
  Database* db_;
  PgTransactor<InquiriesStore, PgInquiriesStore> store_;
  Directory directory_;
  Registration registration_;
  Authors authors_;
  Handling handling_;
  Publication publication_;
  // Last, so it stops first.
  std::unique_ptr<OutboxSender> sender_;
};

}  // namespace mobility::inquiries

#endif  // MOBILITY_SERVICES_INQUIRIES_GRPC_SERVICE_H_
