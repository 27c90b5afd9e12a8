#include "services/grants/grpc_service.h"

namespace mobility::grants {
const MethodRoles& GrantsMethodRoles() {
  static const MethodRoles* roles = [] {
    const std::set<Role> managers = {Role::kFinance, Role::kCoordinator};
    const std::set<Role> readers = {Role::kFinance, Role::kCoordinator,
                                    Role::kAdmin, Role::kApplicant};
    return new MethodRoles({
        {"CalculateGrant", AnyRole()},
        {"CreateGrant", {Role::kFinance, Role::kCoordinator, Role::kService}},
        {"GetGrant", readers},
        {"ListGrants", readers},
        {"AgreeGrant", managers},
        {"PrefinanceGrant", managers},
        {"SettleGrant", managers},
        {"CancelGrant", managers},
        {"ListPayments", readers},
        {"ReversePayment", managers},
        {"CreateBudget", managers},
        {"GetBudget", {Role::kFinance, Role::kCoordinator, Role::kAdmin}},
        {"GetBudgetReport", {Role::kFinance, Role::kCoordinator, Role::kAdmin}},
        {"ExportGrants", managers},
        {"ListRates", AnyRole()},
        {"CreateRate", {Role::kAdmin}},
        {"UpdateRate", {Role::kAdmin}},
    });
  }();
  return *roles;
}

grpc::Status GrantsGrpcService::CalculateGrant(
    grpc::ServerContext* context, const v1::CalculateGrantRequest* request,
    v1::GrantQuote* response) {
  return guard_.Run(context, "CalculateGrant", [&](const CallContext& call) {
    return Deliver(grants_.CalculateGrant(*request, call), response);
  });
}

grpc::Status GrantsGrpcService::CreateGrant(
    grpc::ServerContext* context, const v1::CreateGrantRequest* request,
    v1::Grant* response) {
  return guard_.Run(context, "CreateGrant", [&](const CallContext& call) {
    return Deliver(grants_.CreateGrant(*request, call), response);
  });
}

grpc::Status GrantsGrpcService::GetGrant(grpc::ServerContext* context,
                                         const v1::GetGrantRequest* request,
                                         v1::Grant* response) {
  return guard_.Run(context, "GetGrant", [&](const CallContext& call) {
    return Deliver(grants_.GetGrant(*request, call), response);
  });
}

grpc::Status GrantsGrpcService::ListGrants(grpc::ServerContext* context,
                                           const v1::ListGrantsRequest* request,
                                           v1::ListGrantsResponse* response) {
  return guard_.Run(context, "ListGrants", [&](const CallContext& call) {
    return Deliver(grants_.ListGrants(*request, call), response);
  });
}

grpc::Status GrantsGrpcService::AgreeGrant(grpc::ServerContext* context,
                                           const v1::AgreeGrantRequest* request,
                                           v1::Grant* response) {
  return guard_.Run(context, "AgreeGrant", [&](const CallContext&) {
    return Deliver(grants_.AgreeGrant(*request), response);
  });
}

grpc::Status GrantsGrpcService::PrefinanceGrant(
    grpc::ServerContext* context, const v1::PrefinanceGrantRequest* request,
    v1::Grant* response) {
  return guard_.Run(context, "PrefinanceGrant", [&](const CallContext&) {
    return Deliver(grants_.PrefinanceGrant(*request), response);
  });
}

grpc::Status GrantsGrpcService::SettleGrant(
    grpc::ServerContext* context, const v1::SettleGrantRequest* request,
    v1::Grant* response) {
  return guard_.Run(context, "SettleGrant", [&](const CallContext&) {
    return Deliver(grants_.SettleGrant(*request), response);
  });
}

grpc::Status GrantsGrpcService::CancelGrant(
    grpc::ServerContext* context, const v1::CancelGrantRequest* request,
    v1::Grant* response) {
  return guard_.Run(context, "CancelGrant", [&](const CallContext&) {
    return Deliver(grants_.CancelGrant(*request), response);
  });
}

grpc::Status GrantsGrpcService::ListPayments(
    grpc::ServerContext* context, const v1::ListPaymentsRequest* request,
    v1::ListPaymentsResponse* response) {
  return guard_.Run(context, "ListPayments", [&](const CallContext& call) {
    return Deliver(grants_.ListPayments(*request, call), response);
  });
}

grpc::Status GrantsGrpcService::ReversePayment(
    grpc::ServerContext* context, const v1::ReversePaymentRequest* request,
    v1::Payment* response) {
  return guard_.Run(context, "ReversePayment", [&](const CallContext&) {
    return Deliver(grants_.ReversePayment(*request), response);
  });
}

grpc::Status GrantsGrpcService::CreateBudget(
    grpc::ServerContext* context, const v1::CreateBudgetRequest* request,
    v1::Budget* response) {
  return guard_.Run(context, "CreateBudget", [&](const CallContext&) {
    return Deliver(grants_.CreateBudget(*request), response);
  });
}

grpc::Status GrantsGrpcService::GetBudget(grpc::ServerContext* context,
                                          const v1::GetBudgetRequest* request,
                                          v1::Budget* response) {
  return guard_.Run(context, "GetBudget", [&](const CallContext&) {
    return Deliver(grants_.GetBudget(*request), response);
  });
}

grpc::Status GrantsGrpcService::GetBudgetReport(
    grpc::ServerContext* context, const v1::GetBudgetReportRequest* request,
    v1::BudgetReport* response) {
  return guard_.Run(context, "GetBudgetReport", [&](const CallContext&) {
    return Deliver(grants_.GetBudgetReport(*request), response);
  });
}

grpc::Status GrantsGrpcService::ExportGrants(
    grpc::ServerContext* context, const v1::ExportGrantsRequest* request,
    v1::ExportGrantsResponse* response) {
  return guard_.Run(context, "ExportGrants", [&](const CallContext&) {
    return Deliver(grants_.ExportGrants(*request), response);
  });
}

grpc::Status GrantsGrpcService::ListRates(grpc::ServerContext* context,
                                          const v1::ListRatesRequest* request,
                                          v1::ListRatesResponse* response) {
  return guard_.Run(context, "ListRates", [&](const CallContext&) {
    return Deliver(grants_.ListRates(*request), response);
  });
}

grpc::Status GrantsGrpcService::CreateRate(grpc::ServerContext* context,
                                           const v1::CreateRateRequest* request,
                                           v1::Rate* response) {
  return guard_.Run(context, "CreateRate", [&](const CallContext&) {
    return Deliver(grants_.CreateRate(*request), response);
  });
}

grpc::Status GrantsGrpcService::UpdateRate(grpc::ServerContext* context,
                                           const v1::UpdateRateRequest* request,
                                           v1::Rate* response) {
  return guard_.Run(context, "UpdateRate", [&](const CallContext&) {
    return Deliver(grants_.UpdateRate(*request), response);
  });
}

}  // namespace mobility::grants
