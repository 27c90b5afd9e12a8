// The office's handling of an inquiry (Arts. 65, 76): assignment, work, the
// internal wait for the author, public replies and internal notes, the
// reasoned answer, forwarding to the competent body, extension by the
// rector's office, closing; and the handlers' queue by legal due date.
#ifndef MOBILITY_SERVICES_INQUIRIES_HANDLING_H_
#define MOBILITY_SERVICES_INQUIRIES_HANDLING_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/call.h"
#include "common/transactor.h"
#include "services/inquiries/directory.h"
#include "services/inquiries/inquiries_store.h"
#include "services/inquiries/notices.h"
#include "services/inquiries/settings.h"

namespace mobility::inquiries {

class Handling {
 public:
  Handling(Transactor<InquiriesStore>* store, InquiriesReads* reads,
           const Settings* settings, CalendarCache* calendars)
      : store_(store),
        reads_(reads),
        settings_(settings),
        calendars_(calendars) {}

  void GetInquiry(const v1::GetInquiryRequest& request, const CallContext& call,
                  Then<v1::Inquiry> reply);
  void ListInquiries(const v1::ListInquiriesRequest& request,
                     const CallContext& call,
                     Then<v1::ListInquiriesResponse> reply);
  absl::StatusOr<v1::Inquiry> AssignInquiry(
      const v1::AssignInquiryRequest& request, const CallContext& call);
  absl::StatusOr<v1::Inquiry> StartInquiry(
      const v1::StartInquiryRequest& request, const CallContext& call);
  absl::StatusOr<v1::Inquiry> WaitForAuthor(
      const v1::WaitForAuthorRequest& request, const CallContext& call);
  absl::StatusOr<v1::Inquiry> AddMessage(const v1::AddMessageRequest& request,
                                         const CallContext& call);
  absl::StatusOr<v1::Inquiry> AnswerInquiry(
      const v1::AnswerInquiryRequest& request, const CallContext& call);
  absl::StatusOr<v1::Inquiry> ForwardInquiry(
      const v1::ForwardInquiryRequest& request, const CallContext& call);
  absl::StatusOr<v1::Inquiry> RequestExtension(
      const v1::RequestExtensionRequest& request, const CallContext& call);
  absl::StatusOr<v1::Inquiry> ExtendInquiry(
      const v1::ExtendInquiryRequest& request, const CallContext& call);
  absl::StatusOr<v1::Inquiry> DeclineExtension(
      const v1::DeclineExtensionRequest& request, const CallContext& call);
  absl::StatusOr<v1::Inquiry> CloseInquiry(
      const v1::CloseInquiryRequest& request, const CallContext& call);
  absl::StatusOr<v1::Inquiry> MarkAsReport(
      const v1::MarkAsReportRequest& request, const CallContext& call);

 private:
  // One change in the making: `apply` edits `inquiry` and says what it did.
  struct Step {
    InquiriesStore& store;
    v1::Inquiry& inquiry;
    absl::Time now;
    std::string action;
    std::string detail;
    std::optional<NoticeKind> notice;
  };
  // Locks the inquiry `name`, checks `etag` and that its state is one of
  // `from`, runs `apply`, then stamps, saves, records and notifies; once per
  // `request_id`. Returns the whole inquiry.
  template <typename Request>
  absl::StatusOr<v1::Inquiry> Change(
      const std::string& method, const Request& request,
      const std::string& name, const std::string& etag,
      const std::string& request_id, std::set<v1::Inquiry::State> from,
      const CallContext& call, const std::function<absl::Status(Step&)>& apply);

  Transactor<InquiriesStore>* store_;
  InquiriesReads* reads_;
  const Settings* settings_;
  CalendarCache* calendars_;
};

}  // namespace mobility::inquiries

#endif  // MOBILITY_SERVICES_INQUIRIES_HANDLING_H_
