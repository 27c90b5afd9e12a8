// Agreements: inter-institutional agreements through drafts, approval by both
// partners bound to a content hash, revisions and termination. The rules live
// in agreement_rules.h.
#ifndef MOBILITY_SERVICES_AGREEMENTS_AGREEMENTS_H_
#define MOBILITY_SERVICES_AGREEMENTS_AGREEMENTS_H_

#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/call.h"
#include "common/local_day.h"
#include "common/transactor.h"
#include "common/types.h"
#include "google/protobuf/empty.pb.h"
#include "mobility/agreements/v1/agreements.pb.h"
#include "services/agreements/agreements_store.h"

namespace mobility::agreements {

class Agreements {
 public:
  Agreements(
      Transactor<AgreementsStore>* store, AgreementsReads* reads,
      Clock clock = [] { return absl::Now(); })
      : store_(store), reads_(reads), clock_(std::move(clock)) {}

  absl::StatusOr<v1::Agreement> CreateAgreement(
      const v1::CreateAgreementRequest& request, const CallContext& call);
  void GetAgreement(const v1::GetAgreementRequest& request,
                    const CallContext& call, Then<v1::Agreement> reply);
  void ListAgreements(const v1::ListAgreementsRequest& request,
                      const CallContext& call,
                      Then<v1::ListAgreementsResponse> reply);
  absl::StatusOr<v1::Agreement> UpdateAgreement(
      const v1::UpdateAgreementRequest& request, const CallContext& call);
  absl::StatusOr<v1::Agreement> ApproveAgreement(
      const v1::ApproveAgreementRequest& request, const CallContext& call);
  absl::StatusOr<v1::Agreement> TerminateAgreement(
      const v1::TerminateAgreementRequest& request, const CallContext& call);
  absl::StatusOr<google::protobuf::Empty> DeleteAgreement(
      const v1::DeleteAgreementRequest& request, const CallContext& call);

 private:
  absl::Time Now() const { return TruncatedNow(clock_); }
  absl::CivilDay Today() const { return LocalDay(Now()); }
  // The revision in force of each of `rows`, as the public reads them: one
  // more read when any is amended.
  void RevisionsInForce(const CallLimit& limit, std::vector<v1::Agreement> rows,
                        Then<std::vector<v1::Agreement>> then);

  // A state change of the agreement `request.name()`: runs `change` on the
  // current version under its row lock and stores the result as a new revision,
  // once per request id.
  template <typename Request>
  absl::StatusOr<v1::Agreement> ChangeState(
      absl::string_view method, const Request& request, const CallContext& call,
      const std::function<absl::Status(AgreementsStore&, v1::Agreement&,
                                       absl::Time)>& change);

  Transactor<AgreementsStore>* store_;
  AgreementsReads* reads_;
  Clock clock_;
};

}  // namespace mobility::agreements

#endif  // MOBILITY_SERVICES_AGREEMENTS_AGREEMENTS_H_
