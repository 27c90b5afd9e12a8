// Rates: the programme's travel bands and individual-support rates as rows an
// administrator keeps, each for a range of calls; no two rows apply to the
// same mobility.
#ifndef MOBILITY_SERVICES_GRANTS_RATES_H_
#define MOBILITY_SERVICES_GRANTS_RATES_H_

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/call.h"
#include "common/transactor.h"
#include "mobility/grants/v1/grants.pb.h"
#include "services/grants/grants_store.h"
#include "services/grants/grants_support.h"
#include "services/grants/quotes.h"

namespace mobility::grants {

class Rates {
 public:
  // `rate_tables`: the quotes' cache, dropped as soon as a change commits so
  // that this replica's next quote prices with it.
  Rates(
      Transactor<GrantsStore>* store, GrantsReads* reads,
      RateTables* rate_tables, Clock clock = [] { return absl::Now(); })
      : store_(store),
        reads_(reads),
        rate_tables_(rate_tables),
        clock_(std::move(clock)) {}

  void ListRates(const v1::ListRatesRequest& request, const CallContext& call,
                 Then<v1::ListRatesResponse> reply);
  absl::StatusOr<v1::Rate> CreateRate(const v1::CreateRateRequest& request,
                                      const CallContext& call);
  absl::StatusOr<v1::Rate> UpdateRate(const v1::UpdateRateRequest& request,
                                      const CallContext& call);

 private:
  absl::Time Now() const { return TruncatedNow(clock_); }

  Transactor<GrantsStore>* store_;
  GrantsReads* reads_;
  RateTables* rate_tables_;
  Clock clock_;
};

}  // namespace mobility::grants

#endif  // MOBILITY_SERVICES_GRANTS_RATES_H_
