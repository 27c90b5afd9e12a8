// The grants service's domain logic: quotes, grants through their states, the
// payment ledger and the project budget. Each call runs in one transaction
// through GrantsStore; the arithmetic lives in grant_rules.h and grant_math.h.
#ifndef MOBILITY_SERVICES_GRANTS_GRANTS_H_
#define MOBILITY_SERVICES_GRANTS_GRANTS_H_

#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/db.h"
#include "common/call.h"
#include "mobility/grants/v1/grants.pb.h"
#include "services/grants/agreements_client.h"

namespace mobility::grants {

class Grants {
 public:
  using Clock = std::function<absl::Time()>;
  Grants(
      Database* db, const AgreementsClient* agreements,
      Clock clock = [] { return absl::Now(); })
      : db_(db), agreements_(agreements), clock_(std::move(clock)) {}

  absl::StatusOr<v1::GrantQuote> CalculateGrant(
      const v1::CalculateGrantRequest& request, const CallContext& call);

  absl::StatusOr<v1::Grant> CreateGrant(const v1::CreateGrantRequest& request,
                                        const CallContext& call);
  absl::StatusOr<v1::Grant> GetGrant(const v1::GetGrantRequest& request,
                                     const CallContext& call);
  absl::StatusOr<v1::ListGrantsResponse> ListGrants(
      const v1::ListGrantsRequest& request, const CallContext& call);
  absl::StatusOr<v1::Grant> AgreeGrant(const v1::AgreeGrantRequest& request,
      const CallContext& call);
  absl::StatusOr<v1::Grant> PrefinanceGrant(
      const v1::PrefinanceGrantRequest& request,
      const CallContext& call);
  absl::StatusOr<v1::Grant> SettleGrant(const v1::SettleGrantRequest& request,
      const CallContext& call);
  absl::StatusOr<v1::Grant> CancelGrant(const v1::CancelGrantRequest& request,
      const CallContext& call);
  absl::StatusOr<v1::ListPaymentsResponse> ListPayments(
      const v1::ListPaymentsRequest& request, const CallContext& call);
  absl::StatusOr<v1::Payment> ReversePayment(
      const v1::ReversePaymentRequest& request,
      const CallContext& call);

  absl::StatusOr<v1::Budget> CreateBudget(
      const v1::CreateBudgetRequest& request,
      const CallContext& call);
  absl::StatusOr<v1::Budget> GetBudget(const v1::GetBudgetRequest& request,
      const CallContext& call);
  absl::StatusOr<v1::BudgetReport> GetBudgetReport(
      const v1::GetBudgetReportRequest& request,
      const CallContext& call);
  absl::StatusOr<v1::ExportGrantsResponse> ExportGrants(
      const v1::ExportGrantsRequest& request,
      const CallContext& call);

  absl::StatusOr<v1::ListRatesResponse> ListRates(
      const v1::ListRatesRequest& request,
      const CallContext& call);
  absl::StatusOr<v1::Rate> CreateRate(const v1::CreateRateRequest& request,
      const CallContext& call);
  absl::StatusOr<v1::Rate> UpdateRate(const v1::UpdateRateRequest& request,
      const CallContext& call);

 private:
  absl::Time Now() const;
  // A quote for a validated request: institutions from the agreements service,
  // rates from the tables of the call.
  absl::StatusOr<v1::GrantQuote> Quote(const v1::CalculateGrantRequest& request,
                                       const std::string& prefix,
                                       const CallContext& call);
  // A state change of grant `name` under its row lock, once per request id.
  // `change` may also touch the budget and the ledger within the same
  // transaction.
  template <typename Request>
  absl::StatusOr<v1::Grant> ChangeGrant(
      absl::string_view method, const Request& request, const CallContext& call,
      const std::function<absl::Status(pqxx::transaction_base&,
                                       const std::string& id, v1::Grant&)>&
          change);

  Database* db_;
  const AgreementsClient* agreements_;
  Clock clock_;
};

}  // namespace mobility::grants

#endif  // MOBILITY_SERVICES_GRANTS_GRANTS_H_
