// The thin gRPC adapter of the grants service: the role table and one line per
// RPC.
#ifndef MOBILITY_SERVICES_GRANTS_GRPC_SERVICE_H_
#define MOBILITY_SERVICES_GRANTS_GRPC_SERVICE_H_

#include "common/auth.h"
#include "common/server.h"
#include "mobility/grants/v1/grants.grpc.pb.h"
#include "services/grants/agreements_client.h"
#include "services/grants/grants.h"

namespace mobility::grants {

// Who may call what: finance and coordinators manage grants and budgets, admins
// manage rates, other services create grants, applicants read their own grants.
const MethodRoles& GrantsMethodRoles();

class GrantsGrpcService final : public v1::GrantsService::Service {
 public:
  // `agreements` is the channel to the agreements service.
  GrantsGrpcService(Database* db, std::shared_ptr<grpc::Channel> agreements,
                    TokenVerifier verifier)
      : agreements_(std::move(agreements)),
        grants_(db, &agreements_),
        guard_(std::move(verifier), &GrantsMethodRoles()) {}

  grpc::Status CalculateGrant(grpc::ServerContext* context,
                              const v1::CalculateGrantRequest* request,
                              v1::GrantQuote* response) override;
  grpc::Status CreateGrant(grpc::ServerContext* context,
                           const v1::CreateGrantRequest* request,
                           v1::Grant* response) override;
  grpc::Status GetGrant(grpc::ServerContext* context,
                        const v1::GetGrantRequest* request,
                        v1::Grant* response) override;
  grpc::Status ListGrants(grpc::ServerContext* context,
                          const v1::ListGrantsRequest* request,
                          v1::ListGrantsResponse* response) override;
  grpc::Status AgreeGrant(grpc::ServerContext* context,
                          const v1::AgreeGrantRequest* request,
                          v1::Grant* response) override;
  grpc::Status PrefinanceGrant(grpc::ServerContext* context,
                               const v1::PrefinanceGrantRequest* request,
                               v1::Grant* response) override;
  grpc::Status SettleGrant(grpc::ServerContext* context,
                           const v1::SettleGrantRequest* request,
                           v1::Grant* response) override;
  grpc::Status CancelGrant(grpc::ServerContext* context,
                           const v1::CancelGrantRequest* request,
                           v1::Grant* response) override;
  grpc::Status ListPayments(grpc::ServerContext* context,
                            const v1::ListPaymentsRequest* request,
                            v1::ListPaymentsResponse* response) override;
  grpc::Status ReversePayment(grpc::ServerContext* context,
                              const v1::ReversePaymentRequest* request,
                              v1::Payment* response) override;
  grpc::Status CreateBudget(grpc::ServerContext* context,
                            const v1::CreateBudgetRequest* request,
                            v1::Budget* response) override;
  grpc::Status GetBudget(grpc::ServerContext* context,
                         const v1::GetBudgetRequest* request,
                         v1::Budget* response) override;
  grpc::Status GetBudgetReport(grpc::ServerContext* context,
                               const v1::GetBudgetReportRequest* request,
                               v1::BudgetReport* response) override;
  grpc::Status ExportGrants(grpc::ServerContext* context,
                            const v1::ExportGrantsRequest* request,
                            v1::ExportGrantsResponse* response) override;
  grpc::Status ListRates(grpc::ServerContext* context,
                         const v1::ListRatesRequest* request,
                         v1::ListRatesResponse* response) override;
  grpc::Status CreateRate(grpc::ServerContext* context,
                          const v1::CreateRateRequest* request,
                          v1::Rate* response) override;
  grpc::Status UpdateRate(grpc::ServerContext* context,
                          const v1::UpdateRateRequest* request,
                          v1::Rate* response) override;

 private:
  AgreementsClient agreements_;
  Grants grants_;
  RpcGuard guard_;
};

}  // namespace mobility::grants

#endif  // MOBILITY_SERVICES_GRANTS_GRPC_SERVICE_H_
