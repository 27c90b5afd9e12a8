// The agreements service's rules with no I/O: validation of institutions and
// agreements against DOMAIN.md, the content hash partners approve, and the
// approval lifecycle.
#ifndef MOBILITY_SERVICES_AGREEMENTS_AGREEMENT_RULES_H_
#define MOBILITY_SERVICES_AGREEMENTS_AGREEMENT_RULES_H_

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/auth.h"
#include "common/status.h"
#include "mobility/agreements/v1/agreements.pb.h"

namespace mobility::agreements {

namespace v1 = ::mobility::agreements::v1;

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

// Fills empty cooperation condition ids with "c1", "c2"... not yet used in the
// agreement.
void AssignConditionIds(v1::Agreement& agreement);

// SHA-256 of the content fields only: state, approvals, times and names do not
// change it.
std::string ContentHash(const v1::Agreement& agreement);

// Recomputes content_hash, drops approvals of older content and sets APPROVED
// when both partners approved the current hash, DRAFT otherwise. Requires a
// non-terminated agreement.
void SettleApprovalState(v1::Agreement& agreement);

// Records `principal`'s approval of `content_hash` for partner `institution`.
// ABORTED when the hash is stale, FAILED_PRECONDITION when terminated,
// INVALID_ARGUMENT when `institution` is not a partner.
absl::Status Approve(v1::Agreement& agreement, absl::string_view institution,
                     absl::string_view content_hash, const Principal& principal,
                     absl::Time now);

// FAILED_PRECONDITION unless the agreement's content may change (DRAFT).
absl::Status CheckEditable(const v1::Agreement& agreement);

// APPROVED -> TERMINATED; FAILED_PRECONDITION from any other state.
absl::Status Terminate(v1::Agreement& agreement, absl::string_view reason,
                       absl::Time now);

// Removes what only staff may see (signing contacts, approvers) for callers
// without a staff role.
void RedactForCaller(v1::Agreement& agreement, const Principal& principal);

}  // namespace mobility::agreements

#endif  // MOBILITY_SERVICES_AGREEMENTS_AGREEMENT_RULES_H_
