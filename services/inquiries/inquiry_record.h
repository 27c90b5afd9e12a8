// How every change to an inquiry is written: stamped with a new etag, its
// history entry appended, and the author's notice put in the outbox, all in
// the transaction of the change.
#ifndef MOBILITY_SERVICES_INQUIRIES_INQUIRY_RECORD_H_
#define MOBILITY_SERVICES_INQUIRIES_INQUIRY_RECORD_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "services/inquiries/inquiries_store.h"
#include "services/inquiries/notices.h"
#include "services/inquiries/settings.h"

namespace mobility::inquiries {

// Who acts, as history names them: the author (never by name), the web form,
// or the staff member's subject.
inline constexpr char kAuthorActor[] = "author";
inline constexpr char kWebActor[] = "web";

// Inquiry handlers and admins of the institution the appeals are addressed
// to: who handles appeals and sees them whole.
inline bool IsInquiryStaff(const Principal& principal,
                           const std::string& institution) {
  return (principal.Has(Role::kInquiryHandler) ||
          principal.Has(Role::kAdmin)) &&
         principal.ActsFor(institution);
}

// Whether `principal` may see and handle the inquiries of `office` ("" while
// unassigned): the rector's office and admins see all, and so do handlers
// whose token names no office; a handler limited to offices sees theirs.
bool SeesOffice(const Principal& principal, const std::string& office);

// PERMISSION_DENIED OTHER_OFFICE unless `principal` sees `office`.
absl::Status CheckOffice(const Principal& principal, const std::string& office);

void Stamp(v1::Inquiry& inquiry, absl::Time now);
absl::Status AppendHistory(InquiriesStore& store, const v1::Inquiry& inquiry,
                           absl::Time now, const std::string& actor,
                           const std::string& action,
                           const std::string& detail = "");
// Queues the notice of `kind`, when the author gave an e-mail; `*queued`, when
// given, says whether one was.
absl::Status Notify(InquiriesStore& store, NoticeKind kind,
                    const v1::Inquiry& inquiry, const Settings& settings,
                    absl::Time now, const std::string& tracking_code = "",
                    bool* queued = nullptr);

// The one answer for an inquiry that does not exist or may not be seen.
absl::Status InquiryNotFound(const std::string& name);

}  // namespace mobility::inquiries

#endif  // MOBILITY_SERVICES_INQUIRIES_INQUIRY_RECORD_H_
