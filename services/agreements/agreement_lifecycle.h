// An agreement's life as partners lead it, with no I/O: approvals bound to the
// content hash, amendments while the approved revision stays in force,
// notice of termination and the day it takes effect, and what each caller may
// see.
#ifndef MOBILITY_SERVICES_AGREEMENTS_AGREEMENT_LIFECYCLE_H_
#define MOBILITY_SERVICES_AGREEMENTS_AGREEMENT_LIFECYCLE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "mobility/agreements/v1/agreements.pb.h"

namespace mobility::agreements {

// Recomputes content_hash, drops approvals of older content (earlier revisions
// keep them as evidence) and sets APPROVED when both partners approved the
// current hash, else AMENDED when an earlier revision is in force, else DRAFT.
// Requires a non-terminated agreement.
void SettleApprovalState(v1::Agreement& agreement);

// Records `principal`'s approval of `content_hash` for partner `institution`.
// ABORTED when the hash is stale, FAILED_PRECONDITION when terminated,
// INVALID_ARGUMENT when `institution` is not a partner, PERMISSION_DENIED
// unless the principal acts for that institution.
absl::Status Approve(v1::Agreement& agreement, absl::string_view institution,
                     absl::string_view content_hash, const Principal& principal,
                     absl::Time now);

// FAILED_PRECONDITION once terminated or under notice: drafts change, and
// agreements in force are amended.
absl::Status CheckEditable(const v1::Agreement& agreement);

// The day notice given on `notice` takes effect: 1 September of the next year
// when given on or before 1 September, else of the year after.
absl::CivilDay NoticeEffectiveDate(absl::CivilDay notice);

struct Termination {
  std::string institution;  // The partner giving notice.
  absl::CivilDay notice_date;
  std::string reason;
  bool immediately = false;
  bool mobility_took_place = false;
};
// Records notice (or, when no mobility took place and asked, an immediate
// end) on an agreement in force. PERMISSION_DENIED unless the principal acts
// for the partner giving notice.
absl::Status Terminate(v1::Agreement& agreement, const Termination& termination,
                       const Principal& principal, absl::Time now);

// TERMINATED once the notice's effective date has come.
void ApplyTerminationDate(v1::Agreement& agreement, absl::CivilDay today);

// FAILED_PRECONDITION unless new mobilities of academic year `year` may be
// allocated: the agreement is in force and the year begins before any
// termination takes effect.
absl::Status CheckOpenForYear(const v1::Agreement& agreement, int year);

// An agreement belongs to its two partners: true when `principal` acts for
// one of them (its staff or its system), or is one of our own services.
bool ReadsWhole(const v1::Agreement& agreement, const Principal& principal);

// OK when `principal` may change the agreement: it acts for one of its
// partners. Anyone else gets NOT_FOUND for a draft, whose existence is the
// partners' own, and PERMISSION_DENIED for an agreement the public sees.
absl::Status CheckPartner(const v1::Agreement& agreement,
                          const Principal& principal);

// Removes what only the partners' offices may see (signing contacts,
// approvers) for every other caller.
void RedactForCaller(v1::Agreement& agreement, const Principal& principal);

}  // namespace mobility::agreements

#endif  // MOBILITY_SERVICES_AGREEMENTS_AGREEMENT_LIFECYCLE_H_
