// All SQL of the grants service. Every function runs inside the caller's
// transaction.
#ifndef MOBILITY_SERVICES_GRANTS_GRANTS_STORE_H_
#define MOBILITY_SERVICES_GRANTS_GRANTS_STORE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/call.h"
#include "common/idempotency.h"
#include "common/transactor.h"
#include "mobility/grants/v1/grants.pb.h"

namespace mobility::grants {

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

// A budget with what the ledger paid from each heading and how many of its
// grants are agreed or later, from one snapshot.
struct BudgetReportRow {
  BudgetRow budget;
  HeadingCents paid;
  int agreed_grants = 0;
};

// A ledger entry with its split by heading (organisational support is never
// paid to participants).
struct PaymentRow {
  v1::Payment payment;
  int seq = 0;
  HeadingCents split;
  bool reversed = false;
};

class GrantsStore : public RequestLedger {
 public:
  // Rates.
  virtual absl::StatusOr<std::vector<v1::Rate>> RatesForCall(
      v1::Programme programme, int call_year) = 0;
  // The rate and the revision its etag is made from.
  virtual absl::StatusOr<std::pair<v1::Rate, int64_t>> GetRate(
      const std::string& id) = 0;
  // Serializes changes to the rate tables, so the overlap check below stays
  // true until commit.
  virtual absl::Status LockRates() = 0;
  // The name of another row that would apply to the same mobility as `rate`
  // (same kind, programme and kind of participant or travel, overlapping calls
  // and distances), "" when none does.
  virtual absl::StatusOr<std::string> OverlappingRate(const std::string& id,
                                                      const v1::Rate& rate) = 0;
  virtual absl::Status InsertRate(const std::string& id,
                                  const v1::Rate& rate) = 0;
  virtual absl::Status UpdateRate(const std::string& id, const v1::Rate& rate,
                                  int64_t revision) = 0;

  // Budgets.
  virtual absl::Status InsertBudget(const std::string& id,
                                    const v1::Budget& budget) = 0;
  virtual absl::StatusOr<BudgetRow> GetBudget(const std::string& id,
                                              bool for_update) = 0;
  virtual absl::Status SetCommitted(const std::string& id,
                                    const HeadingCents& committed) = 0;

  // Grants.
  virtual absl::Status InsertGrant(const std::string& id,
                                   const std::string& budget_id,
                                   const v1::Grant& grant) = 0;
  virtual absl::Status SaveGrant(const std::string& id,
                                 const v1::Grant& grant) = 0;
  virtual absl::StatusOr<v1::Grant> GetGrant(const std::string& id,
                                             bool for_update) = 0;
  struct GrantFilter {
    std::string budget_id;
    std::string state;
    std::string participant_reference;
    // "institutions/{id}" whose budgets pay the grants; empty: any.
    std::string institution;
  };
  virtual absl::StatusOr<std::vector<v1::Grant>> ListGrants(
      const GrantFilter& filter, const std::string& after_id, int limit) = 0;

  // The grant a selection made for an application ("applications/{id}"), and
  // whether the application ended; its row is locked until commit (and made
  // at first use), which orders making and closing the application's grant.
  struct ApplicationGrant {
    std::string grant_id;  // Empty: none made.
    bool closed = false;
  };
  virtual absl::StatusOr<ApplicationGrant> LockApplicationGrant(
      const std::string& application) = 0;
  virtual absl::Status SetApplicationGrant(const std::string& application,
                                           const std::string& grant_id) = 0;
  virtual absl::Status CloseApplication(const std::string& application,
                                        absl::Time now) = 0;

  // The payment ledger: append only.
  virtual absl::StatusOr<std::vector<PaymentRow>> Payments(
      const std::string& grant_id) = 0;
  virtual absl::StatusOr<PaymentRow> AppendPayment(const std::string& grant_id,
                                                   v1::Payment::Kind kind,
                                                   const HeadingCents& split,
                                                   absl::CivilDay due,
                                                   int reverses_seq,
                                                   absl::Time now) = 0;
};

// A listed grant as it is answered: its id, the page's key, and its bytes, a
// v1::Grant in wire form, so that a page is spliced and never parsed.
struct EncodedGrant {
  std::string id;
  std::string bytes;
};

// The reads the serving path makes outside a transaction, parking no thread:
// each hands its result to `then` once, on whichever thread received it.
class GrantsReads {
 public:
  virtual ~GrantsReads() = default;
  virtual void GetGrant(const CallLimit& limit, const std::string& id,
                        Then<v1::Grant> then) = 0;
  virtual void ListGrants(const CallLimit& limit,
                          const GrantsStore::GrantFilter& filter,
                          const std::string& after_id, int max_rows,
                          Then<std::vector<EncodedGrant>> then) = 0;
  // The payments of a grant, in order.
  virtual void ListPayments(const CallLimit& limit, const std::string& grant_id,
                            Then<std::vector<v1::Payment>> then) = 0;
  // NOT_FOUND BUDGET_NOT_FOUND when there is no such budget.
  virtual void GetBudget(const CallLimit& limit, const std::string& id,
                         Then<BudgetRow> then) = 0;
  virtual void GetBudgetReport(const CallLimit& limit, const std::string& id,
                               Then<BudgetReportRow> then) = 0;
  // The rates of `programme` (all when unspecified) after `after_id`, by id.
  virtual void ListRates(v1::Programme programme, bool needs_confirmation_only,
                         const CallLimit& limit, const std::string& after_id,
                         int max_rows, Then<std::vector<v1::Rate>> then) = 0;
};

}  // namespace mobility::grants

#endif  // MOBILITY_SERVICES_GRANTS_GRANTS_STORE_H_
