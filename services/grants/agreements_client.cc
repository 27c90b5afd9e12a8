#include "services/grants/agreements_client.h"

#include "common/client.h"
#include "common/status.h"

namespace mobility::grants {
namespace {

// A missing resource is the caller's bad input here; other errors pass on as
// they are.
absl::Status Translate(const grpc::Status& status, const std::string& field,
                       const std::string& missing) {
  absl::Status s = FromGrpcStatus(status);
  if (s.code() == absl::StatusCode::kNotFound)
    return InvalidField(field, missing);
  return s;
}

}  // namespace

absl::StatusOr<Endpoint> AgreementsClient::FindInstitution(
    const std::string& name, const std::string& field,
    const CallContext& call) const {
  agreements::v1::GetInstitutionRequest request;
  request.set_name(name);
  agreements::v1::Institution institution;
  auto context = NewClientContext(OutboundCall{}, &call);
  grpc::Status status =
      stub_->GetInstitution(context.get(), request, &institution);
  if (!status.ok()) return Translate(status, field, "no such institution");
  return Endpoint{institution.country_code(), institution.latitude(),
                  institution.longitude()};
}

absl::StatusOr<agreements::v1::CooperationCondition>
AgreementsClient::FindCondition(const std::string& agreement,
                                const std::string& condition_id,
                                const std::string& field,
                                const CallContext& call) const {
  agreements::v1::GetAgreementRequest request;
  request.set_name(agreement);
  agreements::v1::Agreement found;
  auto context = NewClientContext(OutboundCall{}, &call);
  grpc::Status status = stub_->GetAgreement(context.get(), request, &found);
  if (!status.ok()) return Translate(status, field, "no such agreement");
  if (found.state() != agreements::v1::Agreement::APPROVED) {
    return Error(
        absl::StatusCode::kFailedPrecondition, "AGREEMENT_NOT_APPROVED",
        "grants are made only under an agreement approved by both partners");
  }
  for (const auto& c : found.cooperation_conditions()) {
    if (c.id() == condition_id) return c;
  }
  return InvalidField(field, "the agreement has no such cooperation condition");
}

}  // namespace mobility::grants
