#include "services/grants/grants_support.h"

#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/types.h"
#include "services/grants/words.h"

namespace mobility::grants {

absl::Status CheckBudgetHolder(const std::string& institution,
                               const Principal& caller,
                               absl::FunctionRef<absl::Status()> not_found) {
  if (caller.IsInternal() || caller.IsOfficeOf(institution))
    return absl::OkStatus();
  return not_found();
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
  } else if (CharCount(value) > static_cast<int>(kMaxText)) {
    v.Add(field, Text(common_words::AT_MOST_CHARACTERS,
                      {{"max", static_cast<int64_t>(kMaxText)}}));
  }
}

void CheckEuros(const mobility::type::v1::Money& money,
                const std::string& field, Violations& v) {
  if (money.currency_code() != "EUR" || money.amount_minor() < 0 ||
      money.amount_minor() > kMaxCents) {
    v.Add(field,
          Text(words::EUR_CENTS, {{"max", Value::Money(kMaxCents, "EUR")}}));
  }
}

absl::Status GrantNotFound(const std::string& name) {
  return Error(absl::StatusCode::kNotFound, "GRANT_NOT_FOUND",
               absl::StrCat("no grant ", name), Text(words::GRANT_NOT_FOUND));
}

// The paying institution's office reads a grant, and so does its participant:
// an applicant whose subject is the participant reference.
absl::Status CheckReader(const v1::Grant& grant, const Principal& caller) {
  if (caller.Has(Role::kApplicant) &&
      grant.participant().reference() == caller.subject) {
    return absl::OkStatus();
  }
  return CheckBudgetHolder(grant.institution(), caller,
                           [&] { return GrantNotFound(grant.name()); });
}

// Only the paying institution's office (or our services) handles a grant;
// the grant of a selection is made, cancelled and settled by the
// applications service alone, so that place, grant and decision stay one.
absl::Status CheckHandler(absl::string_view method, const v1::Grant& grant,
                          const Principal& caller) {
  if (auto s = CheckBudgetHolder(grant.institution(), caller,
                                 [&] { return GrantNotFound(grant.name()); });
      !s.ok()) {
    return s;
  }
  if (!grant.application().empty() && !caller.IsInternal() &&
      (method == "SettleGrant" || method == "CancelGrant")) {
    return Error(absl::StatusCode::kPermissionDenied, "GRANT_OF_A_SELECTION",
                 absl::StrCat("the grant of ", grant.application(),
                              " follows its application: complete or cancel "
                              "the application instead"),
                 Text(words::GRANT_OF_A_SELECTION));
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
  const std::pair<const Words*, std::pair<int64_t, int64_t>> headings[] = {
      {&words::HEADING_TRAVEL,
       {committed.travel, allocated.travel().amount_minor()}},
      {&words::HEADING_INDIVIDUAL,
       {committed.individual, allocated.individual_support().amount_minor()}},
      {&words::HEADING_ORGANISATIONAL,
       {committed.organisational,
        allocated.organisational_support().amount_minor()}},
      {&words::HEADING_INCLUSION,
       {committed.inclusion, allocated.inclusion_support().amount_minor()}},
  };
  for (const auto& [heading, amounts] : headings) {
    if (amounts.first > amounts.second) {
      return Error(absl::StatusCode::kFailedPrecondition, "BUDGET_EXCEEDED",
                   Text(words::BUDGET_EXCEEDED,
                        {{"heading", Value::Phrase(Text(*heading))},
                         {"committed", Value::Money(amounts.first, "EUR")},
                         {"allocated", Value::Money(amounts.second, "EUR")}}));
    }
  }
  return absl::OkStatus();
}

// The ledger never pays out more than the grant, nor takes back more than was
// paid.
absl::Status CheckLedger(int64_t ledger_sum, int64_t grant_total) {
  if (ledger_sum < 0 || ledger_sum > grant_total) {
    return Error(absl::StatusCode::kFailedPrecondition, "LEDGER_OUT_OF_BOUNDS",
                 Text(words::LEDGER_OUT_OF_BOUNDS,
                      {{"sum", Value::Money(ledger_sum, "EUR")},
                       {"total", Value::Money(grant_total, "EUR")}}));
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
                   "; this needs ", wanted),
      Text(words::GRANT_STATE));
}

}  // namespace mobility::grants
