#include "common/local_day.h"

#include <string>

#include "absl/flags/flag.h"
#include "common/config.h"

MOBILITY_FLAG(std::string, time_zone, "Asia/Almaty", "MOBILITY_TIME_ZONE",
              "IANA zone of the university: its days are the dates people "
              "give and the working days of the legal clock");

namespace mobility {
namespace {

// Read once, after the flags were parsed (the first use is at start-up or
// while serving).
const absl::TimeZone* Loaded() {
  static const absl::TimeZone* zone = [] {
    static absl::TimeZone loaded;
    return absl::LoadTimeZone(absl::GetFlag(FLAGS_time_zone), &loaded)
               ? &loaded
               : nullptr;
  }();
  return zone;
}

}  // namespace

bool InstitutionTimeZoneLoads() { return Loaded() != nullptr; }

absl::TimeZone InstitutionTimeZone() {
  const absl::TimeZone* zone = Loaded();
  return zone != nullptr ? *zone : absl::UTCTimeZone();
}

absl::CivilDay LocalDay(absl::Time time) {
  return absl::ToCivilDay(time, InstitutionTimeZone());
}

}  // namespace mobility
