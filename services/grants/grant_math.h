// The grant arithmetic of DOMAIN.md as pure functions: distances, stay lengths,
// unit costs and the one rounding per line item. Amounts are integer euro cents
// throughout.
#ifndef MOBILITY_SERVICES_GRANTS_GRANT_MATH_H_
#define MOBILITY_SERVICES_GRANTS_GRANT_MATH_H_

#include <cstdint>

#include "absl/time/civil_time.h"
#include "common/reference_data.h"

namespace mobility::grants {

// Great-circle distance (haversine, Earth radius 6371.0 km) rounded to whole
// km.
int GreatCircleKm(double latitude1, double longitude1, double latitude2,
                  double longitude2);

// numerator / denominator rounded half up; both non-negative, denominator
// positive.
int64_t DivideRoundHalfUp(int64_t numerator, int64_t denominator);

// Days from start to end, both included.
int InclusiveDays(absl::CivilDay start, absl::CivilDay end);

// Student individual support for a stay counted as the Commission does
// (StudentStayLength in common/reference_data.h): whole months x monthly rate,
// plus extra days x 1/30 of it.
struct StudentSupport {
  int64_t months_cents;
  int64_t days_cents;
};
StudentSupport StudentSupportCents(StayLength stay, int64_t monthly_rate_cents);

// Staff individual support for `paid_days` (activity plus travel days): days
// 1-14 at the daily rate, days 15-60 at 70% of it, nothing beyond day 60.
struct StaffSupport {
  int full_rate_days;
  int reduced_rate_days;
  int64_t full_rate_cents;
  int64_t reduced_rate_cents;
};
inline constexpr int kStaffFullRateDays = 14;
inline constexpr int kStaffMaxPaidDays = 60;
inline constexpr int kStaffReducedPerMille = 700;
StaffSupport StaffSupportCents(int paid_days, int64_t daily_rate_cents);

// Exceptional expensive travel: 80% of the real cost replaces the band amount
// when the band covers less than 70% of the real cost. Returns the amount to
// pay instead of the band, or 0 when the band amount stands.
inline constexpr int kExceptionalTravelThresholdPerMille = 700;
inline constexpr int kExceptionalTravelPaidPerMille = 800;
int64_t ExceptionalTravelCents(int64_t band_cents, int64_t real_cost_cents);

}  // namespace mobility::grants

#endif  // MOBILITY_SERVICES_GRANTS_GRANT_MATH_H_
