#include "services/inquiries/working_calendar.h"

#include <algorithm>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace mobility::inquiries {
namespace {

// "09:00" as minutes after midnight.
std::optional<int> ParseClock(absl::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, ':');
  int h = 0, m = 0;
  if (parts.size() != 2 || parts[0].size() != 2 || parts[1].size() != 2 ||
      !absl::SimpleAtoi(parts[0], &h) || !absl::SimpleAtoi(parts[1], &m) ||
      h < 0 || h > 23 || m < 0 || m > 59) {
    return std::nullopt;
  }
  return h * 60 + m;
}

}  // namespace

std::optional<WorkingHours> ParseWorkingHours(absl::string_view text) {
  std::vector<absl::string_view> span = absl::StrSplit(text, '-');
  if (span.size() != 2) return std::nullopt;
  auto start = ParseClock(span[0]);
  auto end = ParseClock(span[1]);
  if (!start || !end || *start >= *end) return std::nullopt;
  return WorkingHours{*start, *end};
}

std::string FormatWorkingHours(const WorkingHours& hours) {
  return absl::StrFormat("%02d:%02d-%02d:%02d", hours.start_minute / 60,
                         hours.start_minute % 60, hours.end_minute / 60,
                         hours.end_minute % 60);
}

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
  auto own_hours = day_hours_.find(day);
  const WorkingHours& hours =
      own_hours == day_hours_.end() ? hours_ : own_hours->second;
  if (IsWorkingDay(day) && minute < hours.end_minute) return day;
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
