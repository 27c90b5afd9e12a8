// What the applications service asks the grants service: whether a budget is
// one a call's grants may be charged to, and the grant of a selected
// participant, made and closed by the calling service itself. Domain code
// holds this interface; GrpcGrantsClient (grpc_grants_client.h) calls the
// service.
#ifndef MOBILITY_SERVICES_GRANTS_CLIENT_GRANTS_CLIENT_H_
#define MOBILITY_SERVICES_GRANTS_CLIENT_GRANTS_CLIENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/call.h"
#include "mobility/grants/v1/grants.pb.h"

namespace mobility {

class GrantsClient {
 public:
  virtual ~GrantsClient() = default;

  // The budget, read with the caller's own rights. INVALID_ARGUMENT naming
  // `field` when there is none.
  virtual absl::StatusOr<grants::v1::Budget> GetBudget(
      const std::string& budget, const std::string& field,
      const CallContext& call) const = 0;
  // Made once per `request_id`: a retry returns the grant made first.
  virtual absl::StatusOr<grants::v1::Grant> CreateGrant(
      const grants::v1::CreateGrantRequest& request,
      const CallContext& call) const = 0;
  // Closes an application that ended: its grant (`grant`, or the one made
  // for it) is cancelled, and none is made for it after, not even by a
  // CreateGrant still on its way. Once per `request_id`.
  virtual absl::Status CloseApplication(const std::string& application,
                                        const std::string& grant,
                                        const std::string& request_id,
                                        const CallContext& call) const = 0;
  // Settles the grant on the real stay, once per `request.request_id()`.
  virtual absl::Status SettleGrant(
      const grants::v1::SettleGrantRequest& request,
      const CallContext& call) const = 0;
};

}  // namespace mobility

#endif  // MOBILITY_SERVICES_GRANTS_CLIENT_GRANTS_CLIENT_H_
