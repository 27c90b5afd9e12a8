#include "services/grants/grants_support.h"

#include "absl/strings/str_cat.h"
#include "common/common_words.h"
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
    v.Add(field, Text(common_words::REQUIRED));
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

absl::Status GrantNotFound(const std::string& name) {
  return Error(absl::StatusCode::kNotFound, "GRANT_NOT_FOUND",
               absl::StrCat("no grant ", name));
}

// The paying institution's office reads a grant, and so does its participant:
// an applicant whose subject is the participant reference.
absl::Status CheckReader(const v1::Grant& grant, const Principal& caller) {
  if (caller.Has(Role::kApplicant) &&
      grant.participant().reference() == caller.subject) {
    return absl::OkStatus();
  }
  return CheckBudgetHolder(grant.institution(), caller,
                           GrantNotFound(grant.name()));
}

// Only the paying institution's office (or our services) handles a grant;
// the grant of a selection is made, cancelled and settled by the
// applications service alone, so that place, grant and decision stay one.
absl::Status CheckHandler(absl::string_view method, const v1::Grant& grant,
                          const Principal& caller) {
  if (auto s = CheckBudgetHolder(grant.institution(), caller,
                                 GrantNotFound(grant.name()));
      !s.ok()) {
    return s;
  }
  if (!grant.application().empty() && !caller.IsInternal() &&
      (method == "SettleGrant" || method == "CancelGrant")) {
    return Error(absl::StatusCode::kPermissionDenied, "GRANT_OF_A_SELECTION",
                 absl::StrCat("the grant of ", grant.application(),
                              " follows its application: complete or cancel "
                              "the application instead"));
  }
  return absl::OkStatus();
}

HeadingCents Plus(HeadingCents a, const HeadingCents& b, int sign) {
  a.travel += sign * b.travel;
  a.individual += sign * b.individual;
  a.organisational += sign * b.organisational;
  a.inclusion += sign * b.inclusion;
  return a;
}

int64_t Total(const HeadingCents& h) {
  return h.travel + h.individual + h.organisational + h.inclusion;
}

// What agreeing the grant commits: its own amounts and the organisational
// support per participant.
HeadingCents Commitment(const v1::Grant& grant, const v1::Budget& budget) {
  HeadingCents c = QuoteHeadings(grant.quote());
  c.organisational =
      budget.organisational_support_per_participant().amount_minor();
  return c;
}

absl::Status CheckRoom(const BudgetRow& row, const HeadingCents& committed) {
  const auto& allocated = row.budget.allocated();
  const std::pair<const char*, std::pair<int64_t, int64_t>> headings[] = {
      {"travel", {committed.travel, allocated.travel().amount_minor()}},
      {"individual support",
       {committed.individual, allocated.individual_support().amount_minor()}},
      {"organisational support",
       {committed.organisational,
        allocated.organisational_support().amount_minor()}},
      {"inclusion support",
       {committed.inclusion, allocated.inclusion_support().amount_minor()}},
  };
  for (const auto& [name, amounts] : headings) {
    if (amounts.first > amounts.second) {
      return Error(
          absl::StatusCode::kFailedPrecondition, "BUDGET_EXCEEDED",
          absl::StrCat("the budget's ", name, " heading would be exceeded: ",
                       FormatCents(amounts.first), " EUR committed of ",
                       FormatCents(amounts.second), " EUR allocated"));
    }
  }
  return absl::OkStatus();
}

// The ledger never pays out more than the grant, nor takes back more than was
// paid.
absl::Status CheckLedger(int64_t ledger_sum, int64_t grant_total) {
  if (ledger_sum < 0 || ledger_sum > grant_total) {
    return Error(
        absl::StatusCode::kFailedPrecondition, "LEDGER_OUT_OF_BOUNDS",
        absl::StrCat("paid and pending would be ", FormatCents(ledger_sum),
                     " EUR, outside 0 to the grant's ",
                     FormatCents(grant_total), " EUR"));
  }
  return absl::OkStatus();
}

HeadingCents LedgerSum(const std::vector<PaymentRow>& payments) {
  HeadingCents sum;
  for (const auto& p : payments) sum = Plus(sum, p.split);
  return sum;
}

// Amount the grant currently stands at: the settled amount once settled.
int64_t GrantAmount(const v1::Grant& grant) {
  return grant.has_final_quote() ? grant.final_quote().total().amount_minor()
                                 : grant.quote().total().amount_minor();
}

absl::Status WrongState(const v1::Grant& grant, absl::string_view wanted) {
  return Error(
      absl::StatusCode::kFailedPrecondition, "WRONG_GRANT_STATE",
      absl::StrCat("the grant is ", v1::Grant::State_Name(grant.state()),
                   "; this needs ", wanted));
}

}  // namespace mobility::grants
