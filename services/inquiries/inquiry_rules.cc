#include "services/inquiries/inquiry_rules.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/types.h"
#include "services/inquiries/words.h"
#include "services/inquiries/working_calendar.h"

namespace mobility::inquiries {
namespace {

// 32 symbols with no 0, 1, I or O, so a code read aloud or copied by hand
// survives.
constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
static_assert(sizeof(kAlphabet) - 1 == 32);
constexpr int kCodeLength = 20;

int WeightedSum(absl::string_view digits, const int (&weights)[11]) {
  int sum = 0;
  for (int i = 0; i < 11; ++i) sum += (digits[i] - '0') * weights[i];
  return sum % 11;
}

}  // namespace

bool IsValidIdentificationNumber(absl::string_view number) {
  if (number.size() != 12 ||
      !std::all_of(number.begin(), number.end(), absl::ascii_isdigit)) {
    return false;
  }
  static constexpr int kFirst[11] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  static constexpr int kSecond[11] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};
  int check = WeightedSum(number, kFirst);
  if (check == 10) check = WeightedSum(number, kSecond);
  return check != 10 && check == number[11] - '0';
}

std::string NewTrackingCode() {
  unsigned char bytes[kCodeLength];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1)
    std::abort();  // No entropy: nothing safe to do.
  std::string code;
  for (int i = 0; i < kCodeLength; ++i) {
    if (i > 0 && i % 4 == 0) code.push_back('-');
    // 256 is a multiple of 32: every symbol equally likely.
    code.push_back(kAlphabet[bytes[i] % 32]);
  }
  return code;
}

std::string TrackingCodeHash(absl::string_view code) {
  std::string canonical;
  for (char c : code) {
    if (c != '-' && c != ' ') canonical.push_back(absl::ascii_toupper(c));
  }
  return Sha256Hex(canonical);
}

bool IsSupportedLanguage(absl::string_view language) {
  return language == "kk" || language == "ru" || language == "en";
}

namespace {

void CheckSize(absl::string_view field, absl::string_view value, int max,
               bool required, Violations& violations) {
  if (required && absl::StripAsciiWhitespace(value).empty()) {
    violations.Add(std::string(field), Text(common_words::REQUIRED));
  } else if (CharCount(value) > max) {
    violations.Add(std::string(field),
                   Text(words::LONGER_THAN, {{"max", max}}));
  }
}

// "+" and 7 to 15 digits (E.164), spaces and dashes allowed between.
bool IsPlausiblePhone(absl::string_view phone) {
  if (phone.empty() || phone[0] != '+') return false;
  int digits = 0;
  for (char c : phone.substr(1)) {
    if (absl::ascii_isdigit(c)) {
      ++digits;
    } else if (c != ' ' && c != '-') {
      return false;
    }
  }
  return digits >= 7 && digits <= 15;
}

// Lower case (ASCII), white space runs as one space, trimmed.
std::string Normalised(absl::string_view text) {
  std::vector<absl::string_view> words =
      absl::StrSplit(text, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty());
  return absl::AsciiStrToLower(absl::StrJoin(words, " "));
}

}  // namespace

