// The grants service's rules with no I/O: validation of a calculation, the
// route between two institutions (direction, country group, distance), pricing
// a mobility into line items from the rate tables, and settlement from the
// actual dates.
#ifndef MOBILITY_SERVICES_GRANTS_GRANT_RULES_H_
#define MOBILITY_SERVICES_GRANTS_GRANT_RULES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/status.h"
#include "mobility/agreements/v1/agreements.pb.h"
#include "mobility/grants/v1/grants.pb.h"

namespace mobility::grants {

// NOT_FOUND BUDGET_NOT_FOUND for budget `id`: what a missing budget gets, and
// a budget its caller may not see.
absl::Status BudgetNotFound(const std::string& id);

// Where an institution is, as the agreements service knows it.
struct Endpoint {
  std::string country_code;
  double latitude = 0;
  double longitude = 0;
};
Endpoint EndpointOf(const agreements::v1::Institution& institution);

struct Route {
  v1::Direction direction = v1::DIRECTION_UNSPECIFIED;
  // The receiving Programme country's group, when already known (settlement
  // repeats the agreed one); 0 towards a Partner country.
  int country_group = 0;
  int distance_km = 0;  // One way.
  // Towards a Programme country: its code, for the group rows of the call.
  std::string receiving_country;
};

// A violation on `programme_field` unless the programme is KA107 or KA171, else
// on `call_year_field` unless the year is one of its calls.
void ValidateProgrammeCall(v1::Programme programme, int call_year,
                           const std::string& programme_field,
                           const std::string& call_year_field,
                           Violations& violations);

// Every violated field of a calculation request, named under `prefix`.
void ValidateCalculation(const v1::CalculateGrantRequest& request,
                         const std::string& prefix, Violations& violations);

// Adds a violation, under `prefix`, for each way the calculation departs from
// the cooperation condition the grant is made under: its direction between the
// partners and its activity.
void CheckAgainstCondition(
    const v1::CalculateGrantRequest& request,
    const agreements::v1::CooperationCondition& condition,
    const std::string& prefix, Violations& violations);

// Direction from the two countries for the call year, and the one-way distance
// (the official one when given). FAILED_PRECONDITION unless one side is a
// Programme and the other a Partner country.
absl::StatusOr<Route> RouteBetween(const v1::CalculateGrantRequest& request,
                                   const Endpoint& sending,
                                   const Endpoint& receiving);

// Prices a validated request along `route` with `rates` (the rows of its
// call): travel band, country group, individual support, green travel days.
// Missing rows are FAILED_PRECONDITION RATE_TABLE_INCOMPLETE naming what is
// missing. With `enforce_duration_limits` a stay outside the programme's limits
// is INVALID_ARGUMENT naming the limit; settlement turns it off, since a real
// stay may have been cut short.
absl::StatusOr<v1::GrantQuote> PriceMobility(
    const v1::CalculateGrantRequest& request, const Route& route,
    const std::vector<v1::Rate>& rates, bool enforce_duration_limits);

// The agreed quote recalculated for the real stay: days outside the agreed
// period are zero-grant, the rates are those the agreed quote applied. A stay
// shorter than the programme minimum earns nothing (not_eligible_reason says
// why) unless the funder accepted `force_majeure`; then the real days are
// paid. `force_majeure` for a stay that was long enough is INVALID_ARGUMENT.
absl::StatusOr<v1::GrantQuote> SettleQuote(const v1::GrantQuote& agreed,
                                           absl::CivilDay actual_start,
                                           absl::CivilDay actual_end,
                                           bool force_majeure);

// Sum of the quote's lines under `heading`.
int64_t HeadingTotal(const v1::GrantQuote& quote,
                     v1::LineItem::Heading heading);

}  // namespace mobility::grants

#endif  // MOBILITY_SERVICES_GRANTS_GRANT_RULES_H_
