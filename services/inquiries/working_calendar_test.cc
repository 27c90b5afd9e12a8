#include "services/inquiries/working_calendar.h"

#include <gtest/gtest.h>

namespace mobility::inquiries {
namespace {

using D = absl::CivilDay;

// Kazakhstan, UTC+5, with part of the 2026/2027 holiday table: Nauryz falls
// on Saturday 21 March 2026, so Monday 23 and Tuesday 24 are off; New Year,
// Orthodox Christmas; and Saturday 9 January 2027 worked in place of Friday 8
// January (a moved day, as decrees make them).
WorkingCalendar Kazakhstan() {
  return WorkingCalendar(absl::FixedTimeZone(5 * 3600), WorkingHours{},
                         {{D(2026, 3, 23), DayKind::kDayOff},
                          {D(2026, 3, 24), DayKind::kDayOff},
                          {D(2027, 1, 1), DayKind::kDayOff},
                          {D(2027, 1, 2), DayKind::kDayOff},
                          {D(2027, 1, 7), DayKind::kDayOff},
                          {D(2027, 1, 8), DayKind::kDayOff},
                          {D(2027, 1, 9), DayKind::kWorkingDay}});
}

// A moment in Kokshetau's local time.
absl::Time Local(int y, int m, int d, int hh, int mm) {
  return absl::FromCivil(absl::CivilMinute(y, m, d, hh, mm),
                         absl::FixedTimeZone(5 * 3600));
}

TEST(WorkingCalendarTest, WeekendsHolidaysAndMovedDays) {
  const WorkingCalendar kz = Kazakhstan();
  EXPECT_TRUE(kz.IsWorkingDay(D(2026, 11, 27)));   // Friday.
  EXPECT_FALSE(kz.IsWorkingDay(D(2026, 11, 28)));  // Saturday.
  EXPECT_FALSE(kz.IsWorkingDay(D(2026, 3, 23)));   // Nauryz, moved.
  EXPECT_FALSE(kz.IsWorkingDay(D(2027, 1, 8)));    // Friday, moved off.
  EXPECT_TRUE(kz.IsWorkingDay(D(2027, 1, 9)));     // Saturday, worked.
}

// Received after the working day ends, or on a day off, an appeal is
// registered on the next working day; early in the morning it is that day's.
TEST(WorkingCalendarTest, RegistrationDateFollowsTheWorkingDay) {
  const WorkingCalendar kz = Kazakhstan();
  EXPECT_EQ(kz.RegistrationDate(Local(2026, 11, 27, 17, 59)), D(2026, 11, 27));
  EXPECT_EQ(kz.RegistrationDate(Local(2026, 11, 27, 18, 0)), D(2026, 11, 30));
  EXPECT_EQ(kz.RegistrationDate(Local(2026, 11, 28, 10, 0)), D(2026, 11, 30));
  EXPECT_EQ(kz.RegistrationDate(Local(2026, 11, 30, 7, 15)), D(2026, 11, 30));
  // 23:30 UTC on Thursday is 04:30 on Friday in Kokshetau.
  EXPECT_EQ(kz.RegistrationDate(absl::FromCivil(
                absl::CivilMinute(2026, 11, 26, 23, 30), absl::UTCTimeZone())),
            D(2026, 11, 27));
  // Friday evening before Nauryz: Saturday, Sunday, Monday and Tuesday off.
  EXPECT_EQ(kz.RegistrationDate(Local(2026, 3, 20, 19, 0)), D(2026, 3, 25));
  // On the worked Saturday the office registers as on any working day.
  EXPECT_EQ(kz.RegistrationDate(Local(2027, 1, 9, 11, 0)), D(2027, 1, 9));
}

TEST(WorkingCalendarTest, FifteenWorkingDaysAcrossHolidaysAndTheYearEnd) {
  const WorkingCalendar kz = Kazakhstan();
  // From Monday 2 November 2026: three plain weeks, the day after not counted.
  EXPECT_EQ(kz.AddWorkingDays(D(2026, 11, 2), kDecisionWorkingDays),
            D(2026, 11, 23));
  // Registered Friday 18 December 2026: the year end and the January holidays
  // (1, 2, 7, 8 off; Saturday 9 worked) carry it to Tuesday 12 January 2027.
  EXPECT_EQ(kz.AddWorkingDays(D(2026, 12, 18), kDecisionWorkingDays),
            D(2027, 1, 12));
  // Forwarding: within 3 working days of registration on Friday 20 March.
  EXPECT_EQ(kz.AddWorkingDays(D(2026, 3, 20), kForwardWorkingDays),
            D(2026, 3, 27));
  EXPECT_EQ(kz.AddWorkingDays(D(2026, 3, 20), kExtensionNoticeWorkingDays),
            D(2026, 3, 27));
}

TEST(WorkingCalendarTest, ExtensionsEndTwoCalendarMonthsAfterRegistration) {
  EXPECT_EQ(WorkingCalendar::AddMonths(D(2026, 11, 30), kMaxExtensionMonths),
            D(2027, 1, 30));
  EXPECT_EQ(WorkingCalendar::AddMonths(D(2026, 12, 31), kMaxExtensionMonths),
            D(2027, 2, 28));
  EXPECT_EQ(WorkingCalendar::AddMonths(D(2027, 12, 31), kMaxExtensionMonths),
            D(2028, 2, 29));  // Leap year.
  EXPECT_EQ(WorkingCalendar::AddMonths(D(2027, 1, 31), 1), D(2027, 2, 28));
}

// A shortened day before a holiday ends at 17:00: an appeal at 17:30 is the
// next working day's.
TEST(WorkingCalendarTest, ADayWithItsOwnHours) {
  const WorkingCalendar kz(
      absl::FixedTimeZone(5 * 3600), WorkingHours{},
      {{D(2026, 12, 16), DayKind::kDayOff}},
      {{D(2026, 12, 15), *ParseWorkingHours("09:00-17:00")}});
  EXPECT_EQ(kz.RegistrationDate(Local(2026, 12, 15, 16, 59)), D(2026, 12, 15));
  EXPECT_EQ(kz.RegistrationDate(Local(2026, 12, 15, 17, 30)), D(2026, 12, 17));
  EXPECT_EQ(kz.RegistrationDate(Local(2026, 12, 14, 17, 30)), D(2026, 12, 14));
}

TEST(WorkingHoursTest, ParsedAndFormatted) {
  auto hours = ParseWorkingHours("08:30-17:15");
  ASSERT_TRUE(hours.has_value());
  EXPECT_EQ(hours->start_minute, 8 * 60 + 30);
  EXPECT_EQ(hours->end_minute, 17 * 60 + 15);
  EXPECT_EQ(FormatWorkingHours(*hours), "08:30-17:15");
  for (const char* bad :
       {"", "9:00-18:00", "09:00", "18:00-09:00", "09:00-09:00", "09:60-18:00",
        "24:00-25:00", "09:00-18:00-19:00"}) {
    EXPECT_FALSE(ParseWorkingHours(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace mobility::inquiries
