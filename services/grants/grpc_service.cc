#include "services/grants/grpc_service.h"

namespace mobility::grants {

// Who may call what: finance and coordinators manage grants and budgets, admins
// manage rates, other services create grants, applicants read their own grants.
GrantsGrpcService::GrantsGrpcService(
    Database* db, std::shared_ptr<const ServiceChannel> agreements,
    std::shared_ptr<const RpcDispatcher> dispatcher, Clock clock)
    : RpcService(std::move(dispatcher)),
      store_(db),
      reads_(db),
      agreements_(std::move(agreements)),
      cached_agreements_(&agreements_, &db->changes()),
      rate_tables_(&db->changes(), kRateChanges),
      quotes_(&store_, &agreements_, &cached_agreements_, &rate_tables_),
      grants_(&store_, &reads_, &agreements_, &quotes_, std::move(clock)),
      budgets_(&store_, &reads_),
      rates_(&store_, &reads_, &rate_tables_) {
  const std::set<Role> managers = {Role::kFinance, Role::kCoordinator};
  const std::set<Role> readers = {Role::kFinance, Role::kCoordinator,
                                  Role::kAdmin, Role::kApplicant};
  const std::set<Role> office = {Role::kFinance, Role::kCoordinator,
                                 Role::kAdmin};
  const std::set<Role> admins = {Role::kAdmin};
  using G = Grants;
  G* g = &grants_;
  // A quote is arithmetic on the published rates: the public pages estimate
  // a grant with it.
  HandlePublic("CalculateGrant", &quotes_, &Quotes::CalculateGrant);
  Handle("CreateGrant", {Role::kFinance, Role::kCoordinator, Role::kService}, g,
         &G::CreateGrant);
  Handle("GetGrant", readers, g, &G::GetGrant);
  Handle("ListGrants", readers, g, &G::ListGrants);
  Handle("AgreeGrant", managers, g, &G::AgreeGrant);
  Handle("PrefinanceGrant", managers, g, &G::PrefinanceGrant);
  // The applications service settles a completed mobility's grant.
  Handle("SettleGrant", {Role::kFinance, Role::kCoordinator, Role::kService}, g,
         &G::SettleGrant);
  // A service cancels the grants it made (a withdrawn application's).
  Handle("CancelGrant", {Role::kFinance, Role::kCoordinator, Role::kService}, g,
         &G::CancelGrant);
  Handle("ListPayments", readers, g, &G::ListPayments);
  Handle("ReversePayment", managers, g, &G::ReversePayment);
  using B = Budgets;
  Handle("CreateBudget", managers, &budgets_, &B::CreateBudget);
  Handle("GetBudget", office, &budgets_, &B::GetBudget);
  Handle("GetBudgetReport", office, &budgets_, &B::GetBudgetReport);
  Handle("ExportGrants", managers, &budgets_, &B::ExportGrants);
  using R = Rates;
  HandlePublic("ListRates", &rates_, &R::ListRates);
  Handle("CreateRate", admins, &rates_, &R::CreateRate);
  Handle("UpdateRate", admins, &rates_, &R::UpdateRate);
}

}  // namespace mobility::grants
