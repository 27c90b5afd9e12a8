#include "services/inquiries/working_calendar.h"

#include <algorithm>

namespace mobility::inquiries {

bool WorkingCalendar::IsWorkingDay(absl::CivilDay day) const {
  auto exception = exceptions_.find(day);
  if (exception != exceptions_.end())
    return exception->second == DayKind::kWorkingDay;
  const absl::Weekday weekday = absl::GetWeekday(day);
  return weekday != absl::Weekday::saturday && weekday != absl::Weekday::sunday;
}

absl::CivilDay WorkingCalendar::NextWorkingDay(absl::CivilDay after) const {
  absl::CivilDay day = after + 1;
  // Any real calendar has a working day within a few weeks; the bound keeps a
  // table that marks every day off from looping for ever.
  for (int i = 0; i < 366 && !IsWorkingDay(day); ++i) ++day;
  return day;
}

absl::CivilDay WorkingCalendar::RegistrationDate(absl::Time received) const {
  const absl::CivilMinute local = absl::ToCivilMinute(received, zone_);
  const absl::CivilDay day(local);
  const int minute = local.hour() * 60 + local.minute();
  if (IsWorkingDay(day) && minute < hours_.end_minute) return day;
  return NextWorkingDay(day);
}

absl::CivilDay WorkingCalendar::AddWorkingDays(absl::CivilDay from,
                                               int n) const {
  absl::CivilDay day = from;
  for (int i = 0; i < n; ++i) day = NextWorkingDay(day);
  return day;
}

absl::CivilDay WorkingCalendar::AddMonths(absl::CivilDay from, int months) {
  const absl::CivilMonth month = absl::CivilMonth(from) + months;
  // The last day of the target month: the day before the next month begins.
  const int last_day = (absl::CivilDay(month + 1) - 1).day();
  return absl::CivilDay(month.year(), month.month(),
                        std::min(from.day(), last_day));
}

}  // namespace mobility::inquiries
