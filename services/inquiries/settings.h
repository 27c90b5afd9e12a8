// What the inquiries service is configured with, shared by its parts.
#ifndef MOBILITY_SERVICES_INQUIRIES_SETTINGS_H_
#define MOBILITY_SERVICES_INQUIRIES_SETTINGS_H_

#include <string>

#include "absl/time/time.h"
#include "common/types.h"
#include "services/inquiries/working_calendar.h"

namespace mobility::inquiries {

struct Settings {
  // "institutions/{id}": the university whose rector and offices the appeals
  // are addressed to. Only its staff handle and read them.
  std::string institution;
  // The university's zone: registration dates and due dates are its days.
  absl::TimeZone zone;
  WorkingHours hours;
  // Where authors track their inquiries: the web front end's address.
  std::string public_url = "http://localhost:8080";
  // Public submissions per client address and per e-mail in an hour.
  int submissions_per_hour = 20;
  // How long after closing an inquiry keeps its personal data.
  absl::Duration retention = absl::Hours(24 * 1826);
  Clock clock = [] { return absl::Now(); };

  absl::Time Now() const { return TruncatedNow(clock); }
  absl::CivilDay Today() const { return absl::ToCivilDay(Now(), zone); }
};

}  // namespace mobility::inquiries

#endif  // MOBILITY_SERVICES_INQUIRIES_SETTINGS_H_
