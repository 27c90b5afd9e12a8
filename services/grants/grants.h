// Grants: a participant's grant through its states (calculated, agreed,
// pre-financed, settled or cancelled) and its payment ledger, committed
// against the budget. The arithmetic lives in grant_rules.h and grant_math.h.
#ifndef MOBILITY_SERVICES_GRANTS_GRANTS_H_
#define MOBILITY_SERVICES_GRANTS_GRANTS_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/call.h"
#include "common/transactor.h"
#include "common/wire.h"
#include "mobility/grants/v1/grants.pb.h"
#include "services/agreements/client/agreements_client.h"
#include "services/grants/grants_store.h"
#include "services/grants/grants_support.h"
#include "services/grants/quotes.h"

namespace mobility::grants {

class Grants {
 public:
  Grants(
      Transactor<GrantsStore>* store, GrantsReads* reads,
      const AgreementsClient* agreements, const Quotes* quotes,
      Clock clock = [] { return absl::Now(); })
      : store_(store),
        reads_(reads),
        agreements_(agreements),
        quotes_(quotes),
        clock_(std::move(clock)) {}

  absl::StatusOr<v1::Grant> CreateGrant(const v1::CreateGrantRequest& request,
                                        const CallContext& call);
  void GetGrant(const v1::GetGrantRequest& request, const CallContext& call,
                Then<v1::Grant> reply);
  void ListGrants(const v1::ListGrantsRequest& request, const CallContext& call,
                  Then<Encoded<v1::ListGrantsResponse>> reply);
  absl::StatusOr<v1::Grant> AgreeGrant(const v1::AgreeGrantRequest& request,
                                       const CallContext& call);
  absl::StatusOr<v1::Grant> PrefinanceGrant(
      const v1::PrefinanceGrantRequest& request, const CallContext& call);
  absl::StatusOr<v1::Grant> SettleGrant(const v1::SettleGrantRequest& request,
                                        const CallContext& call);
  absl::StatusOr<v1::Grant> CancelGrant(const v1::CancelGrantRequest& request,
                                        const CallContext& call);
  void ListPayments(const v1::ListPaymentsRequest& request,
                    const CallContext& call,
                    Then<v1::ListPaymentsResponse> reply);
  absl::StatusOr<v1::Payment> ReversePayment(
      const v1::ReversePaymentRequest& request, const CallContext& call);

 private:
  absl::Time Now() const { return TruncatedNow(clock_); }
  // A state change of grant `name` under its row lock, once per request id.
  // `change` may also touch the budget and the ledger within the same
  // transaction.
  using GrantChange = std::function<absl::Status(
      GrantsStore&, const std::string& id, v1::Grant&)>;
  template <typename Request>
  absl::StatusOr<v1::Grant> ChangeGrant(absl::string_view method,
                                        const Request& request,
                                        const CallContext& call,
                                        const GrantChange& change);
  // The change itself, within the caller's transaction: checks who may make
  // it, applies it and saves the grant with its ledger's sum.
  absl::Status ChangeInStore(GrantsStore& store, absl::string_view method,
                             const std::string& id, const Principal& caller,
                             const GrantChange& change, v1::Grant* changed);

  Transactor<GrantsStore>* store_;
  GrantsReads* reads_;
  const AgreementsClient* agreements_;
  const Quotes* quotes_;
  Clock clock_;
};

}  // namespace mobility::grants

#endif  // MOBILITY_SERVICES_GRANTS_GRANTS_H_
