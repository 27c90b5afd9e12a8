#include "services/grants/quotes.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api.h"
#include "common/idempotency.h"
#include "common/status.h"
#include "common/types.h"
#include "services/grants/grant_math.h"
#include "services/grants/grant_rules.h"

namespace mobility::grants {

absl::StatusOr<std::shared_ptr<const std::vector<v1::Rate>>>
Quotes::RatesForCall(const v1::CalculateGrantRequest& request,
                     const CallContext& call, bool fresh) const {
  const std::string call_key = absl::StrCat(
      v1::Programme_Name(request.programme()), "/", request.call_year());
  if (!fresh) {
    if (auto kept = rate_tables_->Find(call_key)) return kept;
  }
  // Taken before reading, so rates changed meanwhile are not kept.
  const auto ticket = rate_tables_->Take();
  auto rates = store_->ReadValue(
      call.limit,
      [&](GrantsStore& store) -> absl::StatusOr<std::vector<v1::Rate>> {
        return store.RatesForCall(request.programme(), request.call_year());
      });
  if (!rates.ok()) return rates.status();
  return rate_tables_->Keep(ticket, call_key, *std::move(rates));
}

absl::StatusOr<v1::GrantQuote> Quotes::Quote(
    const v1::CalculateGrantRequest& request, const std::string& prefix,
    const CallContext& call, bool fresh) const {
  auto ends = (fresh ? agreements_ : cached_agreements_)
                  ->FindInstitutions(request.sending_institution(),
                                     prefix + "sending_institution",
                                     request.receiving_institution(),
                                     prefix + "receiving_institution", call);
  if (!ends.ok()) return ends.status();
  auto route =
      RouteBetween(request, EndpointOf(ends->first), EndpointOf(ends->second));
  if (!route.ok()) return route.status();
  auto rates = RatesForCall(request, call, fresh);
  if (!rates.ok()) return rates.status();
  return PriceMobility(request, *route, **rates,
                       /*enforce_duration_limits=*/true);
}

absl::StatusOr<v1::GrantQuote> Quotes::FreshQuote(
    const v1::CalculateGrantRequest& request, const std::string& prefix,
    const CallContext& call) const {
  return Quote(request, prefix, call, /*fresh=*/true);
}

absl::StatusOr<v1::GrantQuote> Quotes::CalculateGrant(
    const v1::CalculateGrantRequest& request, const CallContext& call) {
  Violations violations;
  ValidateCalculation(request, "", violations);
  if (!violations.empty()) return violations.ToStatus("INVALID_CALCULATION");
  return Quote(request, "", call, /*fresh=*/false);
}

}  // namespace mobility::grants
