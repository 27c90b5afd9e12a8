#include "services/inquiries/inquiry_rules.h"

#include <gtest/gtest.h>

#include <set>

namespace mobility::inquiries {
namespace {

TEST(IdentificationNumberTest, CheckDigitByBothWeightings) {
  EXPECT_TRUE(IsValidIdentificationNumber("860904350504"));
  EXPECT_FALSE(IsValidIdentificationNumber("860904350505"));
  // The first sum is 10, so the second weighting gives the check digit.
  EXPECT_TRUE(IsValidIdentificationNumber("860904351811"));
  EXPECT_FALSE(IsValidIdentificationNumber("860904351810"));
  // Both sums are 10: never issued, whatever the last digit.
  for (char last = '0'; last <= '9'; ++last) {
    EXPECT_FALSE(
        IsValidIdentificationNumber(std::string("86090435180") + last));
  }
  EXPECT_FALSE(IsValidIdentificationNumber("86090435050"));    // 11 digits.
  EXPECT_FALSE(IsValidIdentificationNumber("8609043505040"));  // 13 digits.
  EXPECT_FALSE(IsValidIdentificationNumber("86090435050a"));
  EXPECT_FALSE(IsValidIdentificationNumber(""));
}

TEST(RegistrationNumberTest, YearAndSixDigits) {
  EXPECT_EQ(RegistrationNumber(2026, 123), "2026-000123");
  EXPECT_EQ(RegistrationNumber(2026, 1), "2026-000001");
  EXPECT_EQ(RegistrationNumber(2027, 1234567), "2027-1234567");
}

TEST(TrackingCodeTest, RandomGroupedAndHashedInCanonicalForm) {
  std::set<std::string> codes;
  for (int i = 0; i < 1000; ++i) {
    const std::string code = NewTrackingCode();
    ASSERT_EQ(code.size(), 24u) << code;
    for (size_t j = 0; j < code.size(); ++j) {
      if (j % 5 == 4) {
        EXPECT_EQ(code[j], '-') << code;
      } else {
        EXPECT_EQ(std::string("0O1I").find(code[j]), std::string::npos) << code;
      }
    }
    codes.insert(code);
  }
  EXPECT_EQ(codes.size(), 1000u);
  EXPECT_EQ(TrackingCodeHash("K7QM-ABCD-2345-WXYZ-PQRS"),
            TrackingCodeHash("k7qmabcd2345wxyzpqrs"));
  EXPECT_NE(TrackingCodeHash("K7QM-ABCD-2345-WXYZ-PQRS"),
            TrackingCodeHash("K7QM-ABCD-2345-WXYZ-PQRT"));
  EXPECT_EQ(TrackingCodeHash("K7QM").size(), 64u);
}

}  // namespace
}  // namespace mobility::inquiries
