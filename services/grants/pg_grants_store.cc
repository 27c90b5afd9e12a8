#include "services/grants/pg_grants_store.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/status.h"
#include "common/types.h"
#include "services/grants/grant_rows.h"
#include "services/grants/grant_rules.h"

namespace mobility::grants {
namespace {

constexpr char kRateColumns[] =
    "id, kind, programme, first_call_year, last_call_year, min_km, max_km, "
    "green_travel, "
    "direction, country_group, participant_kind, amount_cents, "
    "needs_confirmation, revision, country_codes, max_days";

// Read with a grant: the rates awaiting confirmation, evaluated once a query,
// and the institution whose budget pays it.
constexpr char kUnconfirmed[] =
    "(SELECT coalesce(string_agg('rates/' || id, ' '), '') FROM rates WHERE "
    "needs_confirmation)";
constexpr char kInstitution[] =
    "(SELECT b.institution FROM budgets b WHERE b.id = grants.budget_id) AS "
    "institution";

}  // namespace

std::vector<PreparedStatement> PgGrantsStore::Statements() {
  const std::string budget_columns =
      absl::StrCat("budgets.*, ", TimestampColumn("create_time"),
                   " AS create_us, project_end_date::text AS project_end");
  const std::string rate_select = absl::StrCat(
      "SELECT ", kRateColumns, ", ", TimestampColumn("update_time"),
      " AS update_us, array_to_string(country_codes, ' ') AS "
      "country_codes_text FROM rates ");
  return {
      {"rates_for_call",
       rate_select + "WHERE programme = $1 AND first_call_year <= $2 AND "
                     "last_call_year >= $2 ORDER BY id"},
      {"rates_list", rate_select + "WHERE ($1 = '' OR programme = $1) AND (NOT "
                                   "$2 OR needs_confirmation) "
                                   "AND id > $3 ORDER BY id LIMIT $4"},
      {"rate_get", rate_select + "WHERE id = $1 FOR UPDATE"},
      {"rates_lock",
       "SELECT pg_advisory_xact_lock(hashtext('mobility.grants.rates'))"},
      {"rate_overlapping",
       "SELECT id FROM rates WHERE id <> $1 AND kind = $2 AND programme = $3 "
       "AND "
       "first_call_year <= $5 AND last_call_year >= $4 AND ((kind = 'TRAVEL' "
       "AND "
       "green_travel = $6 AND min_km <= (CASE WHEN $8 = 0 THEN 2147483647 ELSE "
       "$8 END) AND "
       "(max_km = 0 OR max_km >= $7)) OR (kind = 'INDIVIDUAL_SUPPORT' AND "
       "direction = $9 AND "
       "country_group = $10 AND participant_kind = $11) OR (kind = "
       "'COUNTRY_GROUP' AND country_codes && $12::text[] AND (participant_kind "
       "= $11 OR participant_kind = 'PARTICIPANT_KIND_UNSPECIFIED' OR $11 = "
       "'PARTICIPANT_KIND_UNSPECIFIED')) OR (kind = 'GREEN_TRAVEL_DAYS' AND "
       "participant_kind = $11)) ORDER BY id LIMIT 1"},
      {"rate_insert", absl::StrCat("INSERT INTO rates (", kRateColumns,
                                   ", update_time) VALUES ($1, $2, $3, $4, $5, "
                                   "$6, $7, $8, $9, $10, $11, $12, "
                                   "$13, 1, $14::text[], $15, ",
                                   TimestampParam(16), ")")},
      {"rate_update",
       absl::StrCat("UPDATE rates SET first_call_year = $2, "
                    "last_call_year = $3, min_km = $4, "
                    "max_km = $5, green_travel = $6, direction "
                    "= $7, country_group = $8, "
                    "participant_kind = $9, amount_cents = $10, "
                    "needs_confirmation = $11, "
                    "revision = $12, country_codes = "
                    "$13::text[], max_days = $14, update_time = ",
                    TimestampParam(15), " WHERE id = $1")},

      {"budget_insert",
       absl::StrCat(
           "INSERT INTO budgets (id, project_number, beneficiary, programme, "
           "call_year, "
           "prefinancing_percent, "
           "organisational_support_per_participant_cents, "
           "allocated_travel_cents, allocated_individual_cents, "
           "allocated_organisational_cents, allocated_inclusion_cents, "
           "create_time, institution, project_end_date) "
           "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, ",
           TimestampParam(12), ", $13, $14::date)")},
      {"budget_get",
       absl::StrCat("SELECT ", budget_columns, " FROM budgets WHERE id = $1")},
      {"budget_get_for_update",
       absl::StrCat("SELECT ", budget_columns,
                    " FROM budgets WHERE id = $1 FOR UPDATE")},
      {"budget_set_committed",
       "UPDATE budgets SET committed_travel_cents = $2, "
       "committed_individual_cents = $3, "
       "committed_organisational_cents = $4, committed_inclusion_cents = $5 "
       "WHERE id = $1"},
      // The budget, what the ledger paid from each heading (organisational
      // support is never paid to participants) and how many of its grants are
      // agreed or later, in one statement and so from one snapshot.
      {"budget_report",
       absl::StrCat(
           "SELECT ", budget_columns,
           ", paid.travel AS paid_travel, paid.individual AS paid_individual, "
           "paid.inclusion AS paid_inclusion, (SELECT count(*) FROM grants g "
           "WHERE g.budget_id = budgets.id AND g.state IN ('AGREED', "
           "'PREFINANCED', 'SETTLED')) AS agreed FROM budgets CROSS JOIN "
           "LATERAL (SELECT coalesce(sum(p.travel_cents), 0)::bigint AS "
           "travel, coalesce(sum(p.individual_cents), 0)::bigint AS "
           "individual, coalesce(sum(p.inclusion_cents), 0)::bigint AS "
           "inclusion FROM payments p JOIN grants g ON g.id = p.grant_id WHERE "
           "g.budget_id = budgets.id) paid WHERE budgets.id = $1")},

      {"grant_insert",
       "INSERT INTO grants (id, budget_id, state, participant_reference, "
       "revision, body) "
       "VALUES ($1, $2, $3, $4, 1, $5)"},
      // Added when missing, and locked either way: the update of a row
      // already there takes its lock, as FOR UPDATE would.
      {"application_grant_lock",
       "INSERT INTO application_grants AS g (application) VALUES ($1) ON "
       "CONFLICT (application) DO UPDATE SET application = g.application "
       "RETURNING coalesce(grant_id, ''), close_time IS NOT NULL"},
      {"application_grant_set",
       "UPDATE application_grants SET grant_id = $2 WHERE application = $1"},
      {"application_close",
       absl::StrCat("UPDATE application_grants SET close_time = "
                    "coalesce(close_time, ",
                    TimestampParam(2), ") WHERE application = $1")},
      {"grant_update",
       "UPDATE grants SET state = $2, revision = revision + 1, body = $3 WHERE "
       "id = $1"},
      {"grant_get",
       absl::StrCat("SELECT body, ", kUnconfirmed, " AS unconfirmed, ",
                    kInstitution, " FROM grants WHERE id = $1")},
      {"grant_get_for_update",
       absl::StrCat("SELECT body, ", kUnconfirmed, " AS unconfirmed, ",
                    kInstitution,
                    " FROM grants WHERE id = $1 FOR UPDATE OF grants")},
      {"grant_list",
       absl::StrCat(
           "SELECT id, body, CASE WHEN row_number() OVER (ORDER BY id) = 1 "
           "THEN ",
           kUnconfirmed, " END AS unconfirmed, ", kInstitution,
           " FROM grants WHERE ($1 = '' OR budget_id = $1) AND ($2 = '' OR "
           "state = $2) AND ($3 = '' OR participant_reference = $3) AND ($6 = "
           "'' OR budget_id IN (SELECT id FROM budgets WHERE institution = "
           "$6)) AND id > $4 ORDER BY id LIMIT $5")},

      {"payments_of_grant",
       absl::StrCat(
           "SELECT p.*, p.due_date::text AS due, ",
           TimestampColumn("p.create_time"),
           " AS create_us, EXISTS (SELECT 1 FROM payments r WHERE r.grant_id = "
           "p.grant_id AND r.reverses = p.seq) AS reversed FROM payments p "
           "WHERE "
           "p.grant_id = $1 ORDER BY p.seq")},
      {"payment_insert",
       absl::StrCat(
           "INSERT INTO payments (grant_id, seq, kind, amount_cents, "
           "travel_cents, "
           "individual_cents, inclusion_cents, due_date, reverses, "
           "create_time) "
           "VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM payments WHERE "
           "grant_id = $1), $2, $3, $4, $5, $6, $7::date, $8, ",
           TimestampParam(9), ") RETURNING seq")},
  };
}

absl::StatusOr<std::vector<v1::Rate>> PgGrantsStore::RatesForCall(
    v1::Programme programme, int call_year) {
  return StoreCall([&]() -> std::vector<v1::Rate> {
    std::vector<v1::Rate> out;
    for (const auto& row : txn_.exec_prepared(
             "rates_for_call", v1::Programme_Name(programme), call_year)) {
      out.push_back(RateFromRow(PqxxRow(row)).first);
    }
    return out;
  });
}

absl::StatusOr<std::pair<v1::Rate, int64_t>> PgGrantsStore::GetRate(
    const std::string& id) {
  return StoreCall([&]() -> absl::StatusOr<std::pair<v1::Rate, int64_t>> {
    pqxx::result r = txn_.exec_prepared("rate_get", id);
    if (r.empty()) {
      return Error(absl::StatusCode::kNotFound, "RATE_NOT_FOUND",
                   "no rate rates/" + id, Text(words::RATE_NOT_FOUND));
    }
    return RateFromRow(PqxxRow(r[0]));
  });
}

absl::Status PgGrantsStore::LockRates() {
  return StoreCall([&] { txn_.exec_prepared("rates_lock"); });
}

absl::StatusOr<std::string> PgGrantsStore::OverlappingRate(
    const std::string& id, const v1::Rate& r) {
  return StoreCall([&]() -> std::string {
    pqxx::result found = txn_.exec_prepared(
        "rate_overlapping", id, v1::Rate::Kind_Name(r.kind()),
        v1::Programme_Name(r.programme()), r.first_call_year(),
        r.last_call_year(), r.green_travel(), r.min_km(), r.max_km(),
        v1::Direction_Name(r.direction()), r.country_group(),
        v1::ParticipantKind_Name(r.participant_kind()),
        TextArrayParam({r.country_codes().begin(), r.country_codes().end()}));
    return found.empty() ? "" : "rates/" + found[0][0].as<std::string>();
  });
}

absl::Status PgGrantsStore::InsertRate(const std::string& id,
                                       const v1::Rate& r) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared(
        "rate_insert", id, v1::Rate::Kind_Name(r.kind()),
        v1::Programme_Name(r.programme()), r.first_call_year(),
        r.last_call_year(), r.min_km(), r.max_km(), r.green_travel(),
        v1::Direction_Name(r.direction()), r.country_group(),
        v1::ParticipantKind_Name(r.participant_kind()),
        r.amount().amount_minor(), r.needs_confirmation(),
        TextArrayParam({r.country_codes().begin(), r.country_codes().end()}),
        r.max_days(), ToMicros(r.update_time()));
  });
}

