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
// Lookups by number and code that found nothing, per client address and
// hour: guessing codes is throttled, whoever guesses.
inline constexpr int kFailedLookupsPerHour = 30;

class Authors {
 public:
  Authors(Transactor<InquiriesStore>* store, const Settings* settings)
      : store_(store), settings_(settings) {}

  absl::StatusOr<v1::TrackedInquiry> TrackInquiry(
      const v1::TrackInquiryRequest& request, const CallContext& call);
  absl::StatusOr<v1::TrackedInquiry> ReplyToInquiry(
      const v1::ReplyToInquiryRequest& request, const CallContext& call);

 private:
  // RESOURCE_EXHAUSTED once the client's failed lookups reached the limit.
  absl::Status CheckLookups(const CallContext& call) const;
  // `result` as it is, a failed lookup counted first (in a transaction of
  // its own: the failed call commits nothing else).
  template <typename T>
  absl::StatusOr<T> CountingFailure(absl::StatusOr<T> result,
                                    const CallContext& call) const;

  Transactor<InquiriesStore>* store_;
  const Settings* settings_;
};

}  // namespace mobility::inquiries

#endif  // MOBILITY_SERVICES_INQUIRIES_AUTHORS_H_
