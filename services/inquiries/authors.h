// The author's side, without an account: the registration number and the
// tracking code open the inquiry, its public replies and the answer, and let
// the author reply. Internal notes and the office's internal state never
// reach this view.
#ifndef MOBILITY_SERVICES_INQUIRIES_AUTHORS_H_
#define MOBILITY_SERVICES_INQUIRIES_AUTHORS_H_

#include "absl/status/statusor.h"
#include "common/call.h"
#include "common/transactor.h"
#include "services/inquiries/inquiries_store.h"
#include "services/inquiries/settings.h"

namespace mobility::inquiries {

// How long after the answer the author's reply reopens the inquiry.
inline constexpr absl::Duration kReopenPeriod = absl::Hours(24 * 30);

class Authors {
 public:
  Authors(Transactor<InquiriesStore>* store, const Settings* settings)
      : store_(store), settings_(settings) {}

  absl::StatusOr<v1::TrackedInquiry> TrackInquiry(
      const v1::TrackInquiryRequest& request, const CallContext& call);
  absl::StatusOr<v1::TrackedInquiry> ReplyToInquiry(
      const v1::ReplyToInquiryRequest& request, const CallContext& call);

 private:
  Transactor<InquiriesStore>* store_;
  const Settings* settings_;
};

}  // namespace mobility::inquiries

#endif  // MOBILITY_SERVICES_INQUIRIES_AUTHORS_H_
