// The working-day calendar the Administrative Procedural Code counts in
// (DOMAIN.md "Inquiries"): weekends and public holidays are not working days,
// days moved by government decree can make a Saturday a working day or a
// weekday a day off, and an appeal received after the working day ends (or on a
// day off) is registered on the next working day. Pure functions: the holiday
// table is the caller's data.
#ifndef MOBILITY_SERVICES_INQUIRIES_WORKING_CALENDAR_H_
#define MOBILITY_SERVICES_INQUIRIES_WORKING_CALENDAR_H_

#include <map>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace mobility::inquiries {

// A day that differs from the ordinary week: a holiday or a day moved off
// (kDayOff), or a weekend day worked instead (kWorkingDay).
enum class DayKind { kDayOff, kWorkingDay };

struct WorkingHours {
  // Minutes after local midnight when the working day starts and ends.
  int start_minute = 9 * 60;
  int end_minute = 18 * 60;
};

// "09:00-18:00", start before end; nullopt otherwise.
std::optional<WorkingHours> ParseWorkingHours(absl::string_view text);
std::string FormatWorkingHours(const WorkingHours& hours);

class WorkingCalendar {
 public:
  // `day_hours` gives the days whose hours differ from `hours` (a shortened
  // day before a holiday).
  WorkingCalendar(absl::TimeZone zone, WorkingHours hours,
                  std::map<absl::CivilDay, DayKind> exceptions,
                  std::map<absl::CivilDay, WorkingHours> day_hours = {})
      : zone_(zone),
        hours_(hours),
        exceptions_(std::move(exceptions)),
        day_hours_(std::move(day_hours)) {}

  // Monday to Friday, unless the table makes it a day off; Saturday and
  // Sunday only when the table makes them working days.
  bool IsWorkingDay(absl::CivilDay day) const;

  // The registration date of an appeal received at `received`: its local day
  // when that is a working day and the working day has not ended, otherwise
  // the next working day.
  absl::CivilDay RegistrationDate(absl::Time received) const;

  // The `n`th working day after `from` (`from` itself is not counted, as a
  // period counted in days starts the day after the event). n >= 1.
  absl::CivilDay AddWorkingDays(absl::CivilDay from, int n) const;

  // The day `months` calendar months after `from`; a day the shorter month
  // lacks becomes its last day (31 December + 2 months = 28 or 29 February).
  static absl::CivilDay AddMonths(absl::CivilDay from, int months);

 private:
  absl::CivilDay NextWorkingDay(absl::CivilDay after) const;

  absl::TimeZone zone_;
  WorkingHours hours_;
  std::map<absl::CivilDay, DayKind> exceptions_;
  std::map<absl::CivilDay, WorkingHours> day_hours_;
};

// Legal periods of the Code, in working days from registration.
inline constexpr int kDecisionWorkingDays = 15;
inline constexpr int kForwardWorkingDays = 3;
inline constexpr int kExtensionNoticeWorkingDays = 3;
// An extension takes the decision to at most 2 months from registration.
inline constexpr int kMaxExtensionMonths = 2;

}  // namespace mobility::inquiries

#endif  // MOBILITY_SERVICES_INQUIRIES_WORKING_CALENDAR_H_
