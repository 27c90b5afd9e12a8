// The words people read: languages from Accept-Language, sentences with their
// values in kk, ru and en, the project's own number, money and date formats,
// and errors that reach a reader in their language.
#include "common/words.h"

#include <gtest/gtest.h>

#include "common/common_words.h"
#include "common/status.h"
#include "common/words_testing.h"

namespace mobility {
namespace {

constexpr Words kStay{"STAY", "this stay is {days} days, from {start}",
                      "пребывание {days} дн., с {start}",
                      "болу мерзімі {days} күн, {start} бастап"};

TEST(WordsTest, TheLanguageTheHeaderPrefers) {
  EXPECT_EQ(FromAcceptLanguage("ru-RU,ru;q=0.9,en;q=0.8"), Language::kRussian);
  EXPECT_EQ(FromAcceptLanguage("de-DE, kk;q=0.5, ru;q=0.4"), Language::kKazakh);
  EXPECT_EQ(FromAcceptLanguage("en;q=0.2, kk-KZ;q=0.9"), Language::kKazakh);
  EXPECT_EQ(FromAcceptLanguage("KK"), Language::kKazakh);
  EXPECT_EQ(FromAcceptLanguage("de, fr"), Language::kEnglish);
  EXPECT_EQ(FromAcceptLanguage(""), Language::kEnglish);
  EXPECT_EQ(FromAcceptLanguage("ru;q=0"), Language::kEnglish);
}

TEST(WordsTest, NumbersMoneyAndDatesFromOurOwnTables) {
  EXPECT_EQ(FormatNumber(12000, Language::kEnglish), "12,000");
  EXPECT_EQ(FormatNumber(12000, Language::kRussian), "12\u00a0000");
  EXPECT_EQ(FormatNumber(-999, Language::kKazakh), "-999");
  EXPECT_EQ(FormatMoney(400000, "EUR", Language::kEnglish),
            "4,000.00\u00a0EUR");
  EXPECT_EQ(FormatMoney(400005, "EUR", Language::kKazakh),
            "4\u00a0000,05\u00a0EUR");
  EXPECT_EQ(FormatMoney(-1, "EUR", Language::kRussian), "-0,01\u00a0EUR");
  const absl::CivilDay day(2027, 2, 1);
  EXPECT_EQ(FormatDay(day, Language::kEnglish), "1\u00a0February\u00a02027");
  EXPECT_EQ(FormatDay(day, Language::kRussian),
            "1\u00a0февраля\u00a02027\u00a0г.");
  EXPECT_EQ(FormatDay(day, Language::kKazakh),
            "2027\u00a0жылғы\u00a01\u00a0ақпан");
}

TEST(WordsTest, ASentenceWithItsValuesInEachLanguage) {
  const Text text(kStay, {{"days", 28},
                          {"start", Value::Date(absl::CivilDay(2027, 2, 1))}});
  EXPECT_EQ(text.In(Language::kEnglish),
            "this stay is 28 days, from 1\u00a0February\u00a02027");
  EXPECT_EQ(text.In(Language::kKazakh),
            "болу мерзімі 28 күн, 2027\u00a0жылғы\u00a01\u00a0ақпан бастап");
  // A value is never read as a placeholder.
  EXPECT_EQ(
      Text(kStay, {{"days", "{start}"}, {"start", "x"}}).In(Language::kEnglish),
      "this stay is {start} days, from x");
  EXPECT_EQ(Placeholders(kStay.ru),
            (std::vector<std::string>{"days", "start"}));
}

TEST(WordsTest, AnErrorReachesTheReaderInTheirLanguage) {
  Violations v;
  v.Add("stay.end_date", Text(kStay, {{"days", 28}, {"start", "x"}}));
  v.Add("stay.country",
        absl::InvalidArgumentError("English only, not yet in the catalogue"));
  const absl::Status built = v.ToStatus("INVALID_STAY");
  // Logs keep the English.
  EXPECT_EQ(
      built.message(),
      "2 invalid fields, first stay.end_date: this stay is 28 days, from x");
  EXPECT_EQ(LocalizedMessageOf(built), "");

  const absl::Status read = InLanguage(built, Language::kRussian);
  EXPECT_EQ(read.message(), built.message());
  EXPECT_EQ(LocalizedMessageOf(read),
            "Нужно исправить ответов: 2; первый: пребывание 28 дн., с x");
  const auto fields = FieldViolationsOf(read);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].localized, "пребывание 28 дн., с x");
  EXPECT_EQ(fields[1].localized, "");  // No words: the English description.
  EXPECT_EQ(fields[1].description, "English only, not yet in the catalogue");
  // Once in a language, the status keeps it.
  EXPECT_EQ(LocalizedMessageOf(InLanguage(read, Language::kKazakh)),
            LocalizedMessageOf(read));

  const absl::Status refused =
      InLanguage(Error(absl::StatusCode::kFailedPrecondition, "STAY",
                       Text(kStay, {{"days", 3}, {"start", "y"}})),
                 Language::kKazakh);
  EXPECT_EQ(refused.message(), "this stay is 3 days, from y");
  EXPECT_EQ(LocalizedMessageOf(refused), "болу мерзімі 3 күн, y бастап");
  EXPECT_EQ(ErrorReason(refused), "STAY");
}

TEST(WordsTest, CommonCatalogueIsComplete) {
  testing::ExpectCompleteCatalogue(common_words::kAll);
}

}  // namespace
}  // namespace mobility
