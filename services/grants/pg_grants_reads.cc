// PgGrantsReads: the serving path's reads through the database's reactor,
// decoded as the transactions decode them (grant_rows.h).
#include "services/grants/grant_rows.h"
#include "services/grants/pg_grants_store.h"

namespace mobility::grants {

void PgGrantsReads::GetGrant(const CallLimit& limit, const std::string& id,
                             Then<v1::Grant> then) {
  reactor_.Read(limit, "grant_get", {id},
                FirstRow(
                    std::move(then), [id] { return NoSuchGrant(id); },
                    [id](const PgRow& row) {
                      return GrantFromRow(
                          row, id, UnconfirmedIn(row.Text("unconfirmed")));
                    }));
}

void PgGrantsReads::ListPayments(const CallLimit& limit,
                                 const std::string& grant_id,
                                 Then<std::vector<v1::Payment>> then) {
  reactor_.Read(limit, "payments_of_grant", {grant_id},
                EveryRow(std::move(then), [grant_id](const PgRow& row, int) {
                  return PaymentFromRow(row, grant_id).payment;
                }));
}

void PgGrantsReads::ListGrants(const CallLimit& limit,
                               const GrantsStore::GrantFilter& filter,
                               const std::string& after_id, int max_rows,
                               Then<std::vector<EncodedGrant>> then) {
  reactor_.Read(
      limit, "grant_list",
      {filter.budget_id, filter.state, filter.participant_reference, after_id,
       std::to_string(max_rows), filter.institution},
      EveryRow(std::move(then),
               [unconfirmed = std::make_shared<UnconfirmedRates>()](
                   const PgRow& row, int i) {
                 return EncodedGrant{
                     row.Text("id"),
                     GrantBytes(row, "grant_list",
                                ListedUnconfirmed(row, i, *unconfirmed))};
               }));
}

void PgGrantsReads::GetBudget(const CallLimit& limit, const std::string& id,
                              Then<BudgetRow> then) {
  reactor_.Read(limit, "budget_get", {id},
                FirstRow(
                    std::move(then), [id] { return BudgetNotFound(id); },
                    [id](const PgRow& row) { return BudgetFromRow(row, id); }));
}

void PgGrantsReads::GetBudgetReport(const CallLimit& limit,
                                    const std::string& id,
                                    Then<BudgetReportRow> then) {
  reactor_.Read(limit, "budget_report", {id},
                FirstRow(
                    std::move(then), [id] { return BudgetNotFound(id); },
                    [id](const PgRow& row) {
                      BudgetReportRow report;
                      report.budget = BudgetFromRow(row, id);
                      report.paid = {row.Int64("paid_travel"),
                                     row.Int64("paid_individual"), 0,
                                     row.Int64("paid_inclusion")};
                      report.agreed_grants =
                          static_cast<int>(row.Int64("agreed"));
                      return report;
                    }));
}

void PgGrantsReads::ListRates(v1::Programme programme,
                              bool needs_confirmation_only,
                              const CallLimit& limit,
                              const std::string& after_id, int max_rows,
                              Then<std::vector<v1::Rate>> then) {
  reactor_.Read(
      limit, "rates_list",
      {programme == v1::PROGRAMME_UNSPECIFIED ? ""
                                              : v1::Programme_Name(programme),
       needs_confirmation_only ? "true" : "false", after_id,
       std::to_string(max_rows)},
      EveryRow(std::move(then),
               [](const PgRow& row, int) { return RateFromRow(row).first; }));
}

}  // namespace mobility::grants
