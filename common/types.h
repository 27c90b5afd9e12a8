// Helpers for the shared mobility.type.v1 messages: calendar dates and money in
// minor units.
#ifndef MOBILITY_COMMON_TYPES_H_
#define MOBILITY_COMMON_TYPES_H_

#include <google/protobuf/timestamp.pb.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "mobility/type/v1/types.pb.h"

namespace mobility {

// A real calendar date between the years 1900 and 2200.
bool IsValidDate(const type::v1::Date& date);
// Requires IsValidDate.
absl::CivilDay ToCivilDay(const type::v1::Date& date);
type::v1::Date ToDate(absl::CivilDay day);
// "2025-09-01".
std::string FormatDate(const type::v1::Date& date);

// Where domain logic reads the time, so tests can set it.
using Clock = std::function<absl::Time()>;
// Now by `clock`, truncated to the microsecond the database keeps.
absl::Time TruncatedNow(const Clock& clock);

// Timestamps as integer microseconds since the epoch, exact both ways.
int64_t ToMicros(const google::protobuf::Timestamp& timestamp);
google::protobuf::Timestamp FromMicros(int64_t micros);
google::protobuf::Timestamp ToTimestamp(absl::Time time);
absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp);
// A non-negative decimal of at most 9 whole digits and at most
// `fraction_digits` after the point ("12.50", "7.5", "10"), scaled to an
// integer (12.50 with 2 digits is 1250); nullopt for anything else ("1e1",
// "-3", ".5", "5.").
std::optional<int64_t> ParseFixedDecimal(absl::string_view text,
                                         int fraction_digits);

// RFC 3339 in UTC, e.g. "2026-11-28T21:12:33Z", for messages.
std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp);

// The largest amount the system takes in: 100,000,000.00 EUR (1e10 cents).
// Every amount entering the grant arithmetic is at most this, and the
// arithmetic multiplies by at most 60 days x 1000 per mille and adds a handful
// of lines, so no intermediate value passes 1e15, far inside int64 (9.2e18):
// the cap on the way in is what keeps every sum and product exact.
inline constexpr int64_t kMaxCents = 10'000'000'000;

type::v1::Money Euros(int64_t cents);
// "1234.56": cents as a decimal amount, exactly.
std::string FormatCents(int64_t cents);

}  // namespace mobility

#endif  // MOBILITY_COMMON_TYPES_H_
