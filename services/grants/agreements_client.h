// What the grants service asks the agreements service, on behalf of its caller:
// where the two institutions of a mobility are, and whether a cooperation
// condition exists.
#ifndef MOBILITY_SERVICES_GRANTS_AGREEMENTS_CLIENT_H_
#define MOBILITY_SERVICES_GRANTS_AGREEMENTS_CLIENT_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "common/call.h"
#include "common/client.h"
#include "mobility/agreements/v1/agreements.grpc.pb.h"
#include "services/grants/grant_rules.h"

namespace mobility::grants {

class AgreementsClient {
 public:
  explicit AgreementsClient(std::shared_ptr<const ServiceChannel> channel)
      : channel_(std::move(channel)),
        stub_(agreements::v1::AgreementsService::NewStub(channel_->channel())) {
  }

  // Both institutions, asked for at once. INVALID_ARGUMENT naming
  // `sending_field` or `receiving_field` when one does not exist.
  absl::StatusOr<std::pair<Endpoint, Endpoint>> FindInstitutions(
      const std::string& sending, const std::string& sending_field,
      const std::string& receiving, const std::string& receiving_field,
      const CallContext& call) const;

  // The cooperation condition as in force (the last approved revision while
  // an amendment awaits approval), with the agreement's programme:
  // INVALID_ARGUMENT naming `field` when the agreement or condition does not
  // exist, FAILED_PRECONDITION unless the agreement is in force (no new grants
  // under drafts or terminated agreements).
  struct InForceCondition {
    agreements::v1::Programme programme;
    agreements::v1::CooperationCondition condition;
  };
  absl::StatusOr<InForceCondition> FindCondition(
      const std::string& agreement, const std::string& condition_id,
      const std::string& field, const CallContext& call) const;

 private:
  std::shared_ptr<const ServiceChannel> channel_;
  std::unique_ptr<agreements::v1::AgreementsService::Stub> stub_;
};

}  // namespace mobility::grants

#endif  // MOBILITY_SERVICES_GRANTS_AGREEMENTS_CLIENT_H_
