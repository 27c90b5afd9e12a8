#include "common/types.h"

#include <gtest/gtest.h>

namespace mobility {
namespace {

type::v1::Date D(int y, int m, int d) {
  type::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

TEST(DateTest, OnlyRealCalendarDates) {
  EXPECT_TRUE(IsValidDate(D(2024, 2, 29)));
  EXPECT_FALSE(IsValidDate(D(2025, 2, 29)));
  EXPECT_FALSE(IsValidDate(D(2025, 4, 31)));
  EXPECT_FALSE(IsValidDate(D(2025, 13, 1)));
  EXPECT_FALSE(IsValidDate(D(2025, 0, 1)));
  EXPECT_FALSE(IsValidDate(D(0, 0, 0)));
  EXPECT_EQ(FormatDate(ToDate(ToCivilDay(D(2025, 9, 1)))), "2025-09-01");
}

TEST(MoneyTest, FormatsCentsExactly) {
  EXPECT_EQ(FormatCents(0), "0.00");
  EXPECT_EQ(FormatCents(123456), "1234.56");
  EXPECT_EQ(FormatCents(-5), "-0.05");
  EXPECT_EQ(Euros(85000).currency_code(), "EUR");
}

}  // namespace
}  // namespace mobility

namespace mobility {
namespace {

TEST(FixedDecimalTest, ScaledAndStrict) {
  EXPECT_EQ(ParseFixedDecimal("12.50", 2), 1250);
  EXPECT_EQ(ParseFixedDecimal("12.5", 2), 1250);
  EXPECT_EQ(ParseFixedDecimal("10", 2), 1000);
  EXPECT_EQ(ParseFixedDecimal("7.5", 1), 75);
  EXPECT_EQ(ParseFixedDecimal("0", 1), 0);
  for (const char* bad :
       {"12.505", "1e1", "-3", ".5", "5.", "", "1.2.3", " 1", "1234567890"}) {
    EXPECT_EQ(ParseFixedDecimal(bad, 2), std::nullopt) << bad;
  }
  EXPECT_EQ(ParseFixedDecimal("7.55", 1), std::nullopt);
}

}  // namespace
}  // namespace mobility
