#include "services/inquiries/directory.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/status.h"
#include "common/types.h"
#include "services/inquiries/inquiry_record.h"
#include "services/inquiries/inquiry_rules.h"
#include "services/inquiries/notices.h"
#include "services/inquiries/words.h"

namespace mobility::inquiries {
namespace {

// The day of "holidays/2026-03-23", or INVALID_ARGUMENT naming `field`.
absl::StatusOr<absl::CivilDay> HolidayDay(absl::string_view field,
                                          absl::string_view name) {
  absl::CivilDay day;
  if (!absl::ConsumePrefix(&name, "holidays/") || name.size() != 10 ||
      !absl::ParseCivilTime(name, &day) || absl::FormatCivilTime(day) != name ||
      day.year() < 2000 || day.year() > 2100) {
    return InvalidField(field, Text(words::HOLIDAY_NAME));
  }
  return day;
}

absl::Status CheckDisplayName(const v1::Office& office) {
  Violations v;
  if (office.display_name().empty() ||
      CharCount(office.display_name()) > kMaxFieldChars) {
    v.Add("office.display_name",
          Text(common_words::REQUIRED_AT_MOST, {{"max", kMaxFieldChars}}));
  }
  CheckTranslations(office.display_name_translations(),
                    "office.display_name_translations", kMaxFieldChars, v);
  return v.ToStatus("INVALID_OFFICE");
}

}  // namespace

WorkingCalendar CalendarOf(InquiriesStore::CalendarTable table,
                           const Settings& settings) {
  return WorkingCalendar(settings.zone, settings.hours,
                         std::move(table.exceptions),
                         std::move(table.day_hours));
}

absl::StatusOr<WorkingCalendar> LoadCalendar(InquiriesStore& store,
                                             const Settings& settings) {
  MOBILITY_ASSIGN_OR_RETURN(InquiriesStore::CalendarTable table,
                            store.LoadCalendarTable());
  return CalendarOf(std::move(table), settings);
}

absl::StatusOr<v1::ListOfficesResponse> Directory::ListOffices(
    const v1::ListOfficesRequest&, const CallContext& call) {
  return store_->ReadValue(
      call.limit,
      [&](InquiriesStore& store) -> absl::StatusOr<v1::ListOfficesResponse> {
        v1::ListOfficesResponse out;
        MOBILITY_ASSIGN_OR_RETURN(auto offices, store.ListOffices());
        for (auto& office : offices) *out.add_offices() = std::move(office);
        return out;
      });
}

absl::StatusOr<v1::Office> Directory::CreateOffice(
    const v1::CreateOfficeRequest& request, const CallContext& call) {
  if (!IsValidResourceId(request.office_id())) {
    return InvalidField("office_id", Text(words::OFFICE_ID));
  }
  if (auto s = CheckDisplayName(request.office()); !s.ok()) return s;
  v1::Office office = request.office();
  office.set_name(absl::StrCat("offices/", request.office_id()));
  absl::Status status =
      store_->Transact(call.limit, [&](InquiriesStore& store) -> absl::Status {
        MOBILITY_ASSIGN_OR_RETURN(
            const bool inserted,
            store.InsertOffice(request.office_id(), office));
        if (!inserted) {
          return Error(absl::StatusCode::kAlreadyExists, "OFFICE_EXISTS",
                       absl::StrCat(office.name(), " exists"),
                       Text(words::OFFICE_EXISTS));
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return office;
}

absl::StatusOr<v1::Office> Directory::UpdateOffice(
    const v1::UpdateOfficeRequest& request, const CallContext& call) {
  auto id =
      ParseResourceName("office.name", request.office().name(), "offices");
  if (!id.ok()) return id.status();
  if (auto s = CheckDisplayName(request.office()); !s.ok()) return s;
  absl::Status status =
      store_->Transact(call.limit, [&](InquiriesStore& store) -> absl::Status {
        MOBILITY_ASSIGN_OR_RETURN(const bool updated,
                                  store.UpdateOffice(*id, request.office()));
        if (!updated) {
          return Error(absl::StatusCode::kNotFound, "OFFICE_NOT_FOUND",
                       absl::StrCat("no ", request.office().name()),
                       Text(words::OFFICE_NOT_FOUND));
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return request.office();
}

absl::StatusOr<v1::ListHolidaysResponse> Directory::ListHolidays(
    const v1::ListHolidaysRequest& request, const CallContext& call) {
  if (request.year() != 0 && (request.year() < 2000 || request.year() > 2100))
    return InvalidField("year", Text(words::HOLIDAY_YEAR));
  return store_->ReadValue(
      call.limit,
      [&](InquiriesStore& store) -> absl::StatusOr<v1::ListHolidaysResponse> {
        v1::ListHolidaysResponse out;
        MOBILITY_ASSIGN_OR_RETURN(auto holidays,
                                  store.ListHolidays(request.year()));
        for (auto& h : holidays) *out.add_holidays() = std::move(h);
        return out;
      });
}

absl::StatusOr<v1::Holiday> Directory::SetHoliday(
    const v1::SetHolidayRequest& request, const CallContext& call) {
  const v1::Holiday& holiday = request.holiday();
  Violations violations;
  auto day = HolidayDay("holiday.name", holiday.name());
  if (!day.ok()) violations.Add("holiday.name", Text(words::HOLIDAY_NAME));
  if (holiday.kind() == v1::Holiday::KIND_UNSPECIFIED ||
      !v1::Holiday::Kind_IsValid(holiday.kind())) {
    violations.Add("holiday.kind", Text(words::HOLIDAY_KIND));
  }
  if (!holiday.working_hours().empty() &&
      (holiday.kind() != v1::Holiday::WORKING_DAY ||
       !ParseWorkingHours(holiday.working_hours()))) {
    violations.Add("holiday.working_hours", Text(words::WORKING_HOURS));
  }
  if (holiday.description().empty() ||
      CharCount(holiday.description()) > kMaxFieldChars) {
    violations.Add("holiday.description",
                   Text(common_words::REQUIRED_AT_MOST, {{"max", 500}}));
  }
  if (auto s = violations.ToStatus("INVALID_HOLIDAY"); !s.ok()) return s;
  absl::Status status =
      store_->Transact(call.limit, [&](InquiriesStore& store) {
        MOBILITY_RETURN_IF_ERROR(
            store.LockCalendar(InquiriesStore::CalendarLock::kChange));
        MOBILITY_RETURN_IF_ERROR(store.SetHoliday(*day, holiday));
        return RecountDueDates(
            store, *day,
            absl::StrCat(absl::FormatCivilTime(*day), " set as ",
                         v1::Holiday::Kind_Name(holiday.kind())),
            call);
      });
  calendars_->Forget(kCalendarKey);
  if (!status.ok()) return status;
  return holiday;
}

absl::StatusOr<google::protobuf::Empty> Directory::DeleteHoliday(
    const v1::DeleteHolidayRequest& request, const CallContext& call) {
  auto day = HolidayDay("name", request.name());
  if (!day.ok()) return day.status();
  absl::Status status =
      store_->Transact(call.limit, [&](InquiriesStore& store) -> absl::Status {
        MOBILITY_RETURN_IF_ERROR(
            store.LockCalendar(InquiriesStore::CalendarLock::kChange));
        MOBILITY_ASSIGN_OR_RETURN(const bool deleted,
                                  store.DeleteHoliday(*day));
        if (!deleted) {
          return Error(absl::StatusCode::kNotFound, "HOLIDAY_NOT_FOUND",
                       absl::StrCat("no ", request.name()),
                       Text(words::HOLIDAY_NOT_FOUND));
        }
        return RecountDueDates(store, *day,
                               absl::StrCat(absl::FormatCivilTime(*day),
                                            " back to the ordinary week"),
                               call);
      });
  calendars_->Forget(kCalendarKey);
  if (!status.ok()) return status;
  return google::protobuf::Empty();
}

absl::Status Directory::RecountDueDates(InquiriesStore& store,
                                        absl::CivilDay day,
                                        const std::string& change,
                                        const CallContext& call) {
  MOBILITY_ASSIGN_OR_RETURN(const WorkingCalendar calendar,
                            LoadCalendar(store, *settings_));
  MOBILITY_ASSIGN_OR_RETURN(auto inquiries, store.OpenInquiriesDueFrom(day));
  const absl::Time now = settings_->Now();
  for (v1::Inquiry& inquiry : inquiries) {
    // The rector's decision fixed an extended appeal's date; a day on or
    // before registration is outside the periods, which start the day after.
    const absl::CivilDay registered =
        ToCivilDay(inquiry.receipt().registration_date());
    if (!inquiry.extensions().empty() || day <= registered) continue;
    const absl::CivilDay legal =
        calendar.AddWorkingDays(registered, kDecisionWorkingDays);
    const absl::CivilDay forward =
        calendar.AddWorkingDays(registered, kForwardWorkingDays);
    const absl::CivilDay old_legal = ToCivilDay(inquiry.legal_due_date());
    const absl::CivilDay old_forward = ToCivilDay(inquiry.forward_due_date());
    if (legal == old_legal && forward == old_forward) continue;
    *inquiry.mutable_legal_due_date() = ToDate(legal);
    *inquiry.mutable_forward_due_date() = ToDate(forward);
    Stamp(inquiry, now);
    const std::string id = ResourceIdOf(inquiry.name());
    MOBILITY_RETURN_IF_ERROR(store.SaveInquiry(id, inquiry));
    MOBILITY_RETURN_IF_ERROR(AppendHistory(
        store, inquiry, now, call.principal.subject, "due dates moved",
        absl::StrCat("holiday table: ", change, "; due ",
                     absl::FormatCivilTime(old_legal), " -> ",
                     absl::FormatCivilTime(legal), ", forward by ",
                     absl::FormatCivilTime(old_forward), " -> ",
                     absl::FormatCivilTime(forward))));
    // Told only of more time: an earlier date is the office's to keep.
    if (legal <= old_legal) continue;
    if (auto notice = NoticeFor(NoticeKind::kDueDateMoved, inquiry,
                                settings_->public_url, "", day)) {
      MOBILITY_RETURN_IF_ERROR(store.EnqueueNotice(*notice, now));
    }
  }
  return absl::OkStatus();
}

}  // namespace mobility::inquiries
