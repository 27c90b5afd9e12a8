// The thin gRPC adapter of the inquiries service: one line per RPC, naming
// who may call it and the domain method that serves it.
#ifndef MOBILITY_SERVICES_INQUIRIES_GRPC_SERVICE_H_
#define MOBILITY_SERVICES_INQUIRIES_GRPC_SERVICE_H_

#include <memory>

#include "common/outbox.h"
#include "common/pg_store.h"
#include "common/server.h"
#include "common/status.h"
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
  // An RPC of the office: besides its roles, only staff of the institution
  // the appeals are addressed to may call it (DOMAIN.md: an inquiry belongs
  // to the institution it is addressed to).
  template <typename Domain, typename Request, typename Response>
  void HandleOffice(const std::string& method, std::set<Role> roles,
                    Domain* domain,
                    absl::StatusOr<Response> (Domain::*serve)(
                        const Request&, const CallContext&)) {
    Handle<Request, Response>(
        method, std::move(roles),
        [this, domain, serve](const Request& request, const CallContext& call)
            -> absl::StatusOr<Response> {
          if (!call.principal.ActsFor(settings_.institution)) {
            return NotThisInstitution();
          }
          return (domain->*serve)(request, call);
        });
  }

  // The same for a method that parks no thread.
  template <typename Domain, typename Request, typename Response>
  void HandleOffice(const std::string& method, std::set<Role> roles,
                    Domain* domain,
                    void (Domain::*serve)(const Request&, const CallContext&,
                                          Then<Response>)) {
    Handle<Request, Response>(
        method, std::move(roles),
        [this, domain, serve](const Request& request, const CallContext& call,
                              Then<Response> reply) {
          if (!call.principal.ActsFor(settings_.institution)) {
            return reply(NotThisInstitution());
          }
          (domain->*serve)(request, call, std::move(reply));
        });
  }
  static absl::Status NotThisInstitution() {
    return Error(absl::StatusCode::kPermissionDenied, "NOT_THIS_INSTITUTION",
                 "these appeals are addressed to another institution");
  }

  const Settings settings_;
  Database* db_;
  PgTransactor<InquiriesStore, PgInquiriesStore> store_;
  PgInquiriesReads reads_;
  CalendarCache calendars_;
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
