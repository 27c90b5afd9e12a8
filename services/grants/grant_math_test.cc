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
