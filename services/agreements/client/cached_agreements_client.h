// The agreements client with the institutions it was given kept in memory
// until the agreements service's database announces a change to one (the
// trigger of migration 0006): what a grant's quote asks for on every call.
// Everything else passes through to the client it wraps, and no access is lost:
// an institution is public (GetInstitution serves anyone the same answer).
#ifndef MOBILITY_SERVICES_AGREEMENTS_CLIENT_CACHED_AGREEMENTS_CLIENT_H_
#define MOBILITY_SERVICES_AGREEMENTS_CLIENT_CACHED_AGREEMENTS_CLIENT_H_

#include <string>
#include <utility>

#include "common/change_cache.h"
#include "services/agreements/client/agreements_client.h"

namespace mobility {

class CachedAgreementsClient final : public AgreementsClient {
 public:
  // Where the agreements service announces a changed institution, by its
  // resource name ("" for all).
  static constexpr char kInstitutionChanges[] =
      "mobility_agreements_institutions";

  CachedAgreementsClient(const AgreementsClient* agreements,
                         ChangeFeed* changes)
      : agreements_(agreements), institutions_(changes, kInstitutionChanges) {}

  absl::StatusOr<
      std::pair<agreements::v1::Institution, agreements::v1::Institution>>
  FindInstitutions(const std::string& sending, const std::string& sending_field,
                   const std::string& receiving,
                   const std::string& receiving_field,
                   const CallContext& call) const override;

  absl::StatusOr<agreements::v1::MobilityAllocation> AllocateMobility(
      const std::string& agreement, const std::string& condition_id,
      const std::string& academic_year, const std::string& key,
      const CallContext& call) const override {
    return agreements_->AllocateMobility(agreement, condition_id, academic_year,
                                         key, call);
  }
  absl::Status ReleaseMobility(const std::string& agreement,
                               const std::string& key, bool final,
                               const CallContext& call) const override {
    return agreements_->ReleaseMobility(agreement, key, final, call);
  }
  absl::StatusOr<InForceCondition> FindCondition(
      const std::string& agreement, const std::string& condition_id,
      const std::string& field, const CallContext& call) const override {
    return agreements_->FindCondition(agreement, condition_id, field, call);
  }

 private:
  const AgreementsClient* agreements_;
  // A cache: finding is not a change of the client.
  mutable ChangeCache<agreements::v1::Institution> institutions_;
};

}  // namespace mobility

#endif  // MOBILITY_SERVICES_AGREEMENTS_CLIENT_CACHED_AGREEMENTS_CLIENT_H_
