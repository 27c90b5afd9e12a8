// Selection: the office's decision on a reviewed application and the ends of
// an application that held a place. Selecting takes a place of the agreement's
// quota and makes the participant's grant in the other two services; a
// withdrawal or cancellation gives both back and fills the place with the best
// reserve. Each cross-service step is idempotent, keyed by the application, and
// the application records how far the change went, so a retry after a failure
// finishes it exactly once (README "Changes across services").
#ifndef MOBILITY_SERVICES_APPLICATIONS_SELECTION_H_
#define MOBILITY_SERVICES_APPLICATIONS_SELECTION_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/call.h"
#include "common/transactor.h"
#include "common/types.h"
#include "mobility/applications/v1/applications.pb.h"
#include "services/agreements/client/agreements_client.h"
#include "services/applications/applications.h"
#include "services/applications/applications_store.h"
#include "services/grants/client/grants_client.h"

namespace mobility::applications {

class Selection {
 public:
  Selection(
      Transactor<ApplicationsStore>* store, const AgreementsClient* agreements,
      const GrantsClient* grants, std::string public_url,
      Clock clock = [] { return absl::Now(); })
      : store_(store),
        agreements_(agreements),
        grants_(grants),
        public_url_(std::move(public_url)),
        clock_(std::move(clock)) {}

  absl::StatusOr<v1::Application> DecideApplication(
      const v1::DecideApplicationRequest& request, const CallContext& call);
  absl::StatusOr<v1::Application> WithdrawApplication(
      const v1::WithdrawApplicationRequest& request, const CallContext& call);
  absl::StatusOr<v1::Application> CancelApplication(
      const v1::CancelApplicationRequest& request, const CallContext& call);
  absl::StatusOr<v1::Application> RecordHostDecision(
      const v1::RecordHostDecisionRequest& request, const CallContext& call);
  // Finishes what a crash left: selections under way (in their decider's
  // name) and give-backs after an end, pending for longer than `grace`.
  // Returns how many were finished.
  absl::StatusOr<int> FinishPendingSteps(absl::Duration grace,
                                         const CallContext& call);

 private:
  absl::Time Now() const { return TruncatedNow(clock_); }

  // Takes the place, makes the grant and records SELECTED by `actor`; an
  // application already SELECTED is returned as it is. An office's decision
  // (`by_office`) is NOT_FOUND unless the caller runs the application's call;
  // a promotion and the sweeper act for the service.
  absl::StatusOr<v1::Application> Select(const std::string& id,
                                         const Principal& actor,
                                         const std::string& reason,
                                         const CallContext& call,
                                         bool by_office = false);
  // Who may take a step: the applicant, the office running the call, or the
  // host institution (its coordinators through the office, its system with its
  // service identity).
  enum class Actor { kApplicant, kOffice, kHost };
  // The application and its call if `actor` may act on it, else NOT_FOUND.
  absl::StatusOr<ApplicationInCall> ReadFor(const std::string& id, Actor actor,
                                            const CallContext& call);
  // Ends an open application in `to` (Finish), if `actor` may.
  absl::StatusOr<v1::Application> End(const std::string& name,
                                      v1::Application::State to,
                                      const std::string& reason,
                                      const std::string& request_id,
                                      Actor actor, const CallContext& call);
  // Records the end of an application read in `from`, gives back the place
  // and grant it may hold, then fills the place. Also finishes an end
  // recorded before (`to` is its state).
  absl::StatusOr<v1::Application> Finish(const std::string& id,
                                         v1::Application::State from,
                                         const std::string& agreement,
                                         v1::Application::State to,
                                         const std::string& reason,
                                         const CallContext& call);
  // Cancels the application's grant and releases its place for good: no
  // call still on its way makes another or takes it again.
  absl::Status GiveBack(const v1::Application& a, const std::string& agreement,
                        const CallContext& call);
  // Forgets a selection under way that was given up.
  absl::Status ClearSelection(const std::string& id, const CallContext& call);
  // Selects the best reserve of the vacated application's condition into its
  // place, once: the choice is recorded before it is carried out.
  absl::StatusOr<v1::Application> FillVacancy(const std::string& id,
                                              const CallContext& call);

  Transactor<ApplicationsStore>* store_;
  const AgreementsClient* agreements_;
  const GrantsClient* grants_;
  // Where the applicants' e-mails link to (the web pages).
  const std::string public_url_;
  Clock clock_;
};

}  // namespace mobility::applications

#endif  // MOBILITY_SERVICES_APPLICATIONS_SELECTION_H_
