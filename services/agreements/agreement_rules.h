// The agreements service's rules with no I/O: validation of institutions and
// agreements against DOMAIN.md and the content hash partners approve. The
// approval lifecycle is in agreement_lifecycle.h.
#ifndef MOBILITY_SERVICES_AGREEMENTS_AGREEMENT_RULES_H_
#define MOBILITY_SERVICES_AGREEMENTS_AGREEMENT_RULES_H_

#include <map>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/status.h"
#include "mobility/agreements/v1/agreements.pb.h"

namespace mobility::agreements {

// Adds a violation for each invalid field of `institution`, named under
// `prefix`.
void ValidateInstitution(const v1::Institution& institution,
                         absl::string_view prefix, Violations& violations);

// Validates every content field of `agreement`. `partner_countries` maps the
// institution names that exist to their country codes; a partner missing from
// it is reported as unknown.
void ValidateAgreement(
    const v1::Agreement& agreement,
    const std::map<std::string, std::string>& partner_countries,
    absl::string_view prefix, Violations& violations);

// The clarification of a subject area says more than the official ISCED-F
// 2013 name of its code (`isced_names`, by code), never the name again, in any
// case (EWP IIA v7).
void ValidateIscedClarifications(
    const v1::Agreement& agreement,
    const std::map<std::string, std::string>& isced_names,
    absl::string_view prefix, Violations& violations);

// Fills empty cooperation condition ids with "c1", "c2"... not yet used in the
// agreement.
void AssignConditionIds(v1::Agreement& agreement);

// SHA-256 of the content fields only: state, approvals, times and names do not
// change it.
std::string ContentHash(const v1::Agreement& agreement);

// First and last academic year (first calendar years) a condition covers.
std::pair<int, int> ConditionYears(const v1::Agreement& agreement,
                                   const v1::CooperationCondition& condition);

}  // namespace mobility::agreements

#endif  // MOBILITY_SERVICES_AGREEMENTS_AGREEMENT_RULES_H_
