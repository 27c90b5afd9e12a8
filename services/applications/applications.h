// Applications: what an applicant writes and submits to a call, checked for
// eligibility at submission, and what the office scores and ranks. Decisions
// that take places and grants are in selection.h.
#ifndef MOBILITY_SERVICES_APPLICATIONS_APPLICATIONS_H_
#define MOBILITY_SERVICES_APPLICATIONS_APPLICATIONS_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/call.h"
#include "common/transactor.h"
#include "common/types.h"
#include "google/protobuf/empty.pb.h"
#include "mobility/applications/v1/applications.pb.h"
#include "services/agreements/client/agreements_client.h"
#include "services/applications/applications_store.h"

namespace mobility::applications {

// Reads application `id` and its call, for steps the service takes itself
// (NOT_FOUND when there is no such application).
absl::StatusOr<ApplicationInCall> ReadWithCall(ApplicationsStore& store,
                                               const std::string& id,
                                               bool for_update);

// NOT_FOUND for application `id`: what a missing application and one the
// caller may not see both answer.
absl::Status ApplicationNotFound(absl::string_view id);

// A changed application's update time and etag.
void StampApplication(v1::Application& application, absl::Time now);

// Who may take a step on an application.
enum class Reader {
  kOwnerOrOffice,  // The applicant who owns it, or the office running its call.
  kOwner,          // The applicant's own step.
  kOffice,         // The office running the call (an admin runs every call).
};

// Reads application `id` and its call for `principal`; NOT_FOUND, as for a
// missing one, unless `reader` lets the principal act on it.
absl::StatusOr<ApplicationInCall> ReadApplication(
    ApplicationsStore& store, const std::string& id, const Principal& principal,
    bool for_update, Reader reader = Reader::kOwnerOrOffice);

// Moves `application` to `to`, recording who, when and why.
void Transition(v1::Application& application, v1::Application::State to,
                const Principal& actor, const std::string& reason,
                absl::Time now);

// In the transaction that moved `a` to its state: the applicant's e-mail
// about it (ApplicantMail) in `call`, when that state has one, linking under
// `public_url`.
absl::Status TellApplicant(ApplicationsStore& store, const v1::Application& a,
                           const v1::Call& call, absl::string_view public_url,
                           absl::Time now);

// FAILED_PRECONDITION naming the state unless `application` is in one of
// `from`.
absl::Status CheckState(const v1::Application& application,
                        std::initializer_list<v1::Application::State> from);

// Runs `change` on application `id` (with its call) under its row lock for
// the office that
// runs its call (NOT_FOUND for anyone else), once per `request_id`, and saves
// it stamped with `now`.
absl::StatusOr<v1::Application> ChangeAsOffice(
    Transactor<ApplicationsStore>* store, absl::string_view method,
    const std::string& id, const google::protobuf::Message& request,
    const std::string& request_id, const CallContext& call, absl::Time now,
    absl::string_view public_url,
    const std::function<absl::Status(v1::Application&, const v1::Call&)>&
        change);

class Applications {
 public:
  Applications(
      Transactor<ApplicationsStore>* store, ApplicationsReads* reads,
      const AgreementsClient* agreements, std::string public_url,
      Clock clock = [] { return absl::Now(); })
      : store_(store),
        reads_(reads),
        agreements_(agreements),
        public_url_(std::move(public_url)),
        clock_(std::move(clock)) {}

  absl::StatusOr<v1::Application> CreateApplication(
      const v1::CreateApplicationRequest& request, const CallContext& call);
  void GetApplication(const v1::GetApplicationRequest& request,
                      const CallContext& call, Then<v1::Application> reply);
  void ListApplications(const v1::ListApplicationsRequest& request,
                        const CallContext& call,
                        Then<v1::ListApplicationsResponse> reply);
  absl::StatusOr<v1::Application> UpdateApplication(
      const v1::UpdateApplicationRequest& request, const CallContext& call);
  absl::StatusOr<google::protobuf::Empty> DeleteApplication(
      const v1::DeleteApplicationRequest& request, const CallContext& call);
  absl::StatusOr<v1::Application> SubmitApplication(
      const v1::SubmitApplicationRequest& request, const CallContext& call);
  absl::StatusOr<v1::Application> EvaluateApplication(
      const v1::EvaluateApplicationRequest& request, const CallContext& call);
  absl::StatusOr<v1::RankApplicationsResponse> RankApplications(
      const v1::RankApplicationsRequest& request, const CallContext& call);

 private:
  absl::Time Now() const { return TruncatedNow(clock_); }

  Transactor<ApplicationsStore>* store_;
  ApplicationsReads* reads_;
  const AgreementsClient* agreements_;
  // Where the applicants' e-mails link to (the web pages).
  const std::string public_url_;
  Clock clock_;
};

}  // namespace mobility::applications

#endif  // MOBILITY_SERVICES_APPLICATIONS_APPLICATIONS_H_
