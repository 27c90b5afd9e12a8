#include "common/words.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace mobility {
namespace {

// A no-break space: a number or an amount never breaks across lines.
constexpr char kNoBreakSpace[] = "\u00a0";

constexpr const char* kEnglishMonths[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
// Genitive, as a date says it: "16 декабря".
constexpr const char* kRussianMonths[] = {
    "января", "февраля", "марта",    "апреля",  "мая",    "июня",
    "июля",   "августа", "сентября", "октября", "ноября", "декабря"};
constexpr const char* kKazakhMonths[] = {
    "қаңтар", "ақпан", "наурыз",   "сәуір", "мамыр",  "маусым",
    "шілде",  "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан"};

std::string Grouped(uint64_t number, absl::string_view separator) {
  std::string digits = absl::StrCat(number);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) absl::StrAppend(&out, separator);
    out.push_back(digits[i]);
  }
  return out;
}

absl::string_view GroupSeparator(Language language) {
  return language == Language::kEnglish ? "," : kNoBreakSpace;
}

}  // namespace

absl::string_view LanguageTag(Language language) {
  switch (language) {
    case Language::kRussian:
      return "ru";
    case Language::kKazakh:
      return "kk";
    case Language::kEnglish:
      break;
  }
  return "en";
}

std::optional<Language> ParseLanguage(absl::string_view tag) {
  const std::string primary = absl::AsciiStrToLower(
      absl::StripAsciiWhitespace(tag.substr(0, tag.find('-'))));
  if (primary == "kk") return Language::kKazakh;
  if (primary == "ru") return Language::kRussian;
  if (primary == "en") return Language::kEnglish;
  return std::nullopt;
}

Language FromAcceptLanguage(absl::string_view header) {
  std::optional<Language> best;
  double best_q = 0;
  for (absl::string_view item : absl::StrSplit(header, ',')) {
    std::vector<absl::string_view> parts = absl::StrSplit(item, ';');
    const auto language = ParseLanguage(parts[0]);
    double q = 1;
    for (size_t i = 1; i < parts.size(); ++i) {
      absl::string_view p = absl::StripAsciiWhitespace(parts[i]);
      if (absl::ConsumePrefix(&p, "q=") && !absl::SimpleAtod(p, &q)) q = 0;
    }
    if (language && q > best_q) {
      best = language;
      best_q = q;
    }
  }
  return best.value_or(Language::kEnglish);
}

const char* Words::In(Language language) const {
  switch (language) {
    case Language::kRussian:
      return ru;
    case Language::kKazakh:
      return kk;
    case Language::kEnglish:
      break;
  }
  return en;
}

std::string FormatNumber(int64_t number, Language language) {
  const uint64_t magnitude = number < 0 ? 0 - static_cast<uint64_t>(number)
                                        : static_cast<uint64_t>(number);
  return absl::StrCat(number < 0 ? "-" : "",
                      Grouped(magnitude, GroupSeparator(language)));
}

std::string FormatMoney(int64_t cents, absl::string_view currency,
                        Language language) {
  const uint64_t magnitude = cents < 0 ? 0 - static_cast<uint64_t>(cents)
                                       : static_cast<uint64_t>(cents);
  const uint64_t fraction = magnitude % 100;
  return absl::StrCat(
      cents < 0 ? "-" : "", Grouped(magnitude / 100, GroupSeparator(language)),
      language == Language::kEnglish ? "." : ",", fraction < 10 ? "0" : "",
      fraction, currency.empty() ? "" : kNoBreakSpace, currency);
}

std::string FormatDay(absl::CivilDay day, Language language) {
  const int month = day.month() - 1;
  switch (language) {
    case Language::kRussian:
      return absl::StrCat(day.day(), kNoBreakSpace, kRussianMonths[month],
                          kNoBreakSpace, day.year(), kNoBreakSpace, "г.");
    case Language::kKazakh:
      return absl::StrCat(day.year(), kNoBreakSpace, "жылғы", kNoBreakSpace,
                          day.day(), kNoBreakSpace, kKazakhMonths[month]);
    case Language::kEnglish:
      break;
  }
  return absl::StrCat(day.day(), kNoBreakSpace, kEnglishMonths[month],
                      kNoBreakSpace, day.year());
}

Value Value::Money(int64_t cents, absl::string_view currency) {
  Value v;
  v.kind_ = Kind::kMoney;
  v.number_ = cents;
  v.text_ = std::string(currency);
  return v;
}

Value Value::Date(absl::CivilDay day) {
  Value v;
  v.kind_ = Kind::kDate;
  v.day_ = day;
  return v;
}

Value Value::Phrase(Text text) {
  Value v;
  v.kind_ = Kind::kPhrase;
  v.phrase_ = std::make_shared<const Text>(std::move(text));
  return v;
}

std::string Value::In(Language language) const {
  switch (kind_) {
    case Kind::kPhrase:
      return phrase_->In(language);
    case Kind::kNumber:
      return FormatNumber(number_, language);
    case Kind::kMoney:
      return FormatMoney(number_, text_, language);
    case Kind::kDate:
      return FormatDay(day_, language);
    case Kind::kText:
      break;
  }
  return text_;
}

Text::Text(const Words& words,
           std::initializer_list<std::pair<absl::string_view, Value>> values)
    : words_(&words) {
  for (const auto& [name, value] : values) values_.emplace_back(name, value);
}

std::string Text::In(Language language) const {
  // One pass, so a value holding "{x}" is never read as a placeholder.
  absl::string_view sentence = words_->In(language);
  std::string out;
  while (!sentence.empty()) {
    const size_t open = sentence.find('{');
    const size_t close = sentence.find('}', open);
    if (open == absl::string_view::npos || close == absl::string_view::npos) {
      absl::StrAppend(&out, sentence);
      break;
    }
    absl::StrAppend(&out, sentence.substr(0, open));
    const absl::string_view name = sentence.substr(open + 1, close - open - 1);
    bool filled = false;
    for (const auto& [n, value] : values_) {
      if (n == name) {
        absl::StrAppend(&out, value.In(language));
        filled = true;
        break;
      }
    }
    if (!filled) absl::StrAppend(&out, sentence.substr(open, close - open + 1));
    sentence.remove_prefix(close + 1);
  }
  return out;
}

std::vector<std::string> Placeholders(absl::string_view sentence) {
  std::vector<std::string> out;
  for (size_t open = sentence.find('{'); open != absl::string_view::npos;
       open = sentence.find('{', open + 1)) {
    const size_t close = sentence.find('}', open);
    if (close == absl::string_view::npos) break;
    out.emplace_back(sentence.substr(open + 1, close - open - 1));
  }
  return out;
}

}  // namespace mobility
