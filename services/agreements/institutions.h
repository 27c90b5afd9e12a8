// Institutions: the universities that make agreements, with their towns (for
// travel distances) and codes.
#ifndef MOBILITY_SERVICES_AGREEMENTS_INSTITUTIONS_H_
#define MOBILITY_SERVICES_AGREEMENTS_INSTITUTIONS_H_

#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/call.h"
#include "common/transactor.h"
#include "common/types.h"
#include "mobility/agreements/v1/agreements.pb.h"
#include "services/agreements/agreements_store.h"

namespace mobility::agreements {

class Institutions {
 public:
  Institutions(
      Transactor<AgreementsStore>* store, AgreementsReads* reads,
      Clock clock = [] { return absl::Now(); })
      : store_(store), reads_(reads), clock_(std::move(clock)) {}

  absl::StatusOr<v1::Institution> CreateInstitution(
      const v1::CreateInstitutionRequest& request, const CallContext& call);
  void GetInstitution(const v1::GetInstitutionRequest& request,
                      const CallContext& call, Then<v1::Institution> reply);
  void ListInstitutions(const v1::ListInstitutionsRequest& request,
                        const CallContext& call,
                        Then<v1::ListInstitutionsResponse> reply);
  absl::StatusOr<v1::Institution> UpdateInstitution(
      const v1::UpdateInstitutionRequest& request, const CallContext& call);

 private:
  absl::Time Now() const { return TruncatedNow(clock_); }

  Transactor<AgreementsStore>* store_;
  AgreementsReads* reads_;
  Clock clock_;
};

}  // namespace mobility::agreements

#endif  // MOBILITY_SERVICES_AGREEMENTS_INSTITUTIONS_H_
