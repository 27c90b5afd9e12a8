// What the grants service's resources (quotes, grants, budgets, rates) share:
// checks of amounts and texts.
#ifndef MOBILITY_SERVICES_GRANTS_GRANTS_SUPPORT_H_
#define MOBILITY_SERVICES_GRANTS_GRANTS_SUPPORT_H_

#include <cstddef>
#include <functional>
#include <string>

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
// NOT_FOUND with `not_found`, the answer a missing resource gets, since even
// the existence of another institution's grants is not theirs to learn.
absl::Status CheckBudgetHolder(const std::string& institution,
                               const Principal& caller,
                               const absl::Status& not_found);

// A quote's amounts by budget heading (organisational support is the
// budget's, never a quote's).
HeadingCents QuoteHeadings(const v1::GrantQuote& quote);
// A required text of at most kMaxText characters.
void CheckText(const std::string& value, const std::string& field,
               Violations& v);
// An amount in EUR cents from 0 to kMaxCents.
void CheckEuros(const mobility::type::v1::Money& money,
                const std::string& field, Violations& v);

}  // namespace mobility::grants

#endif  // MOBILITY_SERVICES_GRANTS_GRANTS_SUPPORT_H_
