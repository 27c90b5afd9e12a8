// Quotes: what a mobility would be granted, from the two institutions' towns
// (asked of the agreements service) and the rate tables of its call. A quote
// shown reads both from caches kept right by the database's change
// announcements (common/change_cache.h); a quote a grant is made with reads
// both afresh.
#ifndef MOBILITY_SERVICES_GRANTS_QUOTES_H_
#define MOBILITY_SERVICES_GRANTS_QUOTES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/call.h"
#include "common/change_cache.h"
#include "common/transactor.h"
#include "mobility/grants/v1/grants.pb.h"
#include "services/agreements/client/agreements_client.h"
#include "services/grants/grants_store.h"

namespace mobility::grants {

// The rate tables by call ("KA171/2024"), dropped whenever a rate changes.
using RateTables = ChangeCache<std::vector<v1::Rate>>;
// Where the grants database announces a rate change (migration 0006).
inline constexpr char kRateChanges[] = "mobility_grants_rates";

class Quotes {
 public:
  // `agreements` asks the agreements service; `cached_agreements` keeps what
  // it was told.
  Quotes(Transactor<GrantsStore>* store, const AgreementsClient* agreements,
         const AgreementsClient* cached_agreements, RateTables* rate_tables)
      : store_(store),
        agreements_(agreements),
        cached_agreements_(cached_agreements),
        rate_tables_(rate_tables) {}

  absl::StatusOr<v1::GrantQuote> CalculateGrant(
      const v1::CalculateGrantRequest& request, const CallContext& call);

  // A quote for a validated request, as a grant is made with it: read afresh,
  // never from a cache. Errors name fields under `prefix`.
  absl::StatusOr<v1::GrantQuote> FreshQuote(
      const v1::CalculateGrantRequest& request, const std::string& prefix,
      const CallContext& call) const;

 private:
  absl::StatusOr<v1::GrantQuote> Quote(const v1::CalculateGrantRequest& request,
                                       const std::string& prefix,
                                       const CallContext& call,
                                       bool fresh) const;
  absl::StatusOr<std::shared_ptr<const std::vector<v1::Rate>>> RatesForCall(
      const v1::CalculateGrantRequest& request, const CallContext& call,
      bool fresh) const;

  Transactor<GrantsStore>* store_;
  const AgreementsClient* agreements_;
  const AgreementsClient* cached_agreements_;
  RateTables* rate_tables_;
};

}  // namespace mobility::grants

#endif  // MOBILITY_SERVICES_GRANTS_QUOTES_H_