absl::Status PgGrantsStore::UpdateRate(const std::string& id, const v1::Rate& r,
                                       int64_t revision) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared(
        "rate_update", id, r.first_call_year(), r.last_call_year(), r.min_km(),
        r.max_km(), r.green_travel(), v1::Direction_Name(r.direction()),
        r.country_group(), v1::ParticipantKind_Name(r.participant_kind()),
        r.amount().amount_minor(), r.needs_confirmation(), revision,
        TextArrayParam({r.country_codes().begin(), r.country_codes().end()}),
        r.max_days(), ToMicros(r.update_time()));
  });
}

absl::Status PgGrantsStore::InsertBudget(const std::string& id,
                                         const v1::Budget& b) {
  return StoreCall([&]() -> void {
    const std::string end =
        b.has_project_end_date() ? FormatDate(b.project_end_date()) : "";
    txn_.exec_prepared(
        "budget_insert", id, b.project_number(), b.beneficiary(),
        v1::Programme_Name(b.programme()), b.call_year(),
        b.prefinancing_percent(),
        b.organisational_support_per_participant().amount_minor(),
        b.allocated().travel().amount_minor(),
        b.allocated().individual_support().amount_minor(),
        b.allocated().organisational_support().amount_minor(),
        b.allocated().inclusion_support().amount_minor(),
        ToMicros(b.create_time()), b.institution(),
        end.empty() ? nullptr : end.c_str());  // nullptr binds SQL NULL.
  });
}

