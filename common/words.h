// The words people read (ENGINEERING.md, "Words people read"): every sentence
// a person can meet comes from a catalogue holding it in Kazakh, Russian and
// English under one key, and the values in it (numbers, money, dates) are
// formatted by the project's own tables, never by a browser's or a host's
// locale data.
//
// A catalogue is a file of MOBILITY_WORDS(KEY, "en", "ru", "kk") lines; a
// header turns it into constants (see MOBILITY_CATALOGUE in catalogue.inc).
#ifndef MOBILITY_COMMON_WORDS_H_
#define MOBILITY_COMMON_WORDS_H_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace mobility {

enum class Language { kEnglish, kRussian, kKazakh };
inline constexpr Language kLanguages[] = {
    Language::kEnglish, Language::kRussian, Language::kKazakh};

// "en", "ru", "kk".
absl::string_view LanguageTag(Language language);
// "kk", "kk-KZ", "ru-RU", "en-GB" (any case); nullopt for the others.
std::optional<Language> ParseLanguage(absl::string_view tag);
// The supported language the header prefers most (by q, then order), English
// when it names none: "ru-RU,ru;q=0.9,en;q=0.8" is Russian.
Language FromAcceptLanguage(absl::string_view header);

// One catalogue entry. Placeholders are {name}; each language has the same.
struct Words {
  const char* key;
  const char* en;
  const char* ru;
  const char* kk;
  const char* In(Language language) const;
};

class Text;

// A value placed in a sentence, formatted in each language.
class Value {
 public:
  // As it is: a code, a name, a field path, a person's own text.
  Value(const char* text) : text_(text) {}  // NOLINT: implicit by design.
  Value(std::string text) : text_(std::move(text)) {}  // NOLINT
  Value(absl::string_view text) : text_(text) {}       // NOLINT
  // A whole number, grouped by thousands: 12,000 / 12 000.
  Value(int64_t number) : kind_(Kind::kNumber), number_(number) {}  // NOLINT
  Value(int number) : Value(static_cast<int64_t>(number)) {}        // NOLINT
  // "4,000.00 EUR" / "4 000,00 EUR".
  static Value Money(int64_t cents, absl::string_view currency);
  // "16 December 2026" / "16 декабря 2026 г." / "2026 жылғы 16 желтоқсан".
  static Value Date(absl::CivilDay day);
  // A sentence of its own inside this one, in the same language: a budget
  // heading, a distance band.
  static Value Phrase(Text text);

  std::string In(Language language) const;

 private:
  enum class Kind { kText, kNumber, kMoney, kDate, kPhrase };
  Value() = default;
  Kind kind_ = Kind::kText;
  std::string text_;
  int64_t number_ = 0;
  absl::CivilDay day_;
  std::shared_ptr<const Text> phrase_;
};

// A sentence with its values: what domain code hands to an error, a grant's
// line item or an e-mail.
class Text {
 public:
  Text(const Words& words,
       std::initializer_list<std::pair<absl::string_view, Value>> values = {});

  const char* key() const { return words_->key; }
  // The sentence in `language`, its placeholders filled.
  std::string In(Language language) const;

 private:
  const Words* words_;
  std::vector<std::pair<std::string, Value>> values_;
};

// The placeholders of `sentence`, in order: "{days} of {max}" -> days, max.
std::vector<std::string> Placeholders(absl::string_view sentence);

// Number, money and date formats alone, for the few places that print a value
// outside a sentence (an e-mail's table, a document).
std::string FormatNumber(int64_t number, Language language);
std::string FormatMoney(int64_t cents, absl::string_view currency,
                        Language language);
std::string FormatDay(absl::CivilDay day, Language language);

}  // namespace mobility

#endif  // MOBILITY_COMMON_WORDS_H_
