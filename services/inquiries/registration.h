// Registering an appeal (Arts. 63-64): never refused once well-formed, numbered
// gap-free per year, dated by the working calendar, with a receipt and a
// secret tracking code; anonymous or late ones registered as not considered.
// The public form is limited per client address and per e-mail, and the same
// appeal sent again within a day gets its first registration back.
#ifndef MOBILITY_SERVICES_INQUIRIES_REGISTRATION_H_
#define MOBILITY_SERVICES_INQUIRIES_REGISTRATION_H_

#include <mutex>

#include "absl/status/statusor.h"
#include "common/call.h"
#include "common/transactor.h"
#include "services/inquiries/inquiries_store.h"
#include "services/inquiries/settings.h"

namespace mobility::inquiries {

class Registration {
 public:
  Registration(Transactor<InquiriesStore>* store, const Settings* settings)
      : store_(store), settings_(settings) {}

  absl::StatusOr<v1::InquiryReceipt> CreateInquiry(
      const v1::CreateInquiryRequest& request, const CallContext& call);

 private:
  // RESOURCE_EXHAUSTED, with the time to wait, when one of `keys` sent its
  // hour's share; otherwise counts this submission under each.
  absl::Status CheckRates(InquiriesStore& store,
                          const std::vector<std::string>& keys,
                          absl::Time now) const;

  Transactor<InquiriesStore>* store_;
  const Settings* settings_;
  // The turn to take a number and commit. This process's registrations queue
  // here, each woken once, rather than on the year's counter row, where every
  // waiting backend woke at each commit and crowded PostgreSQL's lock manager.
  std::mutex numbering_;
};

}  // namespace mobility::inquiries

#endif  // MOBILITY_SERVICES_INQUIRIES_REGISTRATION_H_
