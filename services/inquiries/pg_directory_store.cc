// The inquiries store's directory: the offices and the holiday calendar.
#include "absl/strings/str_cat.h"
#include "services/inquiries/pg_inquiries_store.h"

namespace mobility::inquiries {
namespace {

// A row of holiday_list into the calendar's table. `Row` is PqxxRow or PgRow:
// a transaction and the reactor read the table one way.
template <typename Row>
void AddToCalendar(const Row& row, InquiriesStore::CalendarTable& table) {
  absl::CivilDay day;
  absl::ParseCivilTime(row.Text("day"), &day);  // day::text, ISO 8601.
  table.exceptions[day] = row.Text("kind") == "WORKING_DAY"
                              ? DayKind::kWorkingDay
                              : DayKind::kDayOff;
  // Stored only after ParseWorkingHours accepted it.
  if (auto hours = ParseWorkingHours(row.Text("working_hours")))
    table.day_hours[day] = *hours;
}

v1::Holiday HolidayFromRow(const pqxx::row& row) {
  v1::Holiday h;
  h.set_name(absl::StrCat("holidays/", row["day"].as<std::string>()));
  v1::Holiday::Kind kind = v1::Holiday::KIND_UNSPECIFIED;
  v1::Holiday::Kind_Parse(row["kind"].as<std::string>(), &kind);
  h.set_kind(kind);
  h.set_description(row["description"].as<std::string>());
  h.set_working_hours(row["working_hours"].as<std::string>());
  return h;
}

// An office from the columns of `office_columns`.
v1::Office OfficeFromRow(const pqxx::row& row) {
  v1::Office o;
  o.set_name(absl::StrCat("offices/", row[0].as<std::string>()));
  o.set_display_name(row[1].as<std::string>());
  o.set_active(row[2].as<bool>());
  const char* tags[] = {"kk", "ru", "en"};
  for (int i = 0; i < 3; ++i) {
    if (!row[3 + i].is_null())
      (*o.mutable_display_name_translations())[tags[i]] =
          row[3 + i].as<std::string>();
  }
  return o;
}

// The office's name in `tag`, empty when not given (stored as NULL).
std::string Translation(const v1::Office& office, const std::string& tag) {
  auto it = office.display_name_translations().find(tag);
  return it == office.display_name_translations().end() ? "" : it->second;
}

}  // namespace

absl::StatusOr<std::vector<v1::Office>> PgInquiriesStore::ListOffices() {
  return StoreCall([&]() -> std::vector<v1::Office> {
    std::vector<v1::Office> out;
    for (const auto& row : txn_.exec_prepared("office_list"))
      out.push_back(OfficeFromRow(row));
    return out;
  });
}

absl::StatusOr<std::optional<v1::Office>> PgInquiriesStore::GetOffice(
    const std::string& id) {
  return StoreCall([&]() -> std::optional<v1::Office> {
    pqxx::result r = txn_.exec_prepared("office_get", id);
    if (r.empty()) return std::nullopt;
    return OfficeFromRow(r[0]);
  });
}

absl::StatusOr<bool> PgInquiriesStore::InsertOffice(const std::string& id,
                                                    const v1::Office& office) {
  return StoreCall([&]() -> bool {
    return txn_.exec_prepared("office_insert", id, office.display_name(),
                              office.active(), Translation(office, "kk"),
                              Translation(office, "ru"),
                              Translation(office, "en"))
               .affected_rows() == 1;
  });
}

absl::StatusOr<bool> PgInquiriesStore::UpdateOffice(const std::string& id,
                                                    const v1::Office& office) {
  return StoreCall([&]() -> bool {
    return txn_.exec_prepared("office_update", id, office.display_name(),
                              office.active(), Translation(office, "kk"),
                              Translation(office, "ru"),
                              Translation(office, "en"))
               .affected_rows() == 1;
  });
}

absl::StatusOr<std::vector<v1::Holiday>> PgInquiriesStore::ListHolidays(
    int year) {
  return StoreCall([&]() -> std::vector<v1::Holiday> {
    std::vector<v1::Holiday> out;
    for (const auto& row : txn_.exec_prepared("holiday_list", year))
      out.push_back(HolidayFromRow(row));
    return out;
  });
}

absl::StatusOr<InquiriesStore::CalendarTable>
PgInquiriesStore::LoadCalendarTable() {
  return StoreCall([&]() -> InquiriesStore::CalendarTable {
    CalendarTable out;
    for (const auto& row : txn_.exec_prepared("holiday_list", 0))
      AddToCalendar(PqxxRow(row), out);
    return out;
  });
}

absl::Status PgInquiriesStore::SetHoliday(absl::CivilDay day,
                                          const v1::Holiday& holiday) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared("holiday_set", absl::FormatCivilTime(day),
                       v1::Holiday::Kind_Name(holiday.kind()),
                       holiday.description(), holiday.working_hours());
  });
}

absl::StatusOr<bool> PgInquiriesStore::DeleteHoliday(absl::CivilDay day) {
  return StoreCall([&]() -> bool {
    return txn_.exec_prepared("holiday_delete", absl::FormatCivilTime(day))
               .affected_rows() == 1;
  });
}

absl::Status PgInquiriesStore::LockCalendar(CalendarLock lock) {
  // SHARE lets registrations count side by side; SHARE ROW EXCLUSIVE waits for
  // them and for another change. LOCK cannot be prepared.
  return StoreCall([&]() -> void {
    txn_.exec0(lock == CalendarLock::kCount
                   ? "LOCK TABLE holidays IN SHARE MODE"
                   : "LOCK TABLE holidays IN SHARE ROW EXCLUSIVE MODE");
  });
}

void PgInquiriesReads::LoadCalendarTable(
    const CallLimit& limit, Then<InquiriesStore::CalendarTable> then) {
  reactor_.Read(limit, "holiday_list", {"0"},
                [then = std::move(then)](absl::StatusOr<PgRows> rows) {
                  if (!rows.ok()) return then(rows.status());
                  InquiriesStore::CalendarTable table;
                  for (int i = 0; i < rows->size(); ++i)
                    AddToCalendar(PgRow(*rows, i), table);
                  then(std::move(table));
                });
}

}  // namespace mobility::inquiries
