// All SQL of the grants service. Every function runs inside the caller's
// transaction.
#ifndef MOBILITY_SERVICES_GRANTS_GRANTS_STORE_H_
#define MOBILITY_SERVICES_GRANTS_GRANTS_STORE_H_

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/db.h"
#include "mobility/grants/v1/grants.pb.h"

namespace mobility::grants {

namespace v1 = ::mobility::grants::v1;

// Amounts per budget heading, in euro cents.
struct HeadingCents {
  int64_t travel = 0;
  int64_t individual = 0;
  int64_t organisational = 0;
  int64_t inclusion = 0;
};

struct BudgetRow {
  v1::Budget budget;
  HeadingCents committed;
};

// A ledger entry with its split by heading (organisational support is never
// paid to participants).
struct PaymentRow {
  v1::Payment payment;
  int seq = 0;
  HeadingCents split;
  bool reversed = false;
};

class GrantsStore {
 public:
  static std::vector<PreparedStatement> Statements();

  // Rates.
  static std::vector<v1::Rate> RatesForCall(pqxx::transaction_base& txn,
                                            v1::Programme programme,
                                            int call_year);
  static std::vector<v1::Rate> ListRates(pqxx::transaction_base& txn,
                                         v1::Programme programme,
                                         bool needs_confirmation_only,
                                         const std::string& after_id,
                                         int limit);
  // The rate and the revision its etag is made from.
  static absl::StatusOr<std::pair<v1::Rate, int64_t>> GetRate(
      pqxx::transaction_base& txn, const std::string& id);
  // Serializes changes to the rate tables, so the overlap check below stays
  // true until commit.
  static void LockRates(pqxx::transaction_base& txn);
  // The name of another row that would apply to the same mobility as `rate`
  // (same kind, programme and kind of participant or travel, overlapping calls
  // and distances), "" when none does.
  static std::string OverlappingRate(pqxx::transaction_base& txn, const std::string& id,
                                     const v1::Rate& rate);
  static void InsertRate(pqxx::transaction_base& txn, const std::string& id,
                         const v1::Rate& rate);
  static void UpdateRate(pqxx::transaction_base& txn, const std::string& id,
                         const v1::Rate& rate, int64_t revision);

  // Budgets.
  static void InsertBudget(pqxx::transaction_base& txn, const std::string& id,
                           const v1::Budget& budget);
  static absl::StatusOr<BudgetRow> GetBudget(pqxx::transaction_base& txn,
                                             const std::string& id,
                                             bool for_update);
  static void SetCommitted(pqxx::transaction_base& txn, const std::string& id,
                           const HeadingCents& committed);
  // What the ledger paid from each heading of the budget, and how many grants
  // are agreed or later.
  static HeadingCents PaidByHeading(pqxx::transaction_base& txn,
                                    const std::string& budget_id);
  static int CountAgreedGrants(pqxx::transaction_base& txn, const std::string& budget_id);

  // Grants.
  static void InsertGrant(pqxx::transaction_base& txn, const std::string& id,
                          const std::string& budget_id, const v1::Grant& grant);
  static void SaveGrant(pqxx::transaction_base& txn, const std::string& id,
                        const v1::Grant& grant);
  static absl::StatusOr<v1::Grant> GetGrant(pqxx::transaction_base& txn,
                                            const std::string& id,
                                            bool for_update);
  struct GrantFilter {
    std::string budget_id;
    std::string state;
    std::string participant_reference;
  };
  static std::vector<v1::Grant> ListGrants(pqxx::transaction_base& txn,
                                           const GrantFilter& filter,
                                           const std::string& after_id,
                                           int limit);

  // The payment ledger: append only.
  static std::vector<PaymentRow> Payments(pqxx::transaction_base& txn,
                                          const std::string& grant_id);
  static PaymentRow AppendPayment(pqxx::transaction_base& txn, const std::string& grant_id,
                                  v1::Payment::Kind kind,
                                  const HeadingCents& split, absl::CivilDay due,
                                  int reverses_seq, absl::Time now);
};

}  // namespace mobility::grants

#endif  // MOBILITY_SERVICES_GRANTS_GRANTS_STORE_H_
