#include "services/grants/grants_support.h"

#include "absl/strings/str_cat.h"
#include "common/types.h"

namespace mobility::grants {

absl::Status CheckBudgetHolder(const std::string& institution,
                               const Principal& caller,
                               const absl::Status& not_found) {
  if (caller.IsInternal() || caller.IsOfficeOf(institution))
    return absl::OkStatus();
  return not_found;
}

HeadingCents QuoteHeadings(const v1::GrantQuote& quote) {
  return {HeadingTotal(quote, v1::LineItem::TRAVEL),
          HeadingTotal(quote, v1::LineItem::INDIVIDUAL_SUPPORT), 0,
          HeadingTotal(quote, v1::LineItem::INCLUSION_SUPPORT)};
}

void CheckText(const std::string& value, const std::string& field,
               Violations& v) {
  if (value.empty()) {
    v.Add(field, "is required");
  } else if (value.size() > kMaxText) {
    v.Add(field, absl::StrCat("must be at most ", kMaxText, " characters"));
  }
}

void CheckEuros(const mobility::type::v1::Money& money,
                const std::string& field, Violations& v) {
  if (money.currency_code() != "EUR" || money.amount_minor() < 0 ||
      money.amount_minor() > kMaxCents) {
    v.Add(field, absl::StrCat("must be an amount in EUR cents from 0 to ",
                              FormatCents(kMaxCents), " EUR"));
  }
}

}  // namespace mobility::grants