absl::StatusOr<BudgetRow> PgGrantsStore::GetBudget(const std::string& id,
                                                   bool for_update) {
  return StoreCall([&]() -> absl::StatusOr<BudgetRow> {
    pqxx::result r = txn_.exec_prepared(
        for_update ? "budget_get_for_update" : "budget_get", id);
    if (r.empty()) return BudgetNotFound(id);
    return BudgetFromRow(PqxxRow(r[0]), id);
  });
}

absl::Status PgGrantsStore::SetCommitted(const std::string& id,
                                         const HeadingCents& c) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared("budget_set_committed", id, c.travel, c.individual,
                       c.organisational, c.inclusion);
  });
}

absl::Status PgGrantsStore::InsertGrant(const std::string& id,
                                        const std::string& budget_id,
                                        const v1::Grant& g) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared(
        "grant_insert", id, budget_id, v1::Grant::State_Name(g.state()),
        g.participant().reference(), pqxx::binarystring(g.SerializeAsString()));
  });
}

absl::Status PgGrantsStore::SaveGrant(const std::string& id,
                                      const v1::Grant& g) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared("grant_update", id, v1::Grant::State_Name(g.state()),
                       pqxx::binarystring(g.SerializeAsString()));
  });
}

absl::StatusOr<GrantsStore::ApplicationGrant>
PgGrantsStore::LockApplicationGrant(const std::string& application) {
  return StoreCall([&]() -> ApplicationGrant {
    pqxx::row r = txn_.exec_prepared1("application_grant_lock", application);
    return {r[0].as<std::string>(), r[1].as<bool>()};
  });
}

