// The thin gRPC adapter of the applications service: one line per RPC, naming
// who may call it and the domain method that serves it.
#ifndef MOBILITY_SERVICES_APPLICATIONS_GRPC_SERVICE_H_
#define MOBILITY_SERVICES_APPLICATIONS_GRPC_SERVICE_H_

#include <memory>
#include <thread>

#include "absl/synchronization/notification.h"
#include "common/client.h"
#include "common/outbox.h"
#include "common/pg_store.h"
#include "common/server.h"
#include "mobility/applications/v1/applications.grpc.pb.h"
#include "services/agreements/client/grpc_agreements_client.h"
#include "services/applications/applications.h"
#include "services/applications/calls.h"
#include "services/applications/documents.h"
#include "services/applications/learning_agreements.h"
#include "services/applications/mobilities.h"
#include "services/applications/personal_data.h"
#include "services/applications/pg_applications_store.h"
#include "services/applications/selection.h"
#include "services/applications/sign_in.h"
#include "services/grants/client/grpc_grants_client.h"

namespace mobility::applications {

// A document of 10 MiB with its framing and the request's other fields.
inline constexpr int kMaxRequestBytes = 12 * 1024 * 1024;

class ApplicationsGrpcService final
    : public RpcService<v1::ApplicationsService> {
 public:
  // `agreements` and `grants` reach the other two services; `applicant_signer`
  // signs the applicants' sign-in tokens (none: sign-in is not offered) for
  // `token_audience`; the applicants' e-mails link to the pages at
  // `public_url`.
  ApplicationsGrpcService(
      Database* db, std::shared_ptr<const ServiceChannel> agreements,
      std::shared_ptr<const ServiceChannel> grants,
      std::optional<TokenSigner> applicant_signer,
      std::shared_ptr<const RpcDispatcher> dispatcher,
      std::string token_audience = std::string(kDefaultAudience),
      const std::string& public_url = "http://localhost:8080");

  // Starts sending the outbox (the sign-in codes) through `smtp` until the
  // service goes.
  void SendMail(SmtpSettings smtp);
  // Every `interval` until the service goes, finishes the steps across
  // services a crash left behind (selections under way, give-backs after an
  // end) once they are `grace` old.
  void FinishPendingSteps(absl::Duration interval, absl::Duration grace);
  ~ApplicationsGrpcService() override;

 private:
  Database* db_;
  PgTransactor<ApplicationsStore, PgApplicationsStore> store_;
  PgApplicationsReads reads_;
  GrpcAgreementsClient agreements_;
  GrpcGrantsClient grants_;
  Calls calls_;
  Applications applications_;
  Selection selection_;
  Mobilities mobilities_;
  Documents documents_;
  LearningAgreements learning_agreements_;
  PersonalData personal_data_;
  SignIn sign_in_;
  absl::Notification stopping_;
  std::thread sweeper_;
  // Last, so it stops first.
  std::unique_ptr<OutboxSender> sender_;
};

}  // namespace mobility::applications

#endif  // MOBILITY_SERVICES_APPLICATIONS_GRPC_SERVICE_H_
