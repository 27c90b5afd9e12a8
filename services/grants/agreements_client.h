// What the grants service asks the agreements service, on behalf of its caller:
// where an institution is, and whether a cooperation condition exists.
#ifndef MOBILITY_SERVICES_GRANTS_AGREEMENTS_CLIENT_H_
#define MOBILITY_SERVICES_GRANTS_AGREEMENTS_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/server.h"
#include "mobility/agreements/v1/agreements.grpc.pb.h"
#include "services/grants/grant_rules.h"

namespace mobility::grants {

class AgreementsClient {
 public:
  explicit AgreementsClient(std::shared_ptr<grpc::Channel> channel)
      : stub_(agreements::v1::AgreementsService::NewStub(std::move(channel))) {}

  // INVALID_ARGUMENT naming `field` when the institution does not exist.
  absl::StatusOr<Endpoint> FindInstitution(const std::string& name,
                                           const std::string& field,
                                           const CallContext& call) const;

  // The cooperation condition of an approved agreement: INVALID_ARGUMENT naming
  // `field` when the agreement or condition does not exist, FAILED_PRECONDITION
  // unless the agreement is approved by both partners (no new grants under
  // drafts or terminated agreements).
  absl::StatusOr<agreements::v1::CooperationCondition> FindCondition(
      const std::string& agreement, const std::string& condition_id,
      const std::string& field, const CallContext& call) const;

 private:
  std::unique_ptr<agreements::v1::AgreementsService::Stub> stub_;
};

}  // namespace mobility::grants

#endif  // MOBILITY_SERVICES_GRANTS_AGREEMENTS_CLIENT_H_
