// What registering an appeal needs besides the calendar, with no I/O: the
// Kazakh individual and business identification numbers (IIN, BIN), the
// registration number, and the secret tracking code the author reads the
// inquiry with, kept only as a hash.
#ifndef MOBILITY_SERVICES_INQUIRIES_INQUIRY_RULES_H_
#define MOBILITY_SERVICES_INQUIRIES_INQUIRY_RULES_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace mobility::inquiries {

// Twelve digits whose last is the check digit: the weighted sum of the first
// eleven (weights 1 to 11) modulo 11, or, when that is 10, the sum with weights
// 3 to 11, 1, 2 modulo 11; a number whose second sum is 10 too is never
// issued. IIN and BIN share the rule.
bool IsValidIdentificationNumber(absl::string_view number);

// "2026-000123": the year and the year's sequence, at least six digits.
std::string RegistrationNumber(int year, int64_t sequence);

// A new tracking code, 20 characters of an alphabet without look-alikes in
// groups of four ("K7QM-...."), from the system's random source.
std::string NewTrackingCode();

// What is stored of a tracking code: the SHA-256 of its canonical form (upper
// case, no separators), so a code typed in lower case or without dashes still
// matches.
std::string TrackingCodeHash(absl::string_view code);

}  // namespace mobility::inquiries

#endif  // MOBILITY_SERVICES_INQUIRIES_INQUIRY_RULES_H_
