#include "services/grants/grpc_service.h"

namespace mobility::grants {

// Who may call what: finance and coordinators manage grants and budgets, admins
// manage rates, other services create grants, applicants read their own grants.
GrantsGrpcService::GrantsGrpcService(
    Database* db, std::shared_ptr<const ServiceChannel> agreements,
    std::shared_ptr<const RpcDispatcher> dispatcher)
    : RpcService(std::move(dispatcher)),
      agreements_(std::move(agreements)),
      grants_(db, &agreements_) {
  const std::set<Role> managers = {Role::kFinance, Role::kCoordinator};
  const std::set<Role> readers = {Role::kFinance, Role::kCoordinator,
                                  Role::kAdmin, Role::kApplicant};
  const std::set<Role> office = {Role::kFinance, Role::kCoordinator,
                                 Role::kAdmin};
  const std::set<Role> admins = {Role::kAdmin};
  using G = Grants;
  G* g = &grants_;
  Handle("CalculateGrant", AnyRole(), g, &G::CalculateGrant);
  Handle("CreateGrant", {Role::kFinance, Role::kCoordinator, Role::kService},
         g, &G::CreateGrant);
  Handle("GetGrant", readers, g, &G::GetGrant);
  Handle("ListGrants", readers, g, &G::ListGrants);
  Handle("AgreeGrant", managers, g, &G::AgreeGrant);
  Handle("PrefinanceGrant", managers, g, &G::PrefinanceGrant);
  Handle("SettleGrant", managers, g, &G::SettleGrant);
  Handle("CancelGrant", managers, g, &G::CancelGrant);
  Handle("ListPayments", readers, g, &G::ListPayments);
  Handle("ReversePayment", managers, g, &G::ReversePayment);
  Handle("CreateBudget", managers, g, &G::CreateBudget);
  Handle("GetBudget", office, g, &G::GetBudget);
  Handle("GetBudgetReport", office, g, &G::GetBudgetReport);
  Handle("ExportGrants", managers, g, &G::ExportGrants);
  Handle("ListRates", AnyRole(), g, &G::ListRates);
  Handle("CreateRate", admins, g, &G::CreateRate);
  Handle("UpdateRate", admins, g, &G::UpdateRate);
}

}  // namespace mobility::grants
