// The institution's own days. A date a person gives, or one that defaults to
// "today" (notice, signatures, payments, registration), is a day in the
// institution's time zone, never the UTC date (DOMAIN.md): notice given at
// 02:00 local on 2 September is notice of 2 September.
#ifndef MOBILITY_COMMON_LOCAL_DAY_H_
#define MOBILITY_COMMON_LOCAL_DAY_H_

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace mobility {

// --time_zone (MOBILITY_TIME_ZONE), an IANA zone: Asia/Almaty by default.
// False when it is not a zone installed here (tzdata); the services then
// refuse to start.
bool InstitutionTimeZoneLoads();
absl::TimeZone InstitutionTimeZone();

// The institution's day at `time`.
absl::CivilDay LocalDay(absl::Time time);

}  // namespace mobility

#endif  // MOBILITY_COMMON_LOCAL_DAY_H_
