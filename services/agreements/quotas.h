// Quotas: the ledger of mobilities an approved agreement allows per
// cooperation condition and academic year; other services allocate and release
// them.
#ifndef MOBILITY_SERVICES_AGREEMENTS_QUOTAS_H_
#define MOBILITY_SERVICES_AGREEMENTS_QUOTAS_H_

#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/call.h"
#include "common/transactor.h"
#include "common/types.h"
#include "mobility/agreements/v1/agreements.pb.h"
#include "services/agreements/agreements_store.h"

namespace mobility::agreements {

class Quotas {
 public:
  Quotas(
      Transactor<AgreementsStore>* store, AgreementsReads* reads,
      Clock clock = [] { return absl::Now(); })
      : store_(store), reads_(reads), clock_(std::move(clock)) {}

  absl::StatusOr<v1::MobilityAllocation> AllocateMobility(
      const v1::AllocateMobilityRequest& request, const CallContext& call);
  absl::StatusOr<v1::MobilityAllocation> ReleaseMobility(
      const v1::ReleaseMobilityRequest& request, const CallContext& call);
  void GetQuotaUsage(const v1::GetQuotaUsageRequest& request,
                     const CallContext& call, Then<v1::QuotaUsage> reply);

 private:
  absl::Time Now() const { return TruncatedNow(clock_); }

  Transactor<AgreementsStore>* store_;
  AgreementsReads* reads_;
  Clock clock_;
};

}  // namespace mobility::agreements

#endif  // MOBILITY_SERVICES_AGREEMENTS_QUOTAS_H_
