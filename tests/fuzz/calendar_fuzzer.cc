// The day counts the law and the programme are checked against, each against
// a simple reference that walks the calendar a day at a time:
// - StudentStayDays (30-day months, the 31st read as the 30th, February
//   keeping its real last day);
// - WorkingCalendar::AddMonths (a day the shorter month lacks is its last);
// - WorkingCalendar::AddWorkingDays, with holidays and worked weekend days.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>

#include "common/reference_data.h"
#include "services/inquiries/working_calendar.h"

namespace {

using absl::CivilDay;
using mobility::inquiries::DayKind;
using mobility::inquiries::WorkingCalendar;

int DaysInMonth(CivilDay day) {
  return (CivilDay(absl::CivilMonth(day) + 1) - 1).day();
}

int ReferenceStayDays(CivilDay start, CivilDay end) {
  int days = 0;
  for (CivilDay d = start; d <= end; ++d) {
    // The 31st is read as the 30th: it counts only as a first day.
    if (d.day() <= 30 || d == start) ++days;
    // Leaving February, its missing 29th and 30th count.
    if (d.month() == 2 && d.day() == DaysInMonth(d) && d < end)
      days += 30 - d.day();
  }
  return days;
}

CivilDay ReferenceAddMonths(CivilDay from, int months) {
  int year = static_cast<int>(from.year());
  int month = from.month() + months;
  while (month > 12) {
    month -= 12;
    ++year;
  }
  const CivilDay first(year, month, 1);
  return CivilDay(year, month, std::min(from.day(), DaysInMonth(first)));
}

bool ReferenceWorking(CivilDay day, const std::map<CivilDay, DayKind>& table) {
  auto it = table.find(day);
  if (it != table.end()) return it->second == DayKind::kWorkingDay;
  const absl::Weekday weekday = absl::GetWeekday(day);
  return weekday != absl::Weekday::saturday && weekday != absl::Weekday::sunday;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const CivilDay start =
      CivilDay(2015, 1, 1) + in.ConsumeIntegralInRange<int>(0, 20 * 366);
  const CivilDay end = start + in.ConsumeIntegralInRange<int>(0, 2 * 366);
  if (mobility::StudentStayDays(start, end) != ReferenceStayDays(start, end))
    std::abort();

  const int months = in.ConsumeIntegralInRange<int>(0, 36);
  if (WorkingCalendar::AddMonths(start, months) !=
      ReferenceAddMonths(start, months)) {
    std::abort();
  }

  std::map<CivilDay, DayKind> table;
  const int exceptions = in.ConsumeIntegralInRange<int>(0, 12);
  for (int i = 0; i < exceptions; ++i) {
    table[start + in.ConsumeIntegralInRange<int>(0, 60)] =
        in.ConsumeBool() ? DayKind::kDayOff : DayKind::kWorkingDay;
  }
  const WorkingCalendar calendar(absl::UTCTimeZone(), {}, table);
  const int n = in.ConsumeIntegralInRange<int>(0, 30);
  CivilDay expected = start;
  for (int counted = 0; counted < n;) {
    ++expected;
    if (ReferenceWorking(expected, table)) ++counted;
  }
  if (calendar.AddWorkingDays(start, n) != expected) std::abort();
  for (CivilDay d = start; d <= start + 14; ++d) {
    if (calendar.IsWorkingDay(d) != ReferenceWorking(d, table)) std::abort();
  }
  return 0;
}
