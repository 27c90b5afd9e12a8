#include "services/grants/grant_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/reference_data.h"
#include "common/status.h"
#include "common/types.h"
#include "common/words_testing.h"
#include "services/grants/words.h"

namespace mobility::grants {
namespace {

using ::testing::Contains;
using ::testing::Field;

// A row of the KA171 2021-2023 tables, unless changed after.
v1::Rate Row(std::string name, v1::Rate::Kind kind) {
  v1::Rate r;
  r.set_name("rates/" + name);
  r.set_kind(kind);
  r.set_programme(v1::KA171);
  r.set_first_call_year(2021);
  r.set_last_call_year(2023);
  return r;
}

v1::Rate Travel(int min_km, int max_km, int64_t euros, bool green = false) {
  v1::Rate r = Row(absl::StrCat("travel-", min_km, green ? "-green" : ""),
                   v1::Rate::TRAVEL);
  r.set_min_km(min_km);
  r.set_max_km(max_km);
  r.set_green_travel(green);
  *r.mutable_amount() = Euros(euros * 100);
  return r;
}

v1::Rate Support(v1::Direction direction, int group, v1::ParticipantKind kind,
                 int64_t euros) {
  v1::Rate r = Row(absl::StrCat("support-", direction, "-", group, "-", kind),
                   v1::Rate::INDIVIDUAL_SUPPORT);
  r.set_direction(direction);
  r.set_country_group(group);
  r.set_participant_kind(kind);
  *r.mutable_amount() = Euros(euros * 100);
  return r;
}

// The KA171 2021 table of DOMAIN.md, as test data.
std::vector<v1::Rate> Ka171Rates() {
  return {Travel(10, 99, 20),
          Travel(100, 499, 180),
          Travel(500, 1999, 275),
          Travel(2000, 2999, 360),
          Travel(3000, 3999, 530),
          Travel(4000, 7999, 820),
          Travel(8000, 0, 1500),
          Travel(100, 499, 210, true),
          Travel(500, 1999, 320, true),
          Travel(2000, 2999, 410, true),
          Travel(3000, 3999, 610, true),
          Support(v1::PARTNER_TO_PROGRAMME, 3, v1::STUDENT, 800),
          Support(v1::PARTNER_TO_PROGRAMME, 3, v1::STAFF, 140),
          Support(v1::PROGRAMME_TO_PARTNER, 0, v1::STUDENT, 700),
          Support(v1::PROGRAMME_TO_PARTNER, 0, v1::STAFF, 180)};
}

mobility::type::v1::Date D(int y, int m, int d) {
  return ToDate(absl::CivilDay(y, m, d));
}

v1::CalculateGrantRequest Student(absl::CivilDay start, absl::CivilDay end) {
  v1::CalculateGrantRequest r;
  r.set_programme(v1::KA171);
  r.set_call_year(2021);
  r.set_activity(v1::STUDENT_STUDIES);
  r.set_sending_institution("institutions/kokshetau-amu");
  r.set_receiving_institution("institutions/vidzeme-via");
  *r.mutable_start_date() = ToDate(start);
  *r.mutable_end_date() = ToDate(end);
  return r;
}

v1::CalculateGrantRequest Staff(int activity_days, int travel_days) {
  v1::CalculateGrantRequest r =
      Student(absl::CivilDay(2022, 3, 1),
              absl::CivilDay(2022, 3, 1) + (activity_days - 1));
  r.set_activity(v1::STAFF_TEACHING);
  r.set_travel_days(travel_days);
  return r;
}

const Route kToLatvia{v1::PARTNER_TO_PROGRAMME, 3, 2764, ""};

int64_t Travel(int km) {
  auto quote = PriceMobility(
      Student(absl::CivilDay(2021, 9, 1), absl::CivilDay(2022, 1, 31)),
      Route{v1::PARTNER_TO_PROGRAMME, 3, km, ""}, Ka171Rates(), true);
  EXPECT_TRUE(quote.ok()) << quote.status();
  return HeadingTotal(*quote, v1::LineItem::TRAVEL);
}

TEST(TravelBandTest, EveryEdge) {
  EXPECT_EQ(Travel(9), 0);  // Below the first band.
  EXPECT_EQ(Travel(10), 2000);
  EXPECT_EQ(Travel(99), 2000);
  EXPECT_EQ(Travel(100), 18000);
  EXPECT_EQ(Travel(499), 18000);
  EXPECT_EQ(Travel(500), 27500);
  EXPECT_EQ(Travel(1999), 27500);
  EXPECT_EQ(Travel(2000), 36000);
  EXPECT_EQ(Travel(2999), 36000);
  EXPECT_EQ(Travel(3000), 53000);
  EXPECT_EQ(Travel(3999), 53000);
  EXPECT_EQ(Travel(4000), 82000);
  EXPECT_EQ(Travel(7999), 82000);
  EXPECT_EQ(Travel(8000), 150000);
  EXPECT_EQ(Travel(19000), 150000);
}

TEST(TravelBandTest, GreenTravelTakesTheGreenAmountElseTheStandardOne) {
  auto request =
      Student(absl::CivilDay(2021, 9, 1), absl::CivilDay(2022, 1, 31));
  request.set_green_travel(true);
  auto green =
      PriceMobility(request, Route{v1::PARTNER_TO_PROGRAMME, 3, 2500, ""},
                    Ka171Rates(), true);
  ASSERT_TRUE(green.ok());
  EXPECT_EQ(HeadingTotal(*green, v1::LineItem::TRAVEL), 41000);
  // 4000-7999 km has no green amount: the standard one is paid.
  auto standard =
      PriceMobility(request, Route{v1::PARTNER_TO_PROGRAMME, 3, 4500, ""},
                    Ka171Rates(), true);
  ASSERT_TRUE(standard.ok()) << standard.status();
  EXPECT_EQ(HeadingTotal(*standard, v1::LineItem::TRAVEL), 82000);
  EXPECT_THAT(standard->line_items(0).description(),
              ::testing::HasSubstr("standard amount"));
}

TEST(TravelBandTest, AMissingTableOrBandIsRefusedNeverPricedAsNoTravel) {
  auto request =
      Student(absl::CivilDay(2021, 9, 1), absl::CivilDay(2022, 1, 31));
  std::vector<v1::Rate> rates;
  for (const auto& r : Ka171Rates()) {
    if (r.kind() != v1::Rate::TRAVEL) rates.push_back(r);
  }
  auto no_table = PriceMobility(request, kToLatvia, rates, true);
  EXPECT_EQ(no_table.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(no_table.status().message()),
              ::testing::HasSubstr("KA171 2021 call has no travel table"));
  // The table's gap is the office's to read; an applicant reads that the
  // office completes the rates, in their language.
  EXPECT_EQ(
      LocalizedMessageOf(InLanguage(no_table.status(), Language::kRussian)),
      "Ставки программы для этой поездки внесены ещё не полностью; "
      "международный отдел их дополнит");
  // A gap between bands names the distance; below the first band is no travel.
  rates.push_back(Travel(10, 99, 20));
  rates.push_back(Travel(500, 1999, 275));
  auto gap = PriceMobility(request, Route{v1::PARTNER_TO_PROGRAMME, 3, 300, ""},
                           rates, true);
  EXPECT_EQ(gap.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(gap.status().message()),
              ::testing::HasSubstr("covers 300 km"));
  EXPECT_TRUE(PriceMobility(request, Route{v1::PARTNER_TO_PROGRAMME, 3, 9, ""},
                            rates, true)
                  .ok());
}

TEST(StudentQuoteTest, MonthsAndDaysEachRoundedOnce) {
  auto quote = PriceMobility(
      Student(absl::CivilDay(2021, 9, 15), absl::CivilDay(2022, 1, 20)),
      kToLatvia, Ka171Rates(), true);
  ASSERT_TRUE(quote.ok()) << quote.status();
  EXPECT_EQ(quote->whole_months(), 4);
  EXPECT_EQ(quote->extra_days(), 6);
  ASSERT_EQ(quote->line_items_size(), 3);  // Travel, months, days.
  EXPECT_EQ(quote->line_items(1).amount().amount_minor(), 4 * 80000);
  EXPECT_EQ(quote->line_items(2).amount().amount_minor(),
            16000);  // 6 x 800 / 30.
  EXPECT_EQ(quote->line_items(1).rate(), "rates/support-1-3-1");
  EXPECT_EQ(quote->total().amount_minor(), 36000 + 320000 + 16000);
  EXPECT_EQ(quote->applied_rates_size(), 2);
}

TEST(StudentQuoteTest, TwelveMonthLimit) {
  EXPECT_TRUE(PriceMobility(Student(absl::CivilDay(2021, 9, 1),
                                    absl::CivilDay(2022, 8, 31)),
                            kToLatvia, Ka171Rates(), true)
                  .ok());
  auto over = PriceMobility(
      Student(absl::CivilDay(2021, 9, 1), absl::CivilDay(2022, 9, 1)),
      kToLatvia, Ka171Rates(), true);
  ASSERT_EQ(over.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(over.status())[0].field, "end_date");
}

TEST(StudentQuoteTest, Ka107StudiesNinetyDaysNotEightyNine) {
  std::vector<v1::Rate> rates = Ka171Rates();
  for (auto& r : rates) {
    r.set_programme(v1::KA107);
    r.set_first_call_year(2018);
  }
  auto request =
      Student(absl::CivilDay(2019, 9, 1), absl::CivilDay(2019, 11, 30));
  request.set_programme(v1::KA107);
  request.set_call_year(2019);
  EXPECT_TRUE(PriceMobility(request, kToLatvia, rates, true).ok());
  *request.mutable_end_date() = D(2019, 11, 29);
  EXPECT_EQ(PriceMobility(request, kToLatvia, rates, true).status().code(),
            absl::StatusCode::kInvalidArgument);
  // KA171 takes two months, 60 of the Commission's days: to 30 October is
  // already 60 (the 31st counts as the 30th), to 29 October 59.
  auto ka171 =
      Student(absl::CivilDay(2021, 9, 1), absl::CivilDay(2021, 10, 31));
  EXPECT_TRUE(PriceMobility(ka171, kToLatvia, Ka171Rates(), true).ok());
  *ka171.mutable_end_date() = D(2021, 10, 30);
  EXPECT_TRUE(PriceMobility(ka171, kToLatvia, Ka171Rates(), true).ok());
  *ka171.mutable_end_date() = D(2021, 10, 29);
  EXPECT_FALSE(PriceMobility(ka171, kToLatvia, Ka171Rates(), true).ok());
}

TEST(StaffQuoteTest, TravelDaysAndTheSeventyPercentDays) {
  auto quote = PriceMobility(Staff(14, 1), kToLatvia, Ka171Rates(), true);
  ASSERT_TRUE(quote.ok()) << quote.status();
  EXPECT_EQ(quote->activity_days(), 14);
  ASSERT_EQ(quote->line_items_size(), 3);
  EXPECT_EQ(quote->line_items(1).quantity(), 14);
  EXPECT_EQ(quote->line_items(1).amount().amount_minor(), 14 * 14000);
  EXPECT_EQ(quote->line_items(2).quantity(), 1);  // Day 15 is the travel day.
  EXPECT_EQ(quote->line_items(2).per_mille(), 700);
  EXPECT_EQ(quote->line_items(2).amount().amount_minor(), 9800);
}

TEST(StaffQuoteTest, FiveToSixtyDays) {
  EXPECT_TRUE(PriceMobility(Staff(5, 0), kToLatvia, Ka171Rates(), true).ok());
  EXPECT_FALSE(PriceMobility(Staff(4, 2), kToLatvia, Ka171Rates(), true).ok());
  EXPECT_TRUE(PriceMobility(Staff(60, 2), kToLatvia, Ka171Rates(), true).ok());
  EXPECT_FALSE(PriceMobility(Staff(61, 0), kToLatvia, Ka171Rates(), true).ok());
}

TEST(QuoteTest, ExceptionalTravelReplacesTheBand) {
  auto request =
      Student(absl::CivilDay(2021, 9, 1), absl::CivilDay(2022, 1, 31));
  request.set_exceptional_travel_cost_cents(
      60000);  // The 360 EUR band is 60%: below 70%.
  auto quote = PriceMobility(request, kToLatvia, Ka171Rates(), true);
  ASSERT_TRUE(quote.ok());
  EXPECT_EQ(HeadingTotal(*quote, v1::LineItem::TRAVEL), 48000);
  EXPECT_EQ(quote->line_items(0).rate(), "");
  request.set_exceptional_travel_cost_cents(50000);  // 72%: the band stands.
  quote = PriceMobility(request, kToLatvia, Ka171Rates(), true);
  EXPECT_EQ(HeadingTotal(*quote, v1::LineItem::TRAVEL), 36000);
}

TEST(QuoteTest, SpecialNeedsAndZeroGrant) {
  auto request =
      Student(absl::CivilDay(2021, 9, 1), absl::CivilDay(2022, 1, 31));
  request.set_special_needs_cost_cents(123456);
  auto quote = PriceMobility(request, kToLatvia, Ka171Rates(), true);
  EXPECT_EQ(HeadingTotal(*quote, v1::LineItem::INCLUSION_SUPPORT), 123456);
  request.set_zero_grant(true);
  auto zero = PriceMobility(request, kToLatvia, Ka171Rates(), true);
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero->total().amount_minor(), 0);
  EXPECT_EQ(zero->whole_months(), 5);
}

v1::Rate Group(int first_call, int last_call, int group,
               v1::ParticipantKind kind, std::vector<std::string> codes) {
  v1::Rate r = Row(absl::StrCat("group-", first_call, "-", group, "-", kind),
                   v1::Rate::COUNTRY_GROUP);
  r.set_programme(v1::KA107);
  r.set_first_call_year(first_call);
  r.set_last_call_year(last_call);
  r.set_country_group(group);
  r.set_participant_kind(kind);
  for (auto& c : codes) r.add_country_codes(c);
  return r;
}

// KA107 2016: students and staff are grouped differently, staff in four.
TEST(CountryGroupTest, GroupsFollowTheCallAndTheParticipantKind) {
  std::vector<v1::Rate> rates;
  for (v1::Rate r : Ka171Rates()) {
    r.set_programme(v1::KA107);
    r.set_first_call_year(2015);
    r.set_last_call_year(2017);
    rates.push_back(r);
  }
  rates.push_back(Group(2015, 2017, 3, v1::STUDENT, {"EE", "LV"}));
  rates.push_back(Group(2015, 2017, 4, v1::STAFF, {"EE"}));
  v1::Rate staff4 = Support(v1::PARTNER_TO_PROGRAMME, 4, v1::STAFF, 100);
  staff4.set_programme(v1::KA107);
  staff4.set_first_call_year(2015);
  staff4.set_last_call_year(2017);
  rates.push_back(staff4);
  const Route to_estonia{v1::PARTNER_TO_PROGRAMME, 0, 2900, "EE"};
  auto student =
      Student(absl::CivilDay(2016, 9, 1), absl::CivilDay(2017, 1, 31));
  student.set_programme(v1::KA107);
  student.set_call_year(2016);
  auto quote = PriceMobility(student, to_estonia, rates, true);
  ASSERT_TRUE(quote.ok()) << quote.status();
  EXPECT_EQ(quote->country_group(), 3);
  EXPECT_THAT(
      quote->applied_rates(),
      Contains(::testing::Property(&v1::Rate::name, "rates/group-2015-3-1")));
  auto staff = Staff(5, 0);
  staff.set_programme(v1::KA107);
  staff.set_call_year(2016);
  auto staff_quote = PriceMobility(staff, to_estonia, rates, true);
  ASSERT_TRUE(staff_quote.ok()) << staff_quote.status();
  EXPECT_EQ(staff_quote->country_group(), 4);
  EXPECT_EQ(staff_quote->total().amount_minor(), 36000 + 5 * 10000);
  // Latvia has no staff group in this table: refused, naming the gap.
  auto missing = PriceMobility(staff, {v1::PARTNER_TO_PROGRAMME, 0, 2764, "LV"},
                               rates, true);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(missing.status().message()),
              ::testing::HasSubstr("puts LV in no country group for STAFF"));
}

