// All SQL of the inquiries service. Every function runs inside the caller's
// transaction.
#ifndef MOBILITY_SERVICES_INQUIRIES_INQUIRIES_STORE_H_
#define MOBILITY_SERVICES_INQUIRIES_INQUIRIES_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/call.h"
#include "common/idempotency.h"
#include "common/mail.h"
#include "common/transactor.h"
#include "mobility/inquiries/v1/inquiries.pb.h"
#include "services/inquiries/working_calendar.h"

namespace mobility::inquiries {

// An e-mail to an inquiry's author, queued in the outbox with the inquiry it
// tells of.
struct Notice {
  std::string inquiry_id;
  Mail mail;
};

class InquiriesStore : public RequestLedger {
 public:
  // Offices. Ids are the last part of the resource name.
  virtual absl::StatusOr<std::vector<v1::Office>> ListOffices() = 0;
  virtual absl::StatusOr<std::optional<v1::Office>> GetOffice(
      const std::string& id) = 0;
  // False when the id is taken (Insert) or unknown (Update).
  virtual absl::StatusOr<bool> InsertOffice(const std::string& id,
                                            const v1::Office& office) = 0;
  virtual absl::StatusOr<bool> UpdateOffice(const std::string& id,
                                            const v1::Office& office) = 0;

  // The holiday table; `year` 0 lists every year.
  virtual absl::StatusOr<std::vector<v1::Holiday>> ListHolidays(int year) = 0;
  // The table as the working calendar reads it: the days that differ from
  // the ordinary week, and those with their own hours.
  struct CalendarTable {
    std::map<absl::CivilDay, DayKind> exceptions;
    std::map<absl::CivilDay, WorkingHours> day_hours;
  };
  virtual absl::StatusOr<CalendarTable> LoadCalendarTable() = 0;
  virtual absl::Status SetHoliday(absl::CivilDay day,
                                  const v1::Holiday& holiday) = 0;
  virtual absl::StatusOr<bool> DeleteHoliday(absl::CivilDay day) = 0;
  // Holds the holiday table until the transaction ends. kCount: this
  // transaction counts due dates on it (a registration), so a change waits
  // for it and then sees what it registered. kChange: this transaction
  // changes it, one change at a time, after the registrations in flight.
  enum class CalendarLock { kCount, kChange };
  virtual absl::Status LockCalendar(CalendarLock lock) = 0;
  // The open inquiries whose legal due date is on or after `day`, locked, by
  // id.
  virtual absl::StatusOr<std::vector<v1::Inquiry>> OpenInquiriesDueFrom(
      absl::CivilDay day) = 0;
  // The open inquiries of each office ("" for none yet), and how many of them
  // are past their legal due date on `today`.
  struct OfficeLoad {
    std::string office;
    int64_t open = 0;
    int64_t overdue = 0;
  };
  virtual absl::StatusOr<std::vector<OfficeLoad>> OpenByOffice(
      absl::CivilDay today) = 0;

  // Gives inquiry `id`, inserted unnumbered in this transaction, the next
  // registration number of `year` and returns it; the notices written for it
  // get the number in place of `notice_mark` (empty: none was written). The
  // year's counter row is held from here to the end of the transaction, so a
  // registration does this last. A rollback gives the number back: numbers are
  // gap-free.
  virtual absl::StatusOr<std::string> NumberRegistration(
      const std::string& id, int year, const std::string& notice_mark) = 0;

  // Public submissions under keys (a hashed address or e-mail). Locking
  // serialises the submissions of each key until the transaction ends, so
  // that concurrent ones cannot all pass a limit; the keys are locked in one
  // order, so two submissions sharing two keys never wait on each other.
  virtual absl::Status LockSubmissions(
      const std::vector<std::string>& key_hashes) = 0;
  // How many submissions under a locked key came at or after `since`, and
  // when the earliest of them came; with `record_at`, this one is recorded in
  // the same statement (and goes if the transaction rolls back).
  struct Usage {
    int count = 0;
    absl::Time earliest = absl::InfinitePast();
  };
  virtual absl::StatusOr<Usage> CountSubmissions(
      const std::string& key_hash, absl::Time since,
      std::optional<absl::Time> record_at) = 0;
  virtual absl::Status RecordSubmission(const std::string& key_hash,
                                        absl::Time time) = 0;
  virtual absl::StatusOr<int64_t> PurgeSubmissions(absl::Time before) = 0;

