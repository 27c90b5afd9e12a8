// What the procedure reads and admins keep: the offices an appeal may be
// addressed to, and the holiday table of the working calendar, whose changes
// move the due dates of the open appeals they touch.
#ifndef MOBILITY_SERVICES_INQUIRIES_DIRECTORY_H_
#define MOBILITY_SERVICES_INQUIRIES_DIRECTORY_H_

#include <google/protobuf/empty.pb.h>

#include "absl/status/statusor.h"
#include "common/call.h"
#include "common/change_cache.h"
#include "common/transactor.h"
#include "services/inquiries/inquiries_store.h"
#include "services/inquiries/settings.h"

namespace mobility::inquiries {

// The working calendar of `table`, the holiday table.
WorkingCalendar CalendarOf(InquiriesStore::CalendarTable table,
                           const Settings& settings);
// The working calendar of the holiday table, kept by every replica until the
// database announces a change to the table (migration 0007); the directory
// forgets it as soon as its own change commits.
using CalendarCache = ChangeCache<WorkingCalendar>;
inline constexpr char kHolidayChanges[] = "mobility_inquiries_holidays";
inline constexpr char kCalendarKey[] = "calendar";

// The working calendar as the holiday table stands in this transaction.
absl::StatusOr<WorkingCalendar> LoadCalendar(InquiriesStore& store,
                                             const Settings& settings);

class Directory {
 public:
  Directory(Transactor<InquiriesStore>* store, const Settings* settings,
            CalendarCache* calendars)
      : store_(store), settings_(settings), calendars_(calendars) {}

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
  // After the holiday table changed on `day`: counts the legal and forward
  // due dates of the open appeals it touches again from their registration.
  absl::Status RecountDueDates(InquiriesStore& store, absl::CivilDay day,
                               const std::string& change,
                               const CallContext& call);

  Transactor<InquiriesStore>* store_;
  const Settings* settings_;
  CalendarCache* calendars_;
};

}  // namespace mobility::inquiries

#endif  // MOBILITY_SERVICES_INQUIRIES_DIRECTORY_H_