void ValidateNewInquiry(const v1::Inquiry& inquiry, absl::CivilDay today,
                        Violations& violations) {
  if (inquiry.kind() == v1::INQUIRY_KIND_UNSPECIFIED ||
      !v1::InquiryKind_IsValid(inquiry.kind())) {
    violations.Add("inquiry.kind", Text(words::APPEAL_KIND));
  }
  CheckSize("inquiry.subject", inquiry.subject(), kMaxSubjectChars, true,
            violations);
  CheckSize("inquiry.text", inquiry.text(), kMaxTextChars, true, violations);
  if (!IsSupportedLanguage(inquiry.language()))
    violations.Add("inquiry.language", Text(common_words::PAGE_LANGUAGE));
  if (!inquiry.consent_to_processing()) {
    violations.Add("inquiry.consent_to_processing",
                   Text(words::CONSENT_PROCESSING));
  }
  const v1::Author& author = inquiry.author();
  CheckSize("inquiry.author.full_name", author.full_name(), kMaxFieldChars,
            false, violations);
  CheckSize("inquiry.author.postal_address", author.postal_address(),
            kMaxFieldChars, false, violations);
  CheckSize("inquiry.author.organization", author.organization(),
            kMaxFieldChars, false, violations);
  if (!author.email().empty() && !IsPlausibleEmail(author.email()))
    violations.Add("inquiry.author.email", Text(common_words::EMAIL));
  if (!author.phone().empty() && !IsPlausiblePhone(author.phone())) {
    violations.Add("inquiry.author.phone", Text(words::PHONE));
  }
  if (!author.iin().empty() && !IsValidIdentificationNumber(author.iin())) {
    violations.Add("inquiry.author.iin", Text(words::IDENTIFICATION_NUMBER));
  }
  if (!author.bin().empty()) {
    if (!IsValidIdentificationNumber(author.bin())) {
      violations.Add("inquiry.author.bin", Text(words::IDENTIFICATION_NUMBER));
    }
    if (author.organization().empty()) {
      violations.Add("inquiry.author.organization",
                     Text(words::BIN_ORGANIZATION));
    }
  }
  const bool oral =
      inquiry.channel() == v1::PHONE || inquiry.channel() == v1::IN_PERSON;
  if (oral) {
    CheckSize("inquiry.protocol", inquiry.protocol(), kMaxProtocolChars, true,
              violations);
  } else if (!inquiry.protocol().empty()) {
    violations.Add("inquiry.protocol", Text(words::PROTOCOL_ORAL_ONLY));
  }
  if (inquiry.kind() == v1::ADMINISTRATIVE_COMPLAINT) {
    if (!IsValidDate(inquiry.act_learned_date())) {
      violations.Add("inquiry.act_learned_date", Text(words::ACT_LEARNED_DATE));
    } else if (ToCivilDay(inquiry.act_learned_date()) > today) {
      violations.Add("inquiry.act_learned_date", Text(words::IN_THE_FUTURE));
    }
  } else if (inquiry.has_act_learned_date()) {
    violations.Add("inquiry.act_learned_date",
                   Text(words::ACT_LEARNED_DATE_COMPLAINT_ONLY));
  }
}

std::string NotConsideredReason(const v1::Inquiry& inquiry,
                                absl::CivilDay registration_date) {
  const v1::Author& author = inquiry.author();
  const bool reachable = !author.email().empty() || !author.phone().empty() ||
                         !author.postal_address().empty();
  if (absl::StripAsciiWhitespace(author.full_name()).empty() || !reachable) {
    return "anonymous appeal: no full name and contact of the author, so the "
           "law does not consider it (a report of a crime or a threat to "
           "public safety is passed on)";
  }
  if (inquiry.kind() == v1::ADMINISTRATIVE_COMPLAINT &&
      registration_date >
          WorkingCalendar::AddMonths(ToCivilDay(inquiry.act_learned_date()),
                                     kAdministrativeComplaintMonths)) {
    return "the complaint against an administrative act came more than 3 "
           "months after the author learned of the act";
  }
  return "";
}

std::string DuplicateKey(const v1::Inquiry& inquiry) {
  const v1::Author& a = inquiry.author();
  return Sha256Hex(
      absl::StrJoin({Normalised(a.full_name()), Normalised(a.email()),
                     Normalised(a.phone()), inquiry.addressee(),
                     Normalised(inquiry.subject()), Normalised(inquiry.text())},
                    "\x1f"));
}

bool IsOpen(v1::Inquiry::State state) {
  switch (state) {
    case v1::Inquiry::REGISTERED:
    case v1::Inquiry::ASSIGNED:
    case v1::Inquiry::IN_PROGRESS:
    case v1::Inquiry::WAITING_FOR_AUTHOR:
    case v1::Inquiry::REOPENED:
      return true;
    default:
      return false;
  }
}

v1::Inquiry::State AuthorVisibleState(v1::Inquiry::State state) {
  return state == v1::Inquiry::WAITING_FOR_AUTHOR ? v1::Inquiry::IN_PROGRESS
                                                  : state;
}

}  // namespace mobility::inquiries