v1::Rate GreenDays(v1::ParticipantKind kind, int max_days) {
  v1::Rate r =
      Row(absl::StrCat("green-days-", kind), v1::Rate::GREEN_TRAVEL_DAYS);
  r.set_participant_kind(kind);
  r.set_max_days(max_days);
  return r;
}

TEST(GreenTravelTest, StaffUpToSixTravelDaysStudentsUpToFourExtraDays) {
  std::vector<v1::Rate> rates = Ka171Rates();
  rates.push_back(GreenDays(v1::STAFF, 6));
  rates.push_back(GreenDays(v1::STUDENT, 4));
  auto staff = Staff(10, 6);
  staff.set_green_travel(true);
  auto quote = PriceMobility(staff, kToLatvia, rates, true);
  ASSERT_TRUE(quote.ok()) << quote.status();
  EXPECT_EQ(HeadingTotal(*quote, v1::LineItem::INDIVIDUAL_SUPPORT),
            14 * 14000 + 2 * 9800);  // 16 paid days: 14 full, 2 at 70%.
  staff.set_travel_days(7);
  auto seven = PriceMobility(staff, kToLatvia, rates, true);
  ASSERT_EQ(seven.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(seven.status())[0].field, "travel_days");

  auto student =
      Student(absl::CivilDay(2021, 9, 1), absl::CivilDay(2022, 1, 31));
  student.set_green_travel(true);
  student.set_travel_days(4);
  auto extra = PriceMobility(student, kToLatvia, rates, true);
  ASSERT_TRUE(extra.ok()) << extra.status();
  EXPECT_EQ(HeadingTotal(*extra, v1::LineItem::INDIVIDUAL_SUPPORT),
            5 * 80000 + 10667);  // 4 x 800 / 30 = 106.666... rounds up.
  student.set_travel_days(5);
  EXPECT_EQ(PriceMobility(student, kToLatvia, rates, true).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A call with no green-travel days row refuses the extra days.
  student.set_travel_days(1);
  EXPECT_EQ(
      PriceMobility(student, kToLatvia, Ka171Rates(), true).status().code(),
      absl::StatusCode::kFailedPrecondition);
}

TEST(QuoteTest, MissingSupportRateIsAPrecondition) {
  auto quote = PriceMobility(
      Student(absl::CivilDay(2021, 9, 1), absl::CivilDay(2022, 1, 31)),
      Route{v1::PARTNER_TO_PROGRAMME, 1, 2764, ""}, Ka171Rates(), true);
  EXPECT_EQ(quote.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(RouteTest, DirectionAndGroupFromTheCallYear) {
  auto request =
      Student(absl::CivilDay(2021, 9, 1), absl::CivilDay(2022, 1, 31));
  Endpoint kz{"KZ", 53.28, 69.39}, lv{"LV", 57.54, 25.43},
      kg{"KG", 42.87, 74.59}, gb{"GB", 51.5, -0.12};
  auto in = RouteBetween(request, kz, lv);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->direction, v1::PARTNER_TO_PROGRAMME);
  EXPECT_EQ(in->receiving_country, "LV");
  EXPECT_EQ(in->distance_km, 2764);
  auto out = RouteBetween(request, lv, kz);
  EXPECT_EQ(out->direction, v1::PROGRAMME_TO_PARTNER);
  EXPECT_EQ(RouteBetween(request, kz, kg).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(RouteBetween(request, kz, gb)
                   .ok());  // The UK is a third country from 2021.
  request.set_official_distance_km(3100);
  EXPECT_EQ(RouteBetween(request, kz, lv)->distance_km, 3100);
}

TEST(SettlementTest, ShorterStayPaysLessLongerStayPaysTheAgreedPeriodOnly) {
  auto agreed = PriceMobility(
      Student(absl::CivilDay(2021, 9, 1), absl::CivilDay(2022, 1, 31)),
      kToLatvia, Ka171Rates(), true);
  ASSERT_TRUE(agreed.ok());
  auto shorter = SettleQuote(*agreed, absl::CivilDay(2021, 9, 1),
                             absl::CivilDay(2021, 11, 15), false);
  ASSERT_TRUE(shorter.ok());
  EXPECT_EQ(shorter->whole_months(), 2);
  EXPECT_EQ(shorter->extra_days(), 15);
  EXPECT_EQ(shorter->total().amount_minor(), 36000 + 2 * 80000 + 40000);
  auto longer = SettleQuote(*agreed, absl::CivilDay(2021, 8, 20),
                            absl::CivilDay(2022, 2, 28), false);
  ASSERT_TRUE(longer.ok());
  EXPECT_EQ(longer->total().amount_minor(), agreed->total().amount_minor());
  auto outside = SettleQuote(*agreed, absl::CivilDay(2021, 7, 1),
                             absl::CivilDay(2021, 8, 31), false);
  EXPECT_EQ(outside->total().amount_minor(), 0);
  EXPECT_EQ(outside->not_eligible_reason(),
            "no day of the real stay fell in the agreed period");
}

TEST(SettlementTest, BelowTheMinimumRecoversAllUnlessForceMajeure) {
  auto agreed = PriceMobility(
      Student(absl::CivilDay(2021, 9, 1), absl::CivilDay(2022, 1, 31)),
      kToLatvia, Ka171Rates(), true);
  ASSERT_TRUE(agreed.ok());
  // KA171 students stay at least 60 days: to 30 October is 60, to 29th 59.
  auto minimum = SettleQuote(*agreed, absl::CivilDay(2021, 9, 1),
                             absl::CivilDay(2021, 10, 30), false);
  ASSERT_TRUE(minimum.ok());
  EXPECT_EQ(minimum->total().amount_minor(), 36000 + 2 * 80000);
  auto short_stay = SettleQuote(*agreed, absl::CivilDay(2021, 9, 1),
                                absl::CivilDay(2021, 10, 29), false);
  ASSERT_TRUE(short_stay.ok());
  EXPECT_EQ(short_stay->total().amount_minor(), 0);
  EXPECT_THAT(short_stay->not_eligible_reason(),
              ::testing::HasSubstr("59 days"));
  auto accepted = SettleQuote(*agreed, absl::CivilDay(2021, 9, 1),
                              absl::CivilDay(2021, 10, 29), true);
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(accepted->total().amount_minor(),
            36000 + 80000 + 77333);  // 29 x 800 / 30 = 773.33.
  EXPECT_EQ(SettleQuote(*agreed, absl::CivilDay(2021, 9, 1),
                        absl::CivilDay(2021, 10, 30), true)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  // Staff: five real days is the minimum, four are not eligible.
  auto staff = PriceMobility(Staff(10, 2), kToLatvia, Ka171Rates(), true);
  ASSERT_TRUE(staff.ok());
  EXPECT_GT(SettleQuote(*staff, absl::CivilDay(2022, 3, 1),
                        absl::CivilDay(2022, 3, 5), false)
                ->total()
                .amount_minor(),
            0);
  EXPECT_EQ(SettleQuote(*staff, absl::CivilDay(2022, 3, 1),
                        absl::CivilDay(2022, 3, 4), false)
                ->total()
                .amount_minor(),
            0);
}

TEST(SettlementTest, UsesTheAgreedRatesNotTheCurrentTable) {
  auto agreed = PriceMobility(
      Student(absl::CivilDay(2021, 9, 1), absl::CivilDay(2022, 1, 31)),
      kToLatvia, Ka171Rates(), true);
  // SettleQuote takes no table at all: the agreed quote carries the rates it
  // applied.
  auto settled = SettleQuote(*agreed, absl::CivilDay(2021, 9, 1),
                             absl::CivilDay(2022, 1, 31), false);
  EXPECT_EQ(settled->total().amount_minor(), agreed->total().amount_minor());
}

TEST(ConditionTest, ActivitiesAndMobilityTypesShareTheirNumbers) {
  for (int i = 1; i <= 4; ++i) {
    EXPECT_EQ(v1::Activity_Name(static_cast<v1::Activity>(i)),
              agreements::v1::MobilityType_Name(
                  static_cast<agreements::v1::MobilityType>(i)))
        << i;
    // And so does the rules' own Activity, which both services cast to.
    EXPECT_EQ(IsStudentActivity(static_cast<Activity>(i)), i <= 2) << i;
  }
  EXPECT_EQ(static_cast<int>(Activity::kStaffTeaching), v1::STAFF_TEACHING);
}

TEST(ValidationTest, EveryFieldAtItsEdge) {
  auto request = Staff(10, 2);
  Violations ok;
  ValidateCalculation(request, "", ok);
  EXPECT_TRUE(ok.empty());
  request.set_travel_days(3);
  request.set_call_year(2020);
  request.set_official_distance_km(-1);
  request.set_special_needs_cost_cents(-1);
  *request.mutable_end_date() = D(2022, 2, 28);  // Before the start.
  request.set_receiving_institution(request.sending_institution());
  Violations bad;
  ValidateCalculation(request, "", bad);
  for (const char* field :
       {"travel_days", "call_year", "official_distance_km",
        "special_needs_cost_cents", "end_date", "receiving_institution"}) {
    EXPECT_THAT(bad.list(), Contains(Field(&FieldViolation::field, field)))
        << field;
  }
  auto student =
      Student(absl::CivilDay(2021, 9, 1), absl::CivilDay(2022, 1, 31));
  student.set_travel_days(1);
  Violations students;
  ValidateCalculation(student, "calculation", students);
  EXPECT_THAT(students.list(), Contains(Field(&FieldViolation::field,
                                              "calculation.travel_days")));
  // With green travel the call's row decides how many days (pricing checks).
  student.set_green_travel(true);
  Violations green;
  ValidateCalculation(student, "", green);
  EXPECT_TRUE(green.empty());
}

TEST(GrantWordsTest, EveryKeyInKazakhRussianAndEnglish) {
  testing::ExpectCompleteCatalogue(words::kAll);
}

}  // namespace
}  // namespace mobility::grants
