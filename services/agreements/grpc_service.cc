#include "services/agreements/grpc_service.h"

namespace mobility::agreements {

// Who may call what: coordinators and admins (and partners' systems, as their
// coordinators) write, for agreements of their own institution; everyone
// reads what the public reads, the partners the whole agreement; only our own
// services take and give back places.
AgreementsGrpcService::AgreementsGrpcService(
    Database* db, std::shared_ptr<const RpcDispatcher> dispatcher, Clock clock)
    : RpcService(std::move(dispatcher)),
      store_(db),
      reads_(db),
      institutions_(&store_, &reads_),
      agreements_(&store_, &reads_, clock),
      quotas_(&store_, &reads_, clock) {
  const std::set<Role> writers = {Role::kCoordinator, Role::kAdmin};
  const std::set<Role> ledger = {Role::kService};
  using I = Institutions;
  Handle("CreateInstitution", writers, &institutions_, &I::CreateInstitution);
  // Partners and the agreements in force are public: the university's pages
  // show them to anyone.
  HandlePublic("GetInstitution", &institutions_, &I::GetInstitution);
  HandlePublic("ListInstitutions", &institutions_, &I::ListInstitutions);
  Handle("UpdateInstitution", writers, &institutions_, &I::UpdateInstitution);
  using A = Agreements;
  A* a = &agreements_;
  Handle("CreateAgreement", writers, a, &A::CreateAgreement);
  HandlePublic("GetAgreement", a, &A::GetAgreement);
  HandlePublic("ListAgreements", a, &A::ListAgreements);
  Handle("UpdateAgreement", writers, a, &A::UpdateAgreement);
  Handle("ApproveAgreement", writers, a, &A::ApproveAgreement);
  Handle("TerminateAgreement", writers, a, &A::TerminateAgreement);
  Handle("DeleteAgreement", writers, a, &A::DeleteAgreement);
  using Q = Quotas;
  Handle("AllocateMobility", ledger, &quotas_, &Q::AllocateMobility);
  Handle("ReleaseMobility", ledger, &quotas_, &Q::ReleaseMobility);
  Handle("GetQuotaUsage", AnyRole(), &quotas_, &Q::GetQuotaUsage);
}

}  // namespace mobility::agreements
