// All SQL of the grants service: its store on PostgreSQL, bound to one read or
// transaction.
#ifndef MOBILITY_SERVICES_GRANTS_PG_GRANTS_STORE_H_
#define MOBILITY_SERVICES_GRANTS_PG_GRANTS_STORE_H_

#include <pqxx/pqxx>
#include <vector>

#include "common/pg_reactor.h"
#include "common/pg_store.h"
#include "services/grants/grants_store.h"

namespace mobility::grants {

class PgGrantsStore final : public PgStore<GrantsStore> {
 public:
  using PgStore::PgStore;
  // The statements every connection prepares.
  static std::vector<PreparedStatement> Statements();

  absl::StatusOr<std::vector<v1::Rate>> RatesForCall(v1::Programme programme,
                                                     int call_year) override;
  absl::StatusOr<std::pair<v1::Rate, int64_t>> GetRate(
      const std::string& id) override;
  absl::Status LockRates() override;
  absl::StatusOr<std::string> OverlappingRate(const std::string& id,
                                              const v1::Rate& rate) override;
  absl::Status InsertRate(const std::string& id, const v1::Rate& rate) override;
  absl::Status UpdateRate(const std::string& id, const v1::Rate& rate,
                          int64_t revision) override;
  absl::Status InsertBudget(const std::string& id,
                            const v1::Budget& budget) override;
  absl::StatusOr<BudgetRow> GetBudget(const std::string& id,
                                      bool for_update) override;
  absl::Status SetCommitted(const std::string& id,
                            const HeadingCents& committed) override;
  absl::Status InsertGrant(const std::string& id, const std::string& budget_id,
                           const v1::Grant& grant) override;
  absl::Status SaveGrant(const std::string& id,
                         const v1::Grant& grant) override;
  absl::StatusOr<ApplicationGrant> LockApplicationGrant(
      const std::string& application) override;
  absl::Status SetApplicationGrant(const std::string& application,
                                   const std::string& grant_id) override;
  absl::Status CloseApplication(const std::string& application,
                                absl::Time now) override;
  absl::StatusOr<v1::Grant> GetGrant(const std::string& id,
                                     bool for_update) override;
  absl::StatusOr<std::vector<v1::Grant>> ListGrants(const GrantFilter& filter,
                                                    const std::string& after_id,
                                                    int limit) override;
  absl::StatusOr<std::vector<PaymentRow>> Payments(
      const std::string& grant_id) override;
  absl::StatusOr<PaymentRow> AppendPayment(const std::string& grant_id,
                                           v1::Payment::Kind kind,
                                           const HeadingCents& split,
                                           absl::CivilDay due, int reverses_seq,
                                           absl::Time now) override;
};

// The same rows as PgGrantsStore reads, through the database's reactor.
class PgGrantsReads final : public GrantsReads {
 public:
  explicit PgGrantsReads(Database* db) : reactor_(db->reactor()) {}
  void GetGrant(const CallLimit& limit, const std::string& id,
                Then<v1::Grant> then) override;
  void ListGrants(const CallLimit& limit,
                  const GrantsStore::GrantFilter& filter,
                  const std::string& after_id, int max_rows,
                  Then<std::vector<EncodedGrant>> then) override;
  void ListPayments(const CallLimit& limit, const std::string& grant_id,
                    Then<std::vector<v1::Payment>> then) override;
  void GetBudget(const CallLimit& limit, const std::string& id,
                 Then<BudgetRow> then) override;
  void GetBudgetReport(const CallLimit& limit, const std::string& id,
                       Then<BudgetReportRow> then) override;
  void ListRates(v1::Programme programme, bool needs_confirmation_only,
                 const CallLimit& limit, const std::string& after_id,
                 int max_rows, Then<std::vector<v1::Rate>> then) override;

 private:
  PgReactor& reactor_;
};

}  // namespace mobility::grants

#endif  // MOBILITY_SERVICES_GRANTS_PG_GRANTS_STORE_H_
