// The agreements service's client over gRPC, on behalf of the call being
// served (common/client.h's ServiceChannel).
#ifndef MOBILITY_SERVICES_AGREEMENTS_CLIENT_GRPC_AGREEMENTS_CLIENT_H_
#define MOBILITY_SERVICES_AGREEMENTS_CLIENT_GRPC_AGREEMENTS_CLIENT_H_

#include <memory>
#include <string>
#include <utility>

#include "common/client.h"
#include "mobility/agreements/v1/agreements.grpc.pb.h"
#include "services/agreements/client/agreements_client.h"

namespace mobility {

class GrpcAgreementsClient final : public AgreementsClient {
 public:
  explicit GrpcAgreementsClient(std::shared_ptr<const ServiceChannel> channel)
      : channel_(std::move(channel)),
        stub_(agreements::v1::AgreementsService::NewStub(channel_->channel())) {
  }
  // Both institutions, asked for at once. INVALID_ARGUMENT naming
  absl::StatusOr<
      std::pair<agreements::v1::Institution, agreements::v1::Institution>>
  FindInstitutions(const std::string& sending, const std::string& sending_field,
                   const std::string& receiving,
                   const std::string& receiving_field,
                   const CallContext& call) const override;

  // Takes, as this service, one place of `condition_id` in `academic_year`
  absl::StatusOr<agreements::v1::MobilityAllocation> AllocateMobility(
      const std::string& agreement, const std::string& condition_id,
      const std::string& academic_year, const std::string& key,
      const CallContext& call) const override;
  absl::Status ReleaseMobility(const std::string& agreement,
                               const std::string& key, bool final,
                               const CallContext& call) const override;

  absl::StatusOr<InForceCondition> FindCondition(
      const std::string& agreement, const std::string& condition_id,
      const std::string& field, const CallContext& call) const override;

 private:
  std::shared_ptr<const ServiceChannel> channel_;
  std::unique_ptr<agreements::v1::AgreementsService::Stub> stub_;
};

}  // namespace mobility

#endif  // MOBILITY_SERVICES_AGREEMENTS_CLIENT_GRPC_AGREEMENTS_CLIENT_H_