absl::Status PgGrantsStore::SetApplicationGrant(const std::string& application,
                                                const std::string& grant_id) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared("application_grant_set", application, grant_id);
  });
}

absl::Status PgGrantsStore::CloseApplication(const std::string& application,
                                             absl::Time now) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared("application_close", application,
                       absl::ToUnixMicros(now));
  });
}

absl::StatusOr<v1::Grant> PgGrantsStore::GetGrant(const std::string& id,
                                                  bool for_update) {
  return StoreCall([&]() -> absl::StatusOr<v1::Grant> {
    pqxx::result r = txn_.exec_prepared(
        for_update ? "grant_get_for_update" : "grant_get", id);
    if (r.empty()) return NoSuchGrant(id);
    const PqxxRow row(r[0]);
    return GrantFromRow(row, id, UnconfirmedIn(row.Text("unconfirmed")));
  });
}

absl::StatusOr<std::vector<v1::Grant>> PgGrantsStore::ListGrants(
    const GrantFilter& filter, const std::string& after_id, int limit) {
  return StoreCall([&]() -> std::vector<v1::Grant> {
    std::vector<v1::Grant> out;
    UnconfirmedRates unconfirmed;
    const pqxx::result rows = txn_.exec_prepared(
        "grant_list", filter.budget_id, filter.state,
        filter.participant_reference, after_id, limit, filter.institution);
    for (int i = 0; i < static_cast<int>(rows.size()); ++i) {
      const PqxxRow row(rows[i]);
      out.push_back(GrantFromRow(row, "grant_list",
                                 ListedUnconfirmed(row, i, unconfirmed)));
    }
    return out;
  });
}

absl::StatusOr<std::vector<PaymentRow>> PgGrantsStore::Payments(
    const std::string& grant_id) {
  return StoreCall([&]() -> std::vector<PaymentRow> {
    std::vector<PaymentRow> out;
    for (const auto& row : txn_.exec_prepared("payments_of_grant", grant_id))
      out.push_back(PaymentFromRow(PqxxRow(row), grant_id));
    return out;
  });
}

absl::StatusOr<PaymentRow> PgGrantsStore::AppendPayment(
    const std::string& grant_id, v1::Payment::Kind kind,
    const HeadingCents& split, absl::CivilDay due, int reverses_seq,
    absl::Time now) {
  return StoreCall([&]() -> PaymentRow {
    const int64_t amount = split.travel + split.individual + split.inclusion;
    const std::string due_text = FormatDate(ToDate(due));
    const int64_t now_micros = absl::ToUnixMicros(now);
    pqxx::result r =
        reverses_seq > 0
            ? txn_.exec_prepared(
                  "payment_insert", grant_id, v1::Payment::Kind_Name(kind),
                  amount, split.travel, split.individual, split.inclusion,
                  due_text, reverses_seq, now_micros)
            : txn_.exec_prepared(
                  "payment_insert", grant_id, v1::Payment::Kind_Name(kind),
                  amount, split.travel, split.individual, split.inclusion,
                  due_text, static_cast<const char*>(nullptr), now_micros);
    PaymentRow p;
    p.seq = r[0][0].as<int>();
    p.payment.set_name(absl::StrCat("grants/", grant_id, "/payments/", p.seq));
    p.payment.set_kind(kind);
    *p.payment.mutable_amount() = Euros(amount);
    *p.payment.mutable_due_date() = ToDate(due);
    if (reverses_seq > 0) {
      p.payment.set_reverses(
          absl::StrCat("grants/", grant_id, "/payments/", reverses_seq));
    }
    *p.payment.mutable_create_time() = ToTimestamp(now);
    p.split = split;
    return p;
  });
}

}  // namespace mobility::grants
