// Budgets: the institution's share of a National Agency project, its headings,
// what agreed grants commit of them, and the reports and exports.
#ifndef MOBILITY_SERVICES_GRANTS_BUDGETS_H_
#define MOBILITY_SERVICES_GRANTS_BUDGETS_H_

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/call.h"
#include "common/transactor.h"
#include "mobility/grants/v1/grants.pb.h"
#include "services/grants/grants_store.h"
#include "services/grants/grants_support.h"

namespace mobility::grants {

class Budgets {
 public:
  Budgets(
      Transactor<GrantsStore>* store, GrantsReads* reads,
      Clock clock = [] { return absl::Now(); })
      : store_(store), reads_(reads), clock_(std::move(clock)) {}

  absl::StatusOr<v1::Budget> CreateBudget(
      const v1::CreateBudgetRequest& request, const CallContext& call);
  void GetBudget(const v1::GetBudgetRequest& request, const CallContext& call,
                 Then<v1::Budget> reply);
  // The budget, its payments and its grants from one snapshot.
  void GetBudgetReport(const v1::GetBudgetReportRequest& request,
                       const CallContext& call, Then<v1::BudgetReport> reply);
  absl::StatusOr<v1::ExportGrantsResponse> ExportGrants(
      const v1::ExportGrantsRequest& request, const CallContext& call);

 private:
  absl::Time Now() const { return TruncatedNow(clock_); }

  Transactor<GrantsStore>* store_;
  GrantsReads* reads_;
  Clock clock_;
};

}  // namespace mobility::grants

#endif  // MOBILITY_SERVICES_GRANTS_BUDGETS_H_
