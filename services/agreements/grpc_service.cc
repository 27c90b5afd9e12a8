#include "services/agreements/grpc_service.h"

namespace mobility::agreements {
const MethodRoles& AgreementsMethodRoles() {
  static const MethodRoles* roles = [] {
    const std::set<Role> writers = {Role::kCoordinator, Role::kAdmin};
    const std::set<Role> ledger = {Role::kService, Role::kAdmin};
    return new MethodRoles({
        {"CreateInstitution", writers},
        {"GetInstitution", AnyRole()},
        {"ListInstitutions", AnyRole()},
        {"UpdateInstitution", writers},
        {"CreateAgreement", writers},
        {"GetAgreement", AnyRole()},
        {"ListAgreements", AnyRole()},
        {"UpdateAgreement", writers},
        {"ApproveAgreement", writers},
        {"TerminateAgreement", writers},
        {"AllocateMobility", ledger},
        {"ReleaseMobility", ledger},
        {"GetQuotaUsage", AnyRole()},
    });
  }();
  return *roles;
}

grpc::Status AgreementsGrpcService::CreateInstitution(
    grpc::ServerContext* context, const v1::CreateInstitutionRequest* request,
    v1::Institution* response) {
  return guard_.Run(context, "CreateInstitution", [&](const CallContext&) {
    return Deliver(agreements_.CreateInstitution(*request), response);
  });
}

grpc::Status AgreementsGrpcService::GetInstitution(
    grpc::ServerContext* context, const v1::GetInstitutionRequest* request,
    v1::Institution* response) {
  return guard_.Run(context, "GetInstitution", [&](const CallContext&) {
    return Deliver(agreements_.GetInstitution(*request), response);
  });
}

grpc::Status AgreementsGrpcService::ListInstitutions(
    grpc::ServerContext* context, const v1::ListInstitutionsRequest* request,
    v1::ListInstitutionsResponse* response) {
  return guard_.Run(context, "ListInstitutions", [&](const CallContext&) {
    return Deliver(agreements_.ListInstitutions(*request), response);
  });
}

grpc::Status AgreementsGrpcService::UpdateInstitution(
    grpc::ServerContext* context, const v1::UpdateInstitutionRequest* request,
    v1::Institution* response) {
  return guard_.Run(context, "UpdateInstitution", [&](const CallContext&) {
    return Deliver(agreements_.UpdateInstitution(*request), response);
  });
}

grpc::Status AgreementsGrpcService::CreateAgreement(
    grpc::ServerContext* context, const v1::CreateAgreementRequest* request,
    v1::Agreement* response) {
  return guard_.Run(context, "CreateAgreement", [&](const CallContext& call) {
    return Deliver(agreements_.CreateAgreement(*request, call.principal),
                   response);
  });
}

grpc::Status AgreementsGrpcService::GetAgreement(
    grpc::ServerContext* context, const v1::GetAgreementRequest* request,
    v1::Agreement* response) {
  return guard_.Run(context, "GetAgreement", [&](const CallContext& call) {
    return Deliver(agreements_.GetAgreement(*request, call.principal),
                   response);
  });
}

grpc::Status AgreementsGrpcService::ListAgreements(
    grpc::ServerContext* context, const v1::ListAgreementsRequest* request,
    v1::ListAgreementsResponse* response) {
  return guard_.Run(context, "ListAgreements", [&](const CallContext& call) {
    return Deliver(agreements_.ListAgreements(*request, call.principal),
                   response);
  });
}

grpc::Status AgreementsGrpcService::UpdateAgreement(
    grpc::ServerContext* context, const v1::UpdateAgreementRequest* request,
    v1::Agreement* response) {
  return guard_.Run(context, "UpdateAgreement", [&](const CallContext& call) {
    return Deliver(agreements_.UpdateAgreement(*request, call.principal),
                   response);
  });
}

grpc::Status AgreementsGrpcService::ApproveAgreement(
    grpc::ServerContext* context, const v1::ApproveAgreementRequest* request,
    v1::Agreement* response) {
  return guard_.Run(context, "ApproveAgreement", [&](const CallContext& call) {
    return Deliver(agreements_.ApproveAgreement(*request, call.principal),
                   response);
  });
}

grpc::Status AgreementsGrpcService::TerminateAgreement(
    grpc::ServerContext* context, const v1::TerminateAgreementRequest* request,
    v1::Agreement* response) {
  return guard_.Run(
      context, "TerminateAgreement", [&](const CallContext& call) {
        return Deliver(agreements_.TerminateAgreement(*request, call.principal),
                       response);
      });
}

grpc::Status AgreementsGrpcService::AllocateMobility(
    grpc::ServerContext* context, const v1::AllocateMobilityRequest* request,
    v1::MobilityAllocation* response) {
  return guard_.Run(context, "AllocateMobility", [&](const CallContext&) {
    return Deliver(agreements_.AllocateMobility(*request), response);
  });
}

grpc::Status AgreementsGrpcService::ReleaseMobility(
    grpc::ServerContext* context, const v1::ReleaseMobilityRequest* request,
    v1::MobilityAllocation* response) {
  return guard_.Run(context, "ReleaseMobility", [&](const CallContext&) {
    return Deliver(agreements_.ReleaseMobility(*request), response);
  });
}

grpc::Status AgreementsGrpcService::GetQuotaUsage(
    grpc::ServerContext* context, const v1::GetQuotaUsageRequest* request,
    v1::QuotaUsage* response) {
  return guard_.Run(context, "GetQuotaUsage", [&](const CallContext&) {
    return Deliver(agreements_.GetQuotaUsage(*request), response);
  });
}

}  // namespace mobility::agreements
