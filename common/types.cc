#include "common/types.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"

namespace mobility {

bool IsValidDate(const type::v1::Date& date) {
  if (date.year() < 1900 || date.year() > 2200) return false;
  const absl::CivilDay day(date.year(), date.month(), date.day());
  // CivilDay normalizes 31 April into 1 May: a real date survives unchanged.
  return day.year() == date.year() && day.month() == date.month() &&
         day.day() == date.day();
}

absl::CivilDay ToCivilDay(const type::v1::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

type::v1::Date ToDate(absl::CivilDay day) {
  type::v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

std::string FormatDate(const type::v1::Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(),
                         date.day());
}

type::v1::Money Euros(int64_t cents) {
  type::v1::Money money;
  money.set_currency_code("EUR");
  money.set_amount_minor(cents);
  return money;
}

std::string FormatCents(int64_t cents) {
  return absl::StrFormat("%s%d.%02d", cents < 0 ? "-" : "",
                         std::llabs(cents) / 100, std::llabs(cents) % 100);
}

std::optional<int64_t> ParseFixedDecimal(absl::string_view text,
                                         int fraction_digits) {
  const size_t dot = text.find('.');
  const absl::string_view whole = text.substr(0, dot);
  const absl::string_view fraction =
      dot == absl::string_view::npos ? "" : text.substr(dot + 1);
  const auto digits = [](absl::string_view d) {
    return std::all_of(d.begin(), d.end(), absl::ascii_isdigit);
  };
  if (whole.empty() || whole.size() > 9 || !digits(whole) ||
      (dot != absl::string_view::npos && fraction.empty()) ||
      static_cast<int>(fraction.size()) > fraction_digits ||
      !digits(fraction)) {
    return std::nullopt;
  }
  int64_t value = 0;
  for (char c : whole) value = value * 10 + (c - '0');
  for (int i = 0; i < fraction_digits; ++i) {
    value = value * 10 +
            (i < static_cast<int>(fraction.size()) ? fraction[i] - '0' : 0);
  }
  return value;
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixMicros(ToMicros(timestamp));
}

std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", FromTimestamp(timestamp),
                          absl::UTCTimeZone());
}

int64_t ToMicros(const google::protobuf::Timestamp& timestamp) {
  return google::protobuf::util::TimeUtil::TimestampToMicroseconds(timestamp);
}

google::protobuf::Timestamp FromMicros(int64_t micros) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(micros);
}

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  return FromMicros(absl::ToUnixMicros(time));
}

absl::Time TruncatedNow(const Clock& clock) {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock()));
}

}  // namespace mobility
