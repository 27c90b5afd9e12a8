// What the procedure reads and admins keep: the offices an appeal may be
// addressed to, and the holiday table of the working calendar.
#ifndef MOBILITY_SERVICES_INQUIRIES_DIRECTORY_H_
#define MOBILITY_SERVICES_INQUIRIES_DIRECTORY_H_

#include <google/protobuf/empty.pb.h>

#include "absl/status/statusor.h"
#include "common/call.h"
#include "common/transactor.h"
#include "services/inquiries/inquiries_store.h"
#include "services/inquiries/settings.h"

namespace mobility::inquiries {

// The working calendar as the holiday table stands in this transaction.
absl::StatusOr<WorkingCalendar> LoadCalendar(InquiriesStore& store,
                                             const Settings& settings);

class Directory {
 public:
  explicit Directory(Transactor<InquiriesStore>* store) : store_(store) {}

  absl::StatusOr<v1::ListOfficesResponse> ListOffices(
      const v1::ListOfficesRequest& request, const CallContext& call);
  absl::StatusOr<v1::Office> CreateOffice(
      const v1::CreateOfficeRequest& request, const CallContext& call);
  absl::StatusOr<v1::Office> UpdateOffice(
      const v1::UpdateOfficeRequest& request, const CallContext& call);

  absl::StatusOr<v1::ListHolidaysResponse> ListHolidays(
      const v1::ListHolidaysRequest& request, const CallContext& call);
  absl::StatusOr<v1::Holiday> SetHoliday(const v1::SetHolidayRequest& request,
                                         const CallContext& call);
  absl::StatusOr<google::protobuf::Empty> DeleteHoliday(
      const v1::DeleteHolidayRequest& request, const CallContext& call);

 private:
  Transactor<InquiriesStore>* store_;
};

}  // namespace mobility::inquiries

#endif  // MOBILITY_SERVICES_INQUIRIES_DIRECTORY_H_
