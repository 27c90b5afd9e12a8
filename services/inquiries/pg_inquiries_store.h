// All SQL of the inquiries service: its store on PostgreSQL, bound to one read
// or transaction.
#ifndef MOBILITY_SERVICES_INQUIRIES_PG_INQUIRIES_STORE_H_
#define MOBILITY_SERVICES_INQUIRIES_PG_INQUIRIES_STORE_H_

#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "common/pg_store.h"
#include "services/inquiries/inquiries_store.h"

namespace mobility::inquiries {

class PgInquiriesStore final : public PgStore<InquiriesStore> {
 public:
  using PgStore::PgStore;
  // The statements every connection prepares.
  static std::vector<PreparedStatement> Statements();

  std::vector<v1::Office> ListOffices() override;
  std::optional<v1::Office> GetOffice(const std::string& id) override;
  bool InsertOffice(const std::string& id, const v1::Office& office) override;
  bool UpdateOffice(const std::string& id, const v1::Office& office) override;
  std::vector<v1::Holiday> ListHolidays(int year) override;
  CalendarTable LoadCalendarTable() override;
  void SetHoliday(absl::CivilDay day, const v1::Holiday& holiday) override;
  bool DeleteHoliday(absl::CivilDay day) override;
  int64_t NextRegistrationSequence(int year) override;
  Usage LockAndCountSubmissions(const std::string& key_hash,
                                absl::Time since) override;
  void RecordSubmission(const std::string& key_hash, absl::Time time) override;
  int64_t PurgeSubmissions(absl::Time before) override;
  void InsertInquiry(const std::string& id, const Registration& registration,
                     const v1::Inquiry& inquiry) override;
  void SaveInquiry(const std::string& id, const v1::Inquiry& inquiry) override;
  std::optional<v1::Inquiry> GetInquiry(const std::string& id,
                                        bool for_update) override;
  std::optional<std::string> FindTracked(
      const std::string& number, const std::string& tracking_hash) override;
  std::optional<std::string> FindDuplicate(const std::string& duplicate_key,
                                           absl::Time since) override;
  std::vector<v1::Inquiry> ListInquiries(const Filter& filter,
                                         const std::string& after,
                                         int limit) override;
  void AppendMessage(const std::string& inquiry_id,
                     const v1::Message& message) override;
  std::vector<v1::Message> Messages(const std::string& inquiry_id,
                                    bool public_only) override;
  void AppendHistory(const std::string& inquiry_id,
                     const v1::HistoryEntry& entry) override;
  std::vector<v1::HistoryEntry> History(const std::string& inquiry_id) override;
  void EnqueueNotice(const Notice& notice, absl::Time now) override;
  bool InsertPublished(const std::string& id, const std::string& inquiry_id,
                       const v1::PublishedQuestion& question) override;
  std::optional<v1::PublishedQuestion> GetPublished(
      const std::string& id) override;
  std::vector<v1::PublishedQuestion> ListPublished(const std::string& query,
                                                   const std::string& after,
                                                   int limit) override;
  bool DeletePublished(const std::string& id) override;
  std::vector<v1::Inquiry> InquiriesToAnonymise(absl::Time cutoff,
                                                int limit) override;
  void MarkAnonymised(const std::string& id,
                      const v1::Inquiry& inquiry) override;
};

}  // namespace mobility::inquiries

#endif  // MOBILITY_SERVICES_INQUIRIES_PG_INQUIRIES_STORE_H_
