#include "services/inquiries/inquiry_rules.h"

#include <gtest/gtest.h>

#include <set>

#include "common/types.h"
#include "common/words_testing.h"
#include "services/inquiries/words.h"

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

v1::Inquiry WellFormed() {
  v1::Inquiry i;
  i.set_kind(v1::COMPLAINT);
  i.set_channel(v1::WEB);
  i.set_subject("Dormitory heating");
  i.set_text("The heating in block B has been off for a week.");
  i.set_language("kk");
  i.mutable_author()->set_full_name("Arman Zhaksylykov");
  i.mutable_author()->set_phone("+7 716 225-40-00");
  i.set_consent_to_processing(true);
  return i;
}

std::vector<std::string> ViolatedFields(const v1::Inquiry& inquiry) {
  Violations violations;
  ValidateNewInquiry(inquiry, absl::CivilDay(2026, 11, 25), violations);
  std::vector<std::string> fields;
  for (const auto& v : violations.list()) fields.push_back(v.field);
  return fields;
}

TEST(ValidateNewInquiryTest, SizesInCharactersAndContactForms) {
  EXPECT_TRUE(ViolatedFields(WellFormed()).empty());
  v1::Inquiry i = WellFormed();
  // 200 characters of Kazakh (two bytes each) fit; 201 do not.
  std::string subject;
  for (int n = 0; n < 200; ++n) subject += "ө";
  i.set_subject(subject);
  EXPECT_TRUE(ViolatedFields(i).empty());
  i.set_subject(subject + "ө");
  EXPECT_EQ(ViolatedFields(i), std::vector<std::string>{"inquiry.subject"});

  i = WellFormed();
  i.mutable_author()->set_phone("87162254000");  // No country code.
  i.mutable_author()->set_email("arman@");
  i.mutable_author()->set_bin("123456789012");
  EXPECT_EQ(ViolatedFields(i),
            (std::vector<std::string>{
                "inquiry.author.email", "inquiry.author.phone",
                "inquiry.author.bin", "inquiry.author.organization"}));
  i = WellFormed();
  i.set_subject("   ");
  i.set_protocol("only oral appeals have one");
  EXPECT_EQ(ViolatedFields(i),
            (std::vector<std::string>{"inquiry.subject", "inquiry.protocol"}));
}

TEST(ValidateNewInquiryTest, AdministrativeActDateIsNotInTheFuture) {
  v1::Inquiry i = WellFormed();
  i.set_kind(v1::ADMINISTRATIVE_COMPLAINT);
  *i.mutable_act_learned_date() = ToDate(absl::CivilDay(2026, 11, 25));
  EXPECT_TRUE(ViolatedFields(i).empty());
  *i.mutable_act_learned_date() = ToDate(absl::CivilDay(2026, 11, 26));
  EXPECT_EQ(ViolatedFields(i),
            std::vector<std::string>{"inquiry.act_learned_date"});
}

TEST(NotConsideredReasonTest, AnonymousOrLate) {
  const absl::CivilDay today(2026, 11, 25);
  EXPECT_EQ(NotConsideredReason(WellFormed(), today), "");
  v1::Inquiry nameless = WellFormed();
  nameless.mutable_author()->clear_full_name();
  EXPECT_NE(NotConsideredReason(nameless, today), "");
  v1::Inquiry unreachable = WellFormed();
  unreachable.mutable_author()->clear_phone();
  EXPECT_NE(NotConsideredReason(unreachable, today), "");
  unreachable.mutable_author()->set_postal_address("Kokshetau, Abay 76");
  EXPECT_EQ(NotConsideredReason(unreachable, today), "");
  // Learned on 30 November: three months end on 28 February (29 in 2028).
  v1::Inquiry complaint = WellFormed();
  complaint.set_kind(v1::ADMINISTRATIVE_COMPLAINT);
  *complaint.mutable_act_learned_date() = ToDate(absl::CivilDay(2026, 11, 30));
  EXPECT_EQ(NotConsideredReason(complaint, absl::CivilDay(2027, 2, 28)), "");
  EXPECT_NE(NotConsideredReason(complaint, absl::CivilDay(2027, 3, 1)), "");
}

TEST(DuplicateKeyTest, IgnoresCaseAndSpacingButNotContent) {
  v1::Inquiry a = WellFormed();
  v1::Inquiry b = WellFormed();
  b.set_text("  the HEATING in block B\nhas been off for a week. ");
  EXPECT_EQ(DuplicateKey(a), DuplicateKey(b));
  b.set_text("The heating in block C has been off for a week.");
  EXPECT_NE(DuplicateKey(a), DuplicateKey(b));
  b = WellFormed();
  b.mutable_author()->set_full_name("Someone Else");
  EXPECT_NE(DuplicateKey(a), DuplicateKey(b));
}

TEST(AuthorVisibleStateTest, WaitingIsTheOfficesOwn) {
  EXPECT_EQ(AuthorVisibleState(v1::Inquiry::WAITING_FOR_AUTHOR),
            v1::Inquiry::IN_PROGRESS);
  EXPECT_EQ(AuthorVisibleState(v1::Inquiry::ANSWERED), v1::Inquiry::ANSWERED);
  EXPECT_TRUE(IsOpen(v1::Inquiry::REOPENED));
  EXPECT_FALSE(IsOpen(v1::Inquiry::FORWARDED));
}

TEST(InquiryWordsTest, EveryKeyInKazakhRussianAndEnglish) {
  testing::ExpectCompleteCatalogue(words::kAll);
}

// An author writing in Kazakh reads what to correct in Kazakh; the minutes
// to wait are whole minutes, rounded up.
TEST(InquiryWordsTest, TheAuthorReadsWhatToCorrectInTheirLanguage) {
  Violations v;
  v.Add("inquiry.author.phone", Text(words::PHONE));
  EXPECT_EQ(FieldViolationsOf(
                InLanguage(v.ToStatus("INVALID_INQUIRY"), Language::kKazakh))[0]
                .localized,
            "Нөмірді халықаралық форматта көрсетіңіз, мысалы +77162254000");
  EXPECT_EQ(WholeMinutes(absl::Seconds(61)), 2);
  EXPECT_EQ(WholeMinutes(absl::Minutes(59)), 59);
}

}  // namespace
}  // namespace mobility::inquiries
