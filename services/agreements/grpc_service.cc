#include "services/agreements/grpc_service.h"

namespace mobility::agreements {

// Who may call what: coordinators and admins write, every authenticated caller
// reads, and other services (and admins) take and give back mobilities.
AgreementsGrpcService::AgreementsGrpcService(
    Database* db, std::shared_ptr<const RpcDispatcher> dispatcher)
    : RpcService(std::move(dispatcher)), store_(db), agreements_(&store_) {
  const std::set<Role> writers = {Role::kCoordinator, Role::kAdmin};
  const std::set<Role> ledger = {Role::kService, Role::kAdmin};
  using A = Agreements;
  A* a = &agreements_;
  Handle("CreateInstitution", writers, a, &A::CreateInstitution);
  Handle("GetInstitution", AnyRole(), a, &A::GetInstitution);
  Handle("ListInstitutions", AnyRole(), a, &A::ListInstitutions);
  Handle("UpdateInstitution", writers, a, &A::UpdateInstitution);
  Handle("CreateAgreement", writers, a, &A::CreateAgreement);
  Handle("GetAgreement", AnyRole(), a, &A::GetAgreement);
  Handle("ListAgreements", AnyRole(), a, &A::ListAgreements);
  Handle("UpdateAgreement", writers, a, &A::UpdateAgreement);
  Handle("ApproveAgreement", writers, a, &A::ApproveAgreement);
  Handle("TerminateAgreement", writers, a, &A::TerminateAgreement);
  Handle("AllocateMobility", ledger, a, &A::AllocateMobility);
  Handle("ReleaseMobility", ledger, a, &A::ReleaseMobility);
  Handle("GetQuotaUsage", AnyRole(), a, &A::GetQuotaUsage);
}

}  // namespace mobility::agreements
