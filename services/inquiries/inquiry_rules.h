// What registering an appeal needs besides the calendar, with no I/O: the
// Kazakh individual and business identification numbers (IIN, BIN), the
// registration number, and the secret tracking code the author reads the
// inquiry with, kept only as a hash.
#ifndef MOBILITY_SERVICES_INQUIRIES_INQUIRY_RULES_H_
#define MOBILITY_SERVICES_INQUIRIES_INQUIRY_RULES_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/api.h"
#include "common/status.h"
#include "mobility/inquiries/v1/inquiries.pb.h"

namespace mobility::inquiries {

// Twelve digits whose last is the check digit: the weighted sum of the first
// eleven (weights 1 to 11) modulo 11, or, when that is 10, the sum with weights
// 3 to 11, 1, 2 modulo 11; a number whose second sum is 10 too is never
// issued. IIN and BIN share the rule.
bool IsValidIdentificationNumber(absl::string_view number);

// A new tracking code, 20 characters of an alphabet without look-alikes in
// groups of four ("K7QM-...."), from the system's random source.
std::string NewTrackingCode();

// What is stored of a tracking code: the SHA-256 of its canonical form (upper
// case, no separators), so a code typed in lower case or without dashes still
// matches.
std::string TrackingCodeHash(absl::string_view code);

// The addressee that is not an office.
inline constexpr absl::string_view kRector = "rector";
// Sizes the public form takes, in characters.
inline constexpr int kMaxSubjectChars = 200;
inline constexpr int kMaxTextChars = 10000;
inline constexpr int kMaxProtocolChars = 20000;
inline constexpr int kMaxFieldChars = 500;
// A complaint against an administrative act is filed within 3 months of
// learning of it (Art. 91).
inline constexpr int kAdministrativeComplaintMonths = 3;

// kk, ru or en.
bool IsSupportedLanguage(absl::string_view language);

// Adds a violation, under `prefix` (e.g. "inquiry."), for every field of a new
// appeal that is malformed: kind, subject and text and their sizes, language,
// consent to processing, the author's contacts and IIN or BIN, the protocol
// of an oral appeal, the date an administrative act was learned of (not after
// `today`). The addressee and the channel are the caller's to check.
void ValidateNewInquiry(const v1::Inquiry& inquiry, absl::CivilDay today,
                        Violations& violations);

// Why the law does not consider an appeal registered on `registration_date`,
// or "" when it does: no identifiable author (a full name and a way to reach
// them), or an administrative complaint filed after its 3 months.
std::string NotConsideredReason(const v1::Inquiry& inquiry,
                                absl::CivilDay registration_date);

// What makes two submissions the same appeal: the author's name and contacts
// and the text, compared without case and runs of white space.
std::string DuplicateKey(const v1::Inquiry& inquiry);

// States in which the office still owes a decision.
bool IsOpen(v1::Inquiry::State state);
// The state as the author sees it: WAITING_FOR_AUTHOR is the office's own.
v1::Inquiry::State AuthorVisibleState(v1::Inquiry::State state);

// The whole minutes, rounded up, a reader is told to wait before trying again.
inline int64_t WholeMinutes(absl::Duration wait) {
  return absl::ToInt64Minutes(absl::Ceil(wait, absl::Minutes(1)));
}

}  // namespace mobility::inquiries

#endif  // MOBILITY_SERVICES_INQUIRIES_INQUIRY_RULES_H_
