#include "services/inquiries/inquiry_record.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/status.h"
#include "common/types.h"
#include "services/inquiries/words.h"

namespace mobility::inquiries {

bool SeesOffice(const Principal& principal, const std::string& office) {
  if (principal.offices.empty() || principal.Has(Role::kRectorOffice) ||
      principal.Has(Role::kAdmin)) {
    return true;
  }
  return std::find(principal.offices.begin(), principal.offices.end(),
                   office) != principal.offices.end();
}

absl::Status CheckOffice(const Principal& principal,
                         const std::string& office) {
  if (SeesOffice(principal, office)) return absl::OkStatus();
  return Error(absl::StatusCode::kPermissionDenied, "OTHER_OFFICE",
               absl::StrCat(office, " is not among the offices you handle"),
               Text(words::OTHER_OFFICE));
}

void Stamp(v1::Inquiry& inquiry, absl::Time now) {
  *inquiry.mutable_update_time() = ToTimestamp(now);
  inquiry.set_etag(Etag(inquiry.name(), absl::ToUnixMicros(now)));
}

absl::Status AppendHistory(InquiriesStore& store, const v1::Inquiry& inquiry,
                           absl::Time now, const std::string& actor,
                           const std::string& action,
                           const std::string& detail) {
  v1::HistoryEntry entry;
  *entry.mutable_time() = ToTimestamp(now);
  entry.set_actor(actor);
  entry.set_action(action);
  entry.set_state(inquiry.state());
  entry.set_detail(detail);
  return store.AppendHistory(ResourceIdOf(inquiry.name()), entry);
}

absl::Status Notify(InquiriesStore& store, NoticeKind kind,
                    const v1::Inquiry& inquiry, const Settings& settings,
                    absl::Time now, const std::string& tracking_code,
                    bool* queued) {
  auto notice = NoticeFor(kind, inquiry, settings.public_url, tracking_code);
  if (queued != nullptr) *queued = notice.has_value();
  if (!notice) return absl::OkStatus();
  return store.EnqueueNotice(*notice, now);
}

absl::Status InquiryNotFound(const std::string& name) {
  return Error(absl::StatusCode::kNotFound, "INQUIRY_NOT_FOUND",
               absl::StrCat("no inquiry ", name),
               Text(words::INQUIRY_NOT_FOUND));
}

}  // namespace mobility::inquiries
