#include "services/applications/grpc_service.h"

#include <algorithm>

#include "common/log.h"

namespace mobility::applications {

// Who may call what: anyone signs in as an applicant with an e-mailed code;
// coordinators (and admins) run their institution's calls and decide on their
// applications; applicants write their own applications and documents;
// everyone authenticated sees the calls. Which application a
// caller may touch is checked by the domain (owner, or the call's
// institution).
ApplicationsGrpcService::ApplicationsGrpcService(
    Database* db, std::shared_ptr<const ServiceChannel> agreements,
    std::shared_ptr<const ServiceChannel> grants,
    std::optional<TokenSigner> applicant_signer,
    std::shared_ptr<const RpcDispatcher> dispatcher, std::string token_audience,
    const std::string& public_url)
    : RpcService(std::move(dispatcher)),
      db_(db),
      store_(db),
      reads_(db),
      agreements_(std::move(agreements)),
      grants_(std::move(grants)),
      calls_(&store_, &reads_, &agreements_, &grants_),
      applications_(&store_, &reads_, &agreements_, public_url),
      selection_(&store_, &agreements_, &grants_, public_url),
      mobilities_(&store_, &grants_, public_url),
      documents_(&store_),
      learning_agreements_(&store_),
      personal_data_(&store_),
      sign_in_(&store_, std::move(applicant_signer),
               std::move(token_audience)) {
  const std::set<Role> office = {Role::kCoordinator, Role::kAdmin};
  const std::set<Role> applicants = {Role::kApplicant};
  const std::set<Role> readers = {Role::kApplicant, Role::kCoordinator,
                                  Role::kAdmin};
  HandlePublic("SendSignInCode", &sign_in_, &SignIn::SendSignInCode);
  HandlePublic("CreateApplicantSession", &sign_in_,
               &SignIn::CreateApplicantSession);
  using C = Calls;
  Handle("CreateCall", office, &calls_, &C::CreateCall);
  Handle("GetCall", AnyRole(), &calls_, &C::GetCall);
  Handle("ListCalls", AnyRole(), &calls_, &C::ListCalls);
  Handle("UpdateCall", office, &calls_, &C::UpdateCall);
  Handle("CloseCall", office, &calls_, &C::CloseCall);
  using A = Applications;
  A* a = &applications_;
  Handle("RankApplications", office, a, &A::RankApplications);
  Handle("CreateApplication", applicants, a, &A::CreateApplication);
  Handle("GetApplication", readers, a, &A::GetApplication);
  Handle("ListApplications", readers, a, &A::ListApplications);
  Handle("UpdateApplication", applicants, a, &A::UpdateApplication);
  Handle("DeleteApplication", applicants, a, &A::DeleteApplication);
  Handle("SubmitApplication", applicants, a, &A::SubmitApplication);
  Handle("EvaluateApplication", office, a, &A::EvaluateApplication);
  using S = Selection;
  Handle("WithdrawApplication", applicants, &selection_,
         &S::WithdrawApplication);
  Handle("CancelApplication", office, &selection_, &S::CancelApplication);
  Handle("DecideApplication", office, &selection_, &S::DecideApplication);
  // The host's coordinators, or its system, answer a nomination.
  Handle("RecordHostDecision", office, &selection_, &S::RecordHostDecision);
  using M = Mobilities;
  Handle("NominateApplication", office, &mobilities_, &M::NominateApplication);
  Handle("StartMobility", office, &mobilities_, &M::StartMobility);
  Handle("CompleteMobility", office, &mobilities_, &M::CompleteMobility);
  // The student, the sending office and the host (its coordinators or system)
  // each read, propose and sign for their own party.
  const std::set<Role> parties = {Role::kApplicant, Role::kCoordinator,
                                  Role::kAdmin};
  using L = LearningAgreements;
  Handle("GetLearningAgreement", parties, &learning_agreements_,
         &L::GetLearningAgreement);
  Handle("ProposeLearningAgreement", parties, &learning_agreements_,
         &L::ProposeLearningAgreement);
  Handle("SignLearningAgreement", parties, &learning_agreements_,
         &L::SignLearningAgreement);
  Handle("ExportMyData", applicants, &personal_data_,
         &PersonalData::ExportMyData);
  using D = Documents;
  Handle("CreateDocument", applicants, &documents_, &D::CreateDocument);
  Handle("ListDocuments", readers, &documents_, &D::ListDocuments);
  Handle("GetDocument", readers, &documents_, &D::GetDocument);
  Handle("DeleteDocument", applicants, &documents_, &D::DeleteDocument);
}

ApplicationsGrpcService::~ApplicationsGrpcService() {
  stopping_.Notify();
  if (sweeper_.joinable()) sweeper_.join();
}

namespace {
constexpr absl::Duration kSweepLimit = absl::Seconds(10);
}  // namespace

void ApplicationsGrpcService::FinishPendingSteps(absl::Duration interval,
                                                 absl::Duration grace) {
  sweeper_ = std::thread([this, interval, grace] {
    while (!stopping_.WaitForNotificationWithTimeout(interval)) {
      CallContext call;
      call.principal.subject = "applications";
      call.principal.roles = {Role::kService};
      // Not the interval: a sweep that needs longer (a slow grants service)
      // must still finish, and the next one simply starts later.
      call.limit = CallLimit::Within(std::max(interval, kSweepLimit));
      auto finished = selection_.FinishPendingSteps(grace, call);
      if (!finished.ok()) {
        Log(LogLevel::kWarning, "pending_steps_failed",
            {{"code", absl::StatusCodeToString(finished.status().code())}});
      } else if (*finished > 0) {
        Log(LogLevel::kInfo, "pending_steps_finished",
            {{"count", std::to_string(*finished)}});
      }
    }
  });
}

void ApplicationsGrpcService::SendMail(SmtpSettings smtp) {
  sender_ = std::make_unique<OutboxSender>(db_, std::move(smtp));
  sender_->Start();
}

}  // namespace mobility::applications
