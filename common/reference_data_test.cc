#include "common/reference_data.h"

#include <gtest/gtest.h>

namespace mobility {
namespace {

using absl::CivilDay;

TEST(CountryTest, KnowsIsoCodes) {
  EXPECT_EQ(CountryName("KZ"), "Kazakhstan");
  EXPECT_EQ(CountryName("LV"), "Latvia");
  EXPECT_FALSE(CountryName("XX").has_value());
  EXPECT_FALSE(CountryName("kz").has_value());
}

TEST(ProgrammeStatusTest, KazakhstanIsAlwaysAPartner) {
  for (int call = 2014; call <= 2027; ++call) {
    EXPECT_EQ(StatusForCall("KZ", call), CountryStatus::kPartner) << call;
  }
}

TEST(ProgrammeStatusTest, UnitedKingdomLeavesAfterThe2020Call) {
  EXPECT_EQ(StatusForCall("GB", 2020), CountryStatus::kProgramme);
  EXPECT_EQ(StatusForCall("GB", 2021), CountryStatus::kPartner);
}

TEST(ProgrammeStatusTest, SerbiaJoinsWithThe2019Call) {
  EXPECT_EQ(StatusForCall("RS", 2018), CountryStatus::kPartner);
  EXPECT_EQ(StatusForCall("RS", 2019), CountryStatus::kProgramme);
}

TEST(ProgrammeStatusTest, AssociatedCountries) {
  for (const char* code : {"IS", "LI", "NO", "TR", "MK", "LV", "DE"}) {
    EXPECT_EQ(StatusForCall(code, 2016), CountryStatus::kProgramme) << code;
    EXPECT_EQ(StatusForCall(code, 2025), CountryStatus::kProgramme) << code;
  }
  EXPECT_EQ(StatusForCall("CH", 2016), CountryStatus::kPartner);
}

TEST(DurationLimitsTest, StudiesNeedThreeMonthsInKa107AndTwoInKa171) {
  auto ka107 = MobilityDurationLimits(ProgrammeGeneration::kKa107,
                                      Activity::kStudentStudies, 2016);
  EXPECT_EQ(ka107->min, 3);
  EXPECT_EQ(ka107->max, 12);
  auto ka171 = MobilityDurationLimits(ProgrammeGeneration::kKa171,
                                      Activity::kStudentStudies, 2025);
  EXPECT_EQ(ka171->min, 2);
  EXPECT_EQ(ka171->unit, DurationLimits::Unit::kMonths);
}

TEST(DurationLimitsTest, Ka107TraineeshipsFromThe2018Call) {
  EXPECT_FALSE(MobilityDurationLimits(ProgrammeGeneration::kKa107,
                                      Activity::kStudentTraineeship, 2017)
                   .ok());
  EXPECT_EQ(MobilityDurationLimits(ProgrammeGeneration::kKa107,
                                   Activity::kStudentTraineeship, 2018)
                ->min,
            2);
}

TEST(DurationLimitsTest, StaffFiveToSixtyDays) {
  auto staff = MobilityDurationLimits(ProgrammeGeneration::kKa171,
                                      Activity::kStaffTeaching, 2025);
  EXPECT_EQ(staff->unit, DurationLimits::Unit::kDays);
  EXPECT_EQ(staff->min, 5);
  EXPECT_EQ(staff->max, 60);
}

TEST(AcademicYearTest, ParsesConsecutiveYearsOnly) {
  EXPECT_EQ(*ParseAcademicYear("2016/2017"), 2016);
  EXPECT_FALSE(ParseAcademicYear("2016/2018").ok());
  EXPECT_FALSE(ParseAcademicYear("2016-2017").ok());
  EXPECT_FALSE(ParseAcademicYear("2016/17").ok());
  EXPECT_FALSE(ParseAcademicYear("+016/2017").ok());
  EXPECT_FALSE(ParseAcademicYear("").ok());
  EXPECT_FALSE(ParseAcademicYear("0000/0001").ok());
  EXPECT_FALSE(ParseAcademicYear("2016/ 017").ok());
  EXPECT_FALSE(ParseAcademicYear("2016/201 ").ok());
  EXPECT_EQ(*ParseAcademicYear("2099/2100"), 2099);
  EXPECT_FALSE(ParseAcademicYear("2100/2101").ok());
  EXPECT_EQ(FormatAcademicYear(2025), "2025/2026");
}

// The Commission's count of a student stay, with DOMAIN.md's examples first.
int Days(CivilDay start, CivilDay end) { return StudentStayDays(start, end); }

TEST(StudentStayTest, TheExamplesOfDomainMd) {
  EXPECT_EQ(Days(CivilDay(2019, 9, 1), CivilDay(2020, 1, 31)), 150);
  EXPECT_EQ(StudentStayLength(CivilDay(2019, 9, 1), CivilDay(2020, 1, 31))
                .whole_months,
            5);
  EXPECT_EQ(Days(CivilDay(2019, 12, 1), CivilDay(2020, 2, 29)), 89);
  EXPECT_EQ(Days(CivilDay(2025, 3, 31), CivilDay(2025, 6, 29)), 90);
  auto jan_apr =
      StudentStayLength(CivilDay(2025, 1, 31), CivilDay(2025, 4, 30));
  EXPECT_EQ(jan_apr.days(), 91);
  EXPECT_EQ(jan_apr.whole_months, 3);
  EXPECT_EQ(jan_apr.extra_days, 1);
  EXPECT_EQ(Days(CivilDay(2025, 2, 1), CivilDay(2025, 2, 28)), 28);
}

TEST(StudentStayTest, EveryMonthEnd) {
  // A 30-day month, and a 31-day one whose 31st counts as its 30th.
  EXPECT_EQ(Days(CivilDay(2025, 4, 1), CivilDay(2025, 4, 30)), 30);
  EXPECT_EQ(Days(CivilDay(2025, 1, 1), CivilDay(2025, 1, 31)), 30);
  EXPECT_EQ(Days(CivilDay(2025, 1, 1), CivilDay(2025, 1, 30)), 30);
  EXPECT_EQ(Days(CivilDay(2025, 1, 1), CivilDay(2025, 1, 29)), 29);
  // February keeps its real last day: 28 in a common year, 29 in a leap year.
  EXPECT_EQ(Days(CivilDay(2025, 2, 1), CivilDay(2025, 2, 28)), 28);
  EXPECT_EQ(Days(CivilDay(2024, 2, 1), CivilDay(2024, 2, 29)), 29);
  EXPECT_EQ(Days(CivilDay(2024, 2, 1), CivilDay(2024, 2, 28)), 28);
  EXPECT_EQ(Days(CivilDay(2025, 2, 1), CivilDay(2025, 3, 1)), 31);
  EXPECT_EQ(Days(CivilDay(2024, 2, 15), CivilDay(2024, 3, 14)), 30);
  // A start on the 31st counts from the 30th.
  EXPECT_EQ(Days(CivilDay(2025, 1, 31), CivilDay(2025, 2, 28)), 29);
  EXPECT_EQ(Days(CivilDay(2025, 3, 31), CivilDay(2025, 4, 29)), 30);
  EXPECT_EQ(Days(CivilDay(2025, 3, 31), CivilDay(2025, 4, 30)), 31);
  EXPECT_EQ(Days(CivilDay(2025, 1, 31), CivilDay(2025, 1, 31)), 1);
  EXPECT_EQ(Days(CivilDay(2025, 9, 1), CivilDay(2025, 9, 1)), 1);
}

TEST(StudentStayTest, TheLimitsInDays) {
  // 3 months = 90 days: 1 September to 30 November, one day less is 89.
  EXPECT_EQ(Days(CivilDay(2025, 9, 1), CivilDay(2025, 11, 30)), 90);
  EXPECT_EQ(Days(CivilDay(2025, 9, 1), CivilDay(2025, 11, 29)), 89);
  // 2 months = 60 days.
  EXPECT_EQ(Days(CivilDay(2025, 9, 1), CivilDay(2025, 10, 31)), 60);
  EXPECT_EQ(Days(CivilDay(2025, 9, 1), CivilDay(2025, 10, 29)), 59);
  // 12 months = 360 days, and a day more is 361.
  EXPECT_EQ(Days(CivilDay(2025, 9, 1), CivilDay(2026, 8, 31)), 360);
  EXPECT_EQ(Days(CivilDay(2025, 9, 1), CivilDay(2026, 9, 1)), 361);
}

// Regions as each programme's guides number them (issue 22: KA171 was
// numbered from the 2014-2020 list, and KA107's Region 9 was refused although
// the Development Cooperation Instrument funded it).
TEST(RegionTest, NumberedAndFundedAsEachProgrammesGuides) {
  const auto number = [](const char* code, ProgrammeGeneration programme) {
    auto region = RegionOf(code, programme);
    return region.has_value() ? region->number : 0;
  };
  constexpr auto kKa107 = ProgrammeGeneration::kKa107;
  constexpr auto kKa171 = ProgrammeGeneration::kKa171;
  const struct {
    const char* code;
    ProgrammeGeneration programme;
    int region;
  } kRegions[] = {{"KZ", kKa107, 7},  {"KZ", kKa171, 7},  {"AD", kKa171, 5},
                  {"CN", kKa171, 6},  {"AF", kKa171, 6},  {"IR", kKa171, 8},
                  {"AU", kKa171, 9},  {"ZA", kKa171, 10}, {"BR", kKa171, 11},
                  {"JM", kKa171, 12}, {"US", kKa171, 13}, {"GB", kKa171, 14},
                  {"IR", kKa107, 9},  {"FR", kKa171, 0}};  // FR: in none.
  for (const auto& r : kRegions)
    EXPECT_EQ(number(r.code, r.programme), r.region) << r.code;
  EXPECT_TRUE(CheckEligiblePartnerCountry("IR", kKa107).ok());
  EXPECT_TRUE(CheckEligiblePartnerCountry("IR", kKa171).ok());
  EXPECT_EQ(CheckEligiblePartnerCountry("SA", kKa107).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckEligiblePartnerCountry("AD", kKa171).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckEligiblePartnerCountry("CH", kKa171).code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace mobility
