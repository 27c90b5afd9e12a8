// The thin gRPC adapter of the agreements service: the role table and one line
// per RPC.
#ifndef MOBILITY_SERVICES_AGREEMENTS_GRPC_SERVICE_H_
#define MOBILITY_SERVICES_AGREEMENTS_GRPC_SERVICE_H_

#include "common/auth.h"
#include "common/server.h"
#include "mobility/agreements/v1/agreements.grpc.pb.h"
#include "services/agreements/agreements.h"

namespace mobility::agreements {

// Who may call what: coordinators and admins write, every authenticated caller
// reads, and other services (and admins) take and give back mobilities.
const MethodRoles& AgreementsMethodRoles();

class AgreementsGrpcService final : public v1::AgreementsService::Service {
 public:
  AgreementsGrpcService(Database* db, TokenVerifier verifier)
      : agreements_(db),
        guard_(std::move(verifier), &AgreementsMethodRoles()) {}

  grpc::Status CreateInstitution(grpc::ServerContext* context,
                                 const v1::CreateInstitutionRequest* request,
                                 v1::Institution* response) override;
  grpc::Status GetInstitution(grpc::ServerContext* context,
                              const v1::GetInstitutionRequest* request,
                              v1::Institution* response) override;
  grpc::Status ListInstitutions(
      grpc::ServerContext* context, const v1::ListInstitutionsRequest* request,
      v1::ListInstitutionsResponse* response) override;
  grpc::Status UpdateInstitution(grpc::ServerContext* context,
                                 const v1::UpdateInstitutionRequest* request,
                                 v1::Institution* response) override;
  grpc::Status CreateAgreement(grpc::ServerContext* context,
                               const v1::CreateAgreementRequest* request,
                               v1::Agreement* response) override;
  grpc::Status GetAgreement(grpc::ServerContext* context,
                            const v1::GetAgreementRequest* request,
                            v1::Agreement* response) override;
  grpc::Status ListAgreements(grpc::ServerContext* context,
                              const v1::ListAgreementsRequest* request,
                              v1::ListAgreementsResponse* response) override;
  grpc::Status UpdateAgreement(grpc::ServerContext* context,
                               const v1::UpdateAgreementRequest* request,
                               v1::Agreement* response) override;
  grpc::Status ApproveAgreement(grpc::ServerContext* context,
                                const v1::ApproveAgreementRequest* request,
                                v1::Agreement* response) override;
  grpc::Status TerminateAgreement(grpc::ServerContext* context,
                                  const v1::TerminateAgreementRequest* request,
                                  v1::Agreement* response) override;
  grpc::Status AllocateMobility(grpc::ServerContext* context,
                                const v1::AllocateMobilityRequest* request,
                                v1::MobilityAllocation* response) override;
  grpc::Status ReleaseMobility(grpc::ServerContext* context,
                               const v1::ReleaseMobilityRequest* request,
                               v1::MobilityAllocation* response) override;
  grpc::Status GetQuotaUsage(grpc::ServerContext* context,
                             const v1::GetQuotaUsageRequest* request,
                             v1::QuotaUsage* response) override;

 private:
  Agreements agreements_;
  RpcGuard guard_;
};

}  // namespace mobility::agreements

#endif  // MOBILITY_SERVICES_AGREEMENTS_GRPC_SERVICE_H_
