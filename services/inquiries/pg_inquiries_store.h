// All SQL of the inquiries service: its store on PostgreSQL, bound to one read
// or transaction.
#ifndef MOBILITY_SERVICES_INQUIRIES_PG_INQUIRIES_STORE_H_
#define MOBILITY_SERVICES_INQUIRIES_PG_INQUIRIES_STORE_H_

#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "common/pg_reactor.h"
#include "common/pg_store.h"
#include "services/inquiries/inquiries_store.h"

namespace mobility::inquiries {

class PgInquiriesStore final : public PgStore<InquiriesStore> {
 public:
  using PgStore::PgStore;
  // The statements every connection prepares.
  static std::vector<PreparedStatement> Statements();

  absl::StatusOr<std::vector<v1::Office>> ListOffices() override;
  absl::StatusOr<std::optional<v1::Office>> GetOffice(
      const std::string& id) override;
  absl::StatusOr<bool> InsertOffice(const std::string& id,
                                    const v1::Office& office) override;
  absl::StatusOr<bool> UpdateOffice(const std::string& id,
                                    const v1::Office& office) override;
  absl::StatusOr<std::vector<v1::Holiday>> ListHolidays(int year) override;
  absl::StatusOr<CalendarTable> LoadCalendarTable() override;
  absl::Status LockCalendar(CalendarLock lock) override;
  absl::StatusOr<std::vector<v1::Inquiry>> OpenInquiriesDueFrom(
      absl::CivilDay day) override;
  absl::StatusOr<std::vector<OfficeLoad>> OpenByOffice(
      absl::CivilDay today) override;
  absl::Status SetHoliday(absl::CivilDay day,
                          const v1::Holiday& holiday) override;
  absl::StatusOr<bool> DeleteHoliday(absl::CivilDay day) override;
  absl::StatusOr<std::string> NumberRegistration(
      const std::string& id, int year, const std::string& notice_mark) override;
  absl::Status LockSubmissions(
      const std::vector<std::string>& key_hashes) override;
  absl::StatusOr<Usage> CountSubmissions(
      const std::string& key_hash, absl::Time since,
      std::optional<absl::Time> record_at) override;
  absl::Status RecordSubmission(const std::string& key_hash,
                                absl::Time time) override;
  absl::StatusOr<int64_t> PurgeSubmissions(absl::Time before) override;
  absl::Status InsertInquiry(const std::string& id,
                             const Registration& registration,
                             const v1::Inquiry& inquiry) override;
  absl::Status SaveInquiry(const std::string& id,
                           const v1::Inquiry& inquiry) override;
  absl::StatusOr<std::optional<v1::Inquiry>> GetInquiry(
      const std::string& id, bool for_update) override;
  absl::StatusOr<std::optional<std::string>> FindTracked(
      const std::string& number, const std::string& tracking_hash) override;
  absl::StatusOr<std::optional<std::string>> FindDuplicate(
      const std::string& duplicate_key, absl::Time since) override;
  absl::Status AppendMessage(const std::string& inquiry_id,
                             const v1::Message& message) override;
  absl::StatusOr<std::vector<v1::Message>> Messages(
      const std::string& inquiry_id, bool public_only) override;
  absl::Status AppendHistory(const std::string& inquiry_id,
                             const v1::HistoryEntry& entry) override;
  absl::StatusOr<std::vector<v1::HistoryEntry>> History(
      const std::string& inquiry_id) override;
  absl::Status EnqueueNotice(const Notice& notice, absl::Time now) override;
  absl::StatusOr<bool> InsertPublished(
      const std::string& id, const std::string& inquiry_id,
      const v1::PublishedQuestion& question) override;
  absl::StatusOr<std::optional<v1::PublishedQuestion>> GetPublished(
      const std::string& id) override;
  absl::StatusOr<bool> DeletePublished(const std::string& id) override;
  absl::StatusOr<std::vector<v1::Inquiry>> AnsweredBefore(absl::Time cutoff,
                                                          int limit) override;
  absl::StatusOr<std::vector<v1::Inquiry>> InquiriesToAnonymise(
      absl::Time cutoff, int limit) override;
  absl::Status MarkAnonymised(const std::string& id,
                              const v1::Inquiry& inquiry) override;
};

// The same rows as PgInquiriesStore reads, through the database's reactor.
class PgInquiriesReads final : public InquiriesReads {
 public:
  explicit PgInquiriesReads(Database* db) : reactor_(db->reactor()) {}
  void LoadCalendarTable(const CallLimit& limit,
                         Then<InquiriesStore::CalendarTable> then) override;
  void GetPublished(const CallLimit& limit, const std::string& id,
                    Then<std::optional<v1::PublishedQuestion>> then) override;
  void GetWholeInquiry(const CallLimit& limit, const std::string& id,
                       Then<std::optional<v1::Inquiry>> then) override;
  void ListPublished(const CallLimit& limit, const std::string& query,
                     const std::string& after, int max_rows,
                     Then<std::vector<v1::PublishedQuestion>> then) override;
  void ListInquiries(const CallLimit& limit,
                     const InquiriesStore::Filter& filter,
                     const std::string& after, int max_rows,
                     Then<std::vector<v1::Inquiry>> then) override;

 private:
  PgReactor& reactor_;
};

}  // namespace mobility::inquiries

#endif  // MOBILITY_SERVICES_INQUIRIES_PG_INQUIRIES_STORE_H_
