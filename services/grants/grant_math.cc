#include "services/grants/grant_math.h"

#include <algorithm>
#include <cmath>

namespace mobility::grants {
namespace {

constexpr double kEarthRadiusKm = 6371.0;
constexpr double kPi = 3.14159265358979323846;

double Radians(double degrees) { return degrees * kPi / 180.0; }

}  // namespace

int GreatCircleKm(double latitude1, double longitude1, double latitude2,
                  double longitude2) {
  const double phi1 = Radians(latitude1), phi2 = Radians(latitude2);
  const double dphi = Radians(latitude2 - latitude1);
  const double dlambda = Radians(longitude2 - longitude1);
  const double a = std::sin(dphi / 2) * std::sin(dphi / 2) +
                   std::cos(phi1) * std::cos(phi2) * std::sin(dlambda / 2) *
                       std::sin(dlambda / 2);
  const double km = 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
  return static_cast<int>(std::lround(km));
}

int64_t DivideRoundHalfUp(int64_t numerator, int64_t denominator) {
  return (2 * numerator + denominator) / (2 * denominator);
}

int InclusiveDays(absl::CivilDay start, absl::CivilDay end) {
  return static_cast<int>(end - start) + 1;
}

StudentSupport StudentSupportCents(StayLength stay,
                                   int64_t monthly_rate_cents) {
  return {stay.whole_months * monthly_rate_cents,
          DivideRoundHalfUp(stay.extra_days * monthly_rate_cents, 30)};
}

StaffSupport StaffSupportCents(int paid_days, int64_t daily_rate_cents) {
  StaffSupport support;
  support.full_rate_days = std::min(paid_days, kStaffFullRateDays);
  support.reduced_rate_days =
      std::max(0, std::min(paid_days, kStaffMaxPaidDays) - kStaffFullRateDays);
  support.full_rate_cents = support.full_rate_days * daily_rate_cents;
  support.reduced_rate_cents = DivideRoundHalfUp(
      support.reduced_rate_days * daily_rate_cents * kStaffReducedPerMille,
      1000);
  return support;
}

int64_t ExceptionalTravelCents(int64_t band_cents, int64_t real_cost_cents) {
  // band < 70% of real, compared in integers: band x 1000 < real x 700.
  if (real_cost_cents <= 0 ||
      band_cents * 1000 >=
          real_cost_cents * kExceptionalTravelThresholdPerMille) {
    return 0;
  }
  return DivideRoundHalfUp(real_cost_cents * kExceptionalTravelPaidPerMille,
                           1000);
}

}  // namespace mobility::grants
