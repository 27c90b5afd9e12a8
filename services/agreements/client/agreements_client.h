// What other services ask the agreements service, on behalf of their caller:
// the two institutions of a mobility, a cooperation condition as in force, and
// the places of the quota ledger. One client, so every service reads the
// agreements the same way. Domain code holds this interface, which names only
// the contract's messages; GrpcAgreementsClient (grpc_agreements_client.h)
// calls the service.
#ifndef MOBILITY_SERVICES_AGREEMENTS_CLIENT_AGREEMENTS_CLIENT_H_
#define MOBILITY_SERVICES_AGREEMENTS_CLIENT_AGREEMENTS_CLIENT_H_

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "common/call.h"
#include "mobility/agreements/v1/agreements.pb.h"

namespace mobility {

class AgreementsClient {
 public:
  virtual ~AgreementsClient() = default;
  // Both institutions, asked for at once. INVALID_ARGUMENT naming
  // `sending_field` or `receiving_field` when one does not exist.
  virtual absl::StatusOr<
      std::pair<agreements::v1::Institution, agreements::v1::Institution>>
  FindInstitutions(const std::string& sending, const std::string& sending_field,
                   const std::string& receiving,
                   const std::string& receiving_field,
                   const CallContext& call) const = 0;

  // The cooperation condition as in force (the last approved revision while
  // an amendment awaits approval), with the agreement's programme:
  // INVALID_ARGUMENT naming `field` when the agreement or condition does not
  // exist, FAILED_PRECONDITION unless the agreement is in force (no new grants
  // under drafts or terminated agreements).
  struct InForceCondition {
    agreements::v1::Programme programme;
    agreements::v1::CooperationCondition condition;
    // The academic years the condition covers ("2016/2017"): its own, or the
    // agreement's.
    std::string first_academic_year;
    std::string last_academic_year;
  };
  // Takes, as this service, one place of `condition_id` in `academic_year`
  // keyed by `key` (a retry with the same key holds the same place), and gives
  // it back; a `final` release closes the key, so an allocation under it
  // still on its way is refused. The agreements service's errors pass on
  // (RESOURCE_EXHAUSTED when the quota is used up).
  virtual absl::StatusOr<agreements::v1::MobilityAllocation> AllocateMobility(
      const std::string& agreement, const std::string& condition_id,
      const std::string& academic_year, const std::string& key,
      const CallContext& call) const = 0;
  virtual absl::Status ReleaseMobility(const std::string& agreement,
                                       const std::string& key, bool final,
                                       const CallContext& call) const = 0;

  virtual absl::StatusOr<InForceCondition> FindCondition(
      const std::string& agreement, const std::string& condition_id,
      const std::string& field, const CallContext& call) const = 0;
};

}  // namespace mobility

#endif  // MOBILITY_SERVICES_AGREEMENTS_CLIENT_AGREEMENTS_CLIENT_H_