  // Inquiries: the body holds everything but the messages and the history.
  // Inserted without its number (NumberRegistration).
  struct Registration {
    int year = 0;
    std::string tracking_hash;
    std::string duplicate_key;  // Empty: not checked for duplicates.
  };
  virtual absl::Status InsertInquiry(const std::string& id,
                                     const Registration& registration,
                                     const v1::Inquiry& inquiry) = 0;
  virtual absl::Status SaveInquiry(const std::string& id,
                                   const v1::Inquiry& inquiry) = 0;
  // The body alone, without messages and history.
  virtual absl::StatusOr<std::optional<v1::Inquiry>> GetInquiry(
      const std::string& id, bool for_update) = 0;
  // The inquiry registered under `number` whose tracking hash is
  // `tracking_hash`; nullopt for a wrong pair, whichever half is wrong.
  virtual absl::StatusOr<std::optional<std::string>> FindTracked(
      const std::string& number, const std::string& tracking_hash) = 0;
  // The newest inquiry with `duplicate_key` received at or after `since`.
  virtual absl::StatusOr<std::optional<std::string>> FindDuplicate(
      const std::string& duplicate_key, absl::Time since) = 0;

  struct Filter {
    std::vector<std::string> offices;  // Empty: any.
    std::vector<std::string> states;   // Empty: any.
    // Set: only inquiries due on or before this day.
    std::optional<absl::CivilDay> due_by;
  };

  virtual absl::Status AppendMessage(const std::string& inquiry_id,
                                     const v1::Message& message) = 0;
  // Oldest first; only the public replies when `public_only`.
  virtual absl::StatusOr<std::vector<v1::Message>> Messages(
      const std::string& inquiry_id, bool public_only) = 0;
  virtual absl::Status AppendHistory(const std::string& inquiry_id,
                                     const v1::HistoryEntry& entry) = 0;
  virtual absl::StatusOr<std::vector<v1::HistoryEntry>> History(
      const std::string& inquiry_id) = 0;

  // The outbox.
  virtual absl::Status EnqueueNotice(const Notice& notice, absl::Time now) = 0;

  // Published questions. False when the inquiry is already published
  // (Insert) or there was no such question (Delete).
  virtual absl::StatusOr<bool> InsertPublished(
      const std::string& id, const std::string& inquiry_id,
      const v1::PublishedQuestion& question) = 0;
  virtual absl::StatusOr<std::optional<v1::PublishedQuestion>> GetPublished(
      const std::string& id) = 0;
  virtual absl::StatusOr<bool> DeletePublished(const std::string& id) = 0;

  // Inquiries ANSWERED before `cutoff` (and not replied to since, which
  // reopens them), oldest first, at most `limit`, locked.
  virtual absl::StatusOr<std::vector<v1::Inquiry>> AnsweredBefore(
      absl::Time cutoff, int limit) = 0;

  // Retention: inquiries closed before `cutoff` and not yet anonymised, at
  // most `limit`, locked; and how one is stripped of personal data, with the
  // words of its messages and its notices.
  virtual absl::StatusOr<std::vector<v1::Inquiry>> InquiriesToAnonymise(
      absl::Time cutoff, int limit) = 0;
  virtual absl::Status MarkAnonymised(const std::string& id,
                                      const v1::Inquiry& inquiry) = 0;
};

// The reads the serving path makes outside a transaction, parking no thread:
// each hands its result to `then` once, on whichever thread received it.
class InquiriesReads {
 public:
  virtual ~InquiriesReads() = default;
  virtual void LoadCalendarTable(const CallLimit& limit,
                                 Then<InquiriesStore::CalendarTable> then) = 0;
  // Published questions, newest first; matching `query` when it is not empty.
  // `after` is the last row's "micros/id" key.
  virtual void ListPublished(const CallLimit& limit, const std::string& query,
                             const std::string& after, int max_rows,
                             Then<std::vector<v1::PublishedQuestion>> then) = 0;
  // nullopt when there is none.
  virtual void GetPublished(
      const CallLimit& limit, const std::string& id,
      Then<std::optional<v1::PublishedQuestion>> then) = 0;
  // The inquiry with every message and its history, as one read sees them;
  // nullopt when there is none.
  virtual void GetWholeInquiry(const CallLimit& limit, const std::string& id,
                               Then<std::optional<v1::Inquiry>> then) = 0;
  // By legal due date, then id; `after` is the last row's "date/id" key.
  virtual void ListInquiries(const CallLimit& limit,
                             const InquiriesStore::Filter& filter,
                             const std::string& after, int max_rows,
                             Then<std::vector<v1::Inquiry>> then) = 0;
};

}  // namespace mobility::inquiries

#endif  // MOBILITY_SERVICES_INQUIRIES_INQUIRIES_STORE_H_
