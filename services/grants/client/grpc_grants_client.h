// The grants service's client over gRPC, on behalf of the call being served
// (common/client.h's ServiceChannel).
#ifndef MOBILITY_SERVICES_GRANTS_CLIENT_GRPC_GRANTS_CLIENT_H_
#define MOBILITY_SERVICES_GRANTS_CLIENT_GRPC_GRANTS_CLIENT_H_

#include <memory>
#include <string>
#include <utility>

#include "common/client.h"
#include "mobility/grants/v1/grants.grpc.pb.h"
#include "services/grants/client/grants_client.h"

namespace mobility {

class GrpcGrantsClient final : public GrantsClient {
 public:
  explicit GrpcGrantsClient(std::shared_ptr<const ServiceChannel> channel)
      : channel_(std::move(channel)),
        stub_(grants::v1::GrantsService::NewStub(channel_->channel())) {}

  absl::StatusOr<grants::v1::Budget> GetBudget(
      const std::string& budget, const std::string& field,
      const CallContext& call) const override;
  absl::StatusOr<grants::v1::Grant> CreateGrant(
      const grants::v1::CreateGrantRequest& request,
      const CallContext& call) const override;
  absl::Status CloseApplication(const std::string& application,
                                const std::string& grant,
                                const std::string& request_id,
                                const CallContext& call) const override;
  absl::Status SettleGrant(const grants::v1::SettleGrantRequest& request,
                           const CallContext& call) const override;

 private:
  std::shared_ptr<const ServiceChannel> channel_;
  std::unique_ptr<grants::v1::GrantsService::Stub> stub_;
};

}  // namespace mobility

#endif  // MOBILITY_SERVICES_GRANTS_CLIENT_GRPC_GRANTS_CLIENT_H_
