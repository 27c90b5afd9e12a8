#include "services/grants/grant_math.h"

#include <gtest/gtest.h>

namespace mobility::grants {
namespace {

using absl::CivilDay;

TEST(GreatCircleTest, KokshetauToValmiera) {
  EXPECT_EQ(GreatCircleKm(53.28, 69.39, 57.54, 25.43), 2764);
  EXPECT_EQ(GreatCircleKm(57.54, 25.43, 53.28, 69.39), 2764);  // Symmetric.
  EXPECT_EQ(GreatCircleKm(51.5, -0.12, 48.86, 2.35), 342);
  EXPECT_EQ(GreatCircleKm(10, 10, 10, 10), 0);
  EXPECT_EQ(GreatCircleKm(0, 0, 0, 180),
            20015);  // Half the circumference at R = 6371.0.
}

TEST(RoundingTest, HalfUpOnce) {
  EXPECT_EQ(DivideRoundHalfUp(4, 10), 0);
  EXPECT_EQ(DivideRoundHalfUp(5, 10), 1);
  EXPECT_EQ(DivideRoundHalfUp(14, 10), 1);
  EXPECT_EQ(DivideRoundHalfUp(15, 10), 2);
  EXPECT_EQ(DivideRoundHalfUp(0, 30), 0);
}

TEST(StudentStayTest, WholeMonthsAndDays) {
  EXPECT_EQ(
      StudentStay(CivilDay(2025, 9, 1), CivilDay(2026, 1, 31)).whole_months, 5);
  EXPECT_EQ(StudentStay(CivilDay(2025, 9, 1), CivilDay(2026, 1, 31)).extra_days,
            0);
  auto stay = StudentStay(CivilDay(2025, 9, 15), CivilDay(2026, 1, 20));
  EXPECT_EQ(stay.whole_months, 4);  // 15 Sep to 14 Jan.
  EXPECT_EQ(stay.extra_days, 6);    // 15 to 20 Jan.
  auto one_day = StudentStay(CivilDay(2025, 9, 1), CivilDay(2025, 9, 1));
  EXPECT_EQ(one_day.whole_months, 0);
  EXPECT_EQ(one_day.extra_days, 1);
}

TEST(StudentStayTest, ThreeMonthsAndTwoMonthsTwentyNineDays) {
  auto three = StudentStay(CivilDay(2025, 9, 1), CivilDay(2025, 11, 30));
  EXPECT_EQ(three.whole_months, 3);
  EXPECT_EQ(three.extra_days, 0);
  auto almost = StudentStay(CivilDay(2025, 9, 1), CivilDay(2025, 11, 29));
  EXPECT_EQ(almost.whole_months, 2);
  EXPECT_EQ(almost.extra_days, 29);
}

TEST(StudentStayTest, TwelveMonthsAndOneDayMore) {
  auto year = StudentStay(CivilDay(2025, 9, 1), CivilDay(2026, 8, 31));
  EXPECT_EQ(year.whole_months, 12);
  EXPECT_EQ(year.extra_days, 0);
  auto over = StudentStay(CivilDay(2025, 9, 1), CivilDay(2026, 9, 1));
  EXPECT_EQ(over.whole_months, 12);
  EXPECT_EQ(over.extra_days, 1);
}

TEST(StudentStayTest, MonthEndsWhenTheDateIsMissing) {
  // From 31 January the first month runs to the end of February.
  auto feb = StudentStay(CivilDay(2025, 1, 31), CivilDay(2025, 2, 28));
  EXPECT_EQ(feb.whole_months, 1);
  EXPECT_EQ(feb.extra_days, 0);
  auto short_of_it = StudentStay(CivilDay(2025, 1, 31), CivilDay(2025, 2, 27));
  EXPECT_EQ(short_of_it.whole_months, 0);
  EXPECT_EQ(short_of_it.extra_days, 28);
  // Leap year: 29 February exists, so a month from 29 January ends on 28
  // February.
  EXPECT_EQ(
      StudentStay(CivilDay(2024, 1, 29), CivilDay(2024, 2, 28)).whole_months,
      1);
}

TEST(StudentSupportTest, MonthsPlusThirtiethsPerDay) {
  StudentSupport s = StudentSupportCents({5, 15}, 85000);
  EXPECT_EQ(s.months_cents, 425000);
  EXPECT_EQ(s.days_cents, 42500);
  EXPECT_EQ(StudentSupportCents({0, 1}, 85000).days_cents,
            2833);  // 2833.33 rounds down.
  EXPECT_EQ(StudentSupportCents({0, 1}, 80000).days_cents,
            2667);  // 2666.67 rounds up.
  EXPECT_EQ(StudentSupportCents({0, 3}, 5).days_cents, 1);  // 0.5 rounds up.
}

TEST(StaffSupportTest, FullRateToDayFourteenThenSeventyPercent) {
  StaffSupport d14 = StaffSupportCents(14, 18000);
  EXPECT_EQ(d14.full_rate_days, 14);
  EXPECT_EQ(d14.reduced_rate_days, 0);
  EXPECT_EQ(d14.full_rate_cents, 252000);
  StaffSupport d15 = StaffSupportCents(15, 18000);
  EXPECT_EQ(d15.full_rate_days, 14);
  EXPECT_EQ(d15.reduced_rate_days, 1);
  EXPECT_EQ(d15.reduced_rate_cents, 12600);
  StaffSupport odd = StaffSupportCents(15, 14001);  // 9800.7 rounds up.
  EXPECT_EQ(odd.reduced_rate_cents, 9801);
}

TEST(StaffSupportTest, NothingBeyondDaySixty) {
  StaffSupport d60 = StaffSupportCents(60, 18000);
  EXPECT_EQ(d60.reduced_rate_days, 46);
  StaffSupport d62 = StaffSupportCents(62, 18000);
  EXPECT_EQ(d62.reduced_rate_days, 46);
  EXPECT_EQ(d62.reduced_rate_cents, d60.reduced_rate_cents);
}

TEST(ExceptionalTravelTest, EightyPercentWhenTheBandCoversLessThanSeventy) {
  // 70% of 117143 is 82000.1: the 820 EUR band covers less, so 80% of the real
  // cost is paid.
  EXPECT_EQ(ExceptionalTravelCents(82000, 117143), 93714);
  // 70% of 117142 is 81999.4: the band covers it, so the band stands.
  EXPECT_EQ(ExceptionalTravelCents(82000, 117142), 0);
  EXPECT_EQ(ExceptionalTravelCents(82000, 0), 0);
}

}  // namespace
}  // namespace mobility::grants
