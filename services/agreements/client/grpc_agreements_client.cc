#include "services/agreements/client/grpc_agreements_client.h"

#include "common/status.h"
#include "services/agreements/words.h"

namespace mobility {
namespace {

namespace av1 = agreements::v1;

// A missing resource is the caller's bad input here; other errors pass on as
// they are.
absl::Status Translate(const absl::Status& status, const std::string& field,
                       const Text& missing) {
  if (status.code() == absl::StatusCode::kNotFound)
    return InvalidField(field, missing);
  return status;
}

}  // namespace

absl::StatusOr<std::pair<av1::Institution, av1::Institution>>
GrpcAgreementsClient::FindInstitutions(const std::string& sending,
                                       const std::string& sending_field,
                                       const std::string& receiving,
                                       const std::string& receiving_field,
                                       const CallContext& call) const {
  av1::GetInstitutionRequest requests[2];
  requests[0].set_name(sending);
  requests[1].set_name(receiving);
  av1::Institution found[2];
  std::vector<ServiceChannel::AsyncRpc> rpcs;
  for (int i = 0; i < 2; ++i) {
    rpcs.push_back([&, i](grpc::ClientContext* context,
                          std::function<void(grpc::Status)> done) {
      stub_->async()->GetInstitution(context, &requests[i], &found[i],
                                     std::move(done));
    });
  }
  auto statuses = channel_->CallAll(call, rpcs);
  if (!statuses[0].ok())
    return Translate(statuses[0], sending_field,
                     Text(agreements::words::NO_SUCH_INSTITUTION));
  if (!statuses[1].ok())
    return Translate(statuses[1], receiving_field,
                     Text(agreements::words::NO_SUCH_INSTITUTION));
  return std::make_pair(std::move(found[0]), std::move(found[1]));
}

absl::StatusOr<AgreementsClient::InForceCondition>
GrpcAgreementsClient::FindCondition(const std::string& agreement,
                                    const std::string& condition_id,
                                    const std::string& field,
                                    const CallContext& call) const {
  av1::GetAgreementRequest request;
  request.set_name(agreement);
  av1::Agreement found;
  auto get = [&] {
    return channel_->Call(call, [&](grpc::ClientContext* context,
                                    std::function<void(grpc::Status)> done) {
      stub_->async()->GetAgreement(context, &request, &found, std::move(done));
    });
  };
  if (absl::Status s = get(); !s.ok())
    return Translate(s, field, Text(agreements::words::AGREEMENT_NOT_FOUND));
  if (found.state() != av1::Agreement::APPROVED &&
      found.state() != av1::Agreement::AMENDED) {
    return Error(absl::StatusCode::kFailedPrecondition,
                 "AGREEMENT_NOT_APPROVED",
                 Text(agreements::words::NOT_APPROVED));
  }
  // While an amendment awaits approval, the approved revision is in force.
  if (found.in_force_revision() != found.revision()) {
    request.set_revision(found.in_force_revision());
    if (absl::Status s = get(); !s.ok())
      return Translate(s, field, Text(agreements::words::AGREEMENT_NOT_FOUND));
  }
  for (const auto& c : found.cooperation_conditions()) {
    if (c.id() == condition_id) {
      return InForceCondition{
          found.programme(), c,
          c.first_academic_year().empty() ? found.first_academic_year()
                                          : c.first_academic_year(),
          c.last_academic_year().empty() ? found.last_academic_year()
                                         : c.last_academic_year()};
    }
  }
  return InvalidField(field, Text(agreements::words::NO_SUCH_CONDITION));
}

absl::StatusOr<av1::MobilityAllocation> GrpcAgreementsClient::AllocateMobility(
    const std::string& agreement, const std::string& condition_id,
    const std::string& academic_year, const std::string& key,
    const CallContext& call) const {
  av1::AllocateMobilityRequest request;
  request.set_agreement(agreement);
  request.set_condition_id(condition_id);
  request.set_academic_year(academic_year);
  request.set_allocation_key(key);
  av1::MobilityAllocation allocation;
  absl::Status status = channel_->CallAsService(
      call, [&](grpc::ClientContext* context,
                std::function<void(grpc::Status)> done) {
        stub_->async()->AllocateMobility(context, &request, &allocation,
                                         std::move(done));
      });
  if (!status.ok()) return status;
  return allocation;
}

absl::Status GrpcAgreementsClient::ReleaseMobility(
    const std::string& agreement, const std::string& key, bool final,
    const CallContext& call) const {
  av1::ReleaseMobilityRequest request;
  request.set_agreement(agreement);
  request.set_allocation_key(key);
  request.set_final(final);
  av1::MobilityAllocation released;
  return channel_->CallAsService(
      call, [&](grpc::ClientContext* context,
                std::function<void(grpc::Status)> done) {
        stub_->async()->ReleaseMobility(context, &request, &released,
                                        std::move(done));
      });
}

}  // namespace mobility
