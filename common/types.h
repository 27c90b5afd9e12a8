// Helpers for the shared mobility.type.v1 messages: calendar dates and money in
// minor units.
#ifndef MOBILITY_COMMON_TYPES_H_
#define MOBILITY_COMMON_TYPES_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "mobility/type/v1/types.pb.h"

namespace mobility {

// A real calendar date between the years 1900 and 2200.
bool IsValidDate(const type::v1::Date& date);
// Requires IsValidDate.
absl::CivilDay ToCivilDay(const type::v1::Date& date);
type::v1::Date ToDate(absl::CivilDay day);
// "2025-09-01".
std::string FormatDate(const type::v1::Date& date);

type::v1::Money Euros(int64_t cents);
// "1234.56": cents as a decimal amount, exactly.
std::string FormatCents(int64_t cents);

}  // namespace mobility

#endif  // MOBILITY_COMMON_TYPES_H_
