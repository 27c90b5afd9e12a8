// What the grants service's resources (quotes, grants, budgets, rates) share:
// checks of amounts and texts.
#ifndef MOBILITY_SERVICES_GRANTS_GRANTS_SUPPORT_H_
#define MOBILITY_SERVICES_GRANTS_GRANTS_SUPPORT_H_

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/status.h"
#include "common/types.h"
#include "mobility/grants/v1/grants.pb.h"
#include "services/grants/grant_rules.h"
#include "services/grants/grants_store.h"

namespace mobility::grants {

inline constexpr size_t kMaxText = 200;

// Grants, payments and budgets belong to the institution whose budget pays
// them (`institution`): OK for our own services and for that institution's
// office (coordinators, finance, admins, its system). Anyone else gets
// `not_found()`, the answer a missing resource gets, since even the existence
// of another institution's grants is not theirs to learn; it is made only
// then, not on every allowed read.
absl::Status CheckBudgetHolder(const std::string& institution,
                               const Principal& caller,
                               absl::FunctionRef<absl::Status()> not_found);

// A quote's amounts by budget heading (organisational support is the
// budget's, never a quote's).
HeadingCents QuoteHeadings(const v1::GrantQuote& quote);
// A required text of at most kMaxText characters.
void CheckText(const std::string& value, const std::string& field,
               Violations& v);
// An amount in EUR cents from 0 to kMaxCents.
void CheckEuros(const mobility::type::v1::Money& money,
                const std::string& field, Violations& v);

// Grants and their payments: who reads and handles them, and their sums.
absl::Status GrantNotFound(const std::string& name);

// The paying institution's office reads a grant, and so does its participant:
// an applicant whose subject is the participant reference.
absl::Status CheckReader(const v1::Grant& grant, const Principal& caller);

// Only the paying institution's office (or our services) handles a grant;
// the grant of a selection is made, cancelled and settled by the
// applications service alone, so that place, grant and decision stay one.
absl::Status CheckHandler(absl::string_view method, const v1::Grant& grant,
                          const Principal& caller);

HeadingCents Plus(HeadingCents a, const HeadingCents& b, int sign = 1);

int64_t Total(const HeadingCents& h);

// What agreeing the grant commits: its own amounts and the organisational
// support per participant.
HeadingCents Commitment(const v1::Grant& grant, const v1::Budget& budget);

absl::Status CheckRoom(const BudgetRow& row, const HeadingCents& committed);

// The ledger never pays out more than the grant, nor takes back more than was
// paid.
absl::Status CheckLedger(int64_t ledger_sum, int64_t grant_total);

HeadingCents LedgerSum(const std::vector<PaymentRow>& payments);

// Amount the grant currently stands at: the settled amount once settled.
int64_t GrantAmount(const v1::Grant& grant);

absl::Status WrongState(const v1::Grant& grant, absl::string_view wanted);

}  // namespace mobility::grants

#endif  // MOBILITY_SERVICES_GRANTS_GRANTS_SUPPORT_H_
