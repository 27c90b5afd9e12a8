// What the applications service asks the grants service: whether a budget is
// one a call's grants may be charged to, and the grant of a selected
// participant, made and cancelled by this service itself.
#ifndef MOBILITY_SERVICES_APPLICATIONS_GRANTS_CLIENT_H_
#define MOBILITY_SERVICES_APPLICATIONS_GRANTS_CLIENT_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "common/call.h"
#include "common/client.h"
#include "mobility/grants/v1/grants.grpc.pb.h"

namespace mobility::applications {

class GrantsClient {
 public:
  explicit GrantsClient(std::shared_ptr<const ServiceChannel> channel)
      : channel_(std::move(channel)),
        stub_(grants::v1::GrantsService::NewStub(channel_->channel())) {}

  // The budget, read with the caller's own rights. INVALID_ARGUMENT naming
  // `field` when there is none.
  absl::StatusOr<grants::v1::Budget> GetBudget(const std::string& budget,
                                               const std::string& field,
                                               const CallContext& call) const;
  // Made once per `request_id`: a retry returns the grant made first.
  absl::StatusOr<grants::v1::Grant> CreateGrant(
      const grants::v1::CreateGrantRequest& request,
      const CallContext& call) const;
  absl::Status CancelGrant(const std::string& grant,
                           const std::string& request_id,
                           const CallContext& call) const;
  // Settles the grant on the real stay, once per `request.request_id()`.
  absl::Status SettleGrant(const grants::v1::SettleGrantRequest& request,
                           const CallContext& call) const;

 private:
  std::shared_ptr<const ServiceChannel> channel_;
  std::unique_ptr<grants::v1::GrantsService::Stub> stub_;
};

}  // namespace mobility::applications

#endif  // MOBILITY_SERVICES_APPLICATIONS_GRANTS_CLIENT_H_
