#include "services/grants/pg_grants_store.h"

#include <set>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/api.h"
#include "common/status.h"
#include "common/types.h"
#include "common/wire.h"
#include "services/grants/grant_rules.h"
#include "services/grants/words.h"

namespace mobility::grants {
namespace {

constexpr char kRateColumns[] =
    "id, kind, programme, first_call_year, last_call_year, min_km, max_km, "
    "green_travel, "
    "direction, country_group, participant_kind, amount_cents, "
    "needs_confirmation, revision, country_codes, max_days";

// An enum column's value by its name (unknown: the zero value).
template <typename Enum>
Enum EnumOf(const std::string& name, bool (*parse)(const std::string&, Enum*)) {
  Enum value{};
  parse(name, &value);
  return value;
}

// A rate row and its revision. `Row` is PqxxRow or PgRow.
template <typename Row>
std::pair<v1::Rate, int64_t> RateFromRow(const Row& row) {
  v1::Rate r;
  r.set_name("rates/" + row.Text("id"));
  r.set_kind(EnumOf(row.Text("kind"), &v1::Rate::Kind_Parse));
  r.set_programme(EnumOf(row.Text("programme"), &v1::Programme_Parse));
  r.set_first_call_year(static_cast<int>(row.Int64("first_call_year")));
  r.set_last_call_year(static_cast<int>(row.Int64("last_call_year")));
  r.set_min_km(static_cast<int>(row.Int64("min_km")));
  r.set_max_km(static_cast<int>(row.Int64("max_km")));
  r.set_green_travel(row.Bool("green_travel"));
  r.set_direction(EnumOf(row.Text("direction"), &v1::Direction_Parse));
  r.set_country_group(static_cast<int>(row.Int64("country_group")));
  r.set_participant_kind(
      EnumOf(row.Text("participant_kind"), &v1::ParticipantKind_Parse));
  *r.mutable_amount() = Euros(row.Int64("amount_cents"));
  r.set_needs_confirmation(row.Bool("needs_confirmation"));
  for (absl::string_view code :
       absl::StrSplit(row.Text("country_codes_text"), ' ', absl::SkipEmpty())) {
    r.add_country_codes(std::string(code));
  }
  r.set_max_days(static_cast<int>(row.Int64("max_days")));
  *r.mutable_update_time() = FromMicros(row.Int64("update_us"));
  const int64_t revision = row.Int64("revision");
  r.set_etag(Etag(r.name(), revision));
  return {r, revision};
}

absl::Status NoSuchGrant(const std::string& id) {
  return Error(absl::StatusCode::kNotFound, "GRANT_NOT_FOUND",
               "no grant grants/" + id, Text(words::GRANT_NOT_FOUND));
}

// A row of budget_get or budget_report. `Row` is PqxxRow or PgRow.
template <typename Row>
BudgetRow BudgetFromRow(const Row& row, const std::string& id) {
  BudgetRow out;
  v1::Budget& b = out.budget;
  b.set_name("budgets/" + id);
  b.set_project_number(row.Text("project_number"));
  b.set_beneficiary(row.Text("beneficiary"));
  b.set_institution(row.Text("institution"));
  b.set_programme(EnumOf(row.Text("programme"), &v1::Programme_Parse));
  b.set_call_year(static_cast<int>(row.Int64("call_year")));
  b.set_prefinancing_percent(
      static_cast<int>(row.Int64("prefinancing_percent")));
  *b.mutable_organisational_support_per_participant() =
      Euros(row.Int64("organisational_support_per_participant_cents"));
  *b.mutable_allocated()->mutable_travel() =
      Euros(row.Int64("allocated_travel_cents"));
  *b.mutable_allocated()->mutable_individual_support() =
      Euros(row.Int64("allocated_individual_cents"));
  *b.mutable_allocated()->mutable_organisational_support() =
      Euros(row.Int64("allocated_organisational_cents"));
  *b.mutable_allocated()->mutable_inclusion_support() =
      Euros(row.Int64("allocated_inclusion_cents"));
  *b.mutable_create_time() = FromMicros(row.Int64("create_us"));
  // project_end_date::text, ISO 8601.
  if (absl::CivilDay end; !row.IsNull("project_end") &&
                          absl::ParseCivilTime(row.Text("project_end"), &end)) {
    *b.mutable_project_end_date() = ToDate(end);
  }
  out.committed = {row.Int64("committed_travel_cents"),
                   row.Int64("committed_individual_cents"),
                   row.Int64("committed_organisational_cents"),
                   row.Int64("committed_inclusion_cents")};
  return out;
}

// The rates still marked "(check)", as the `unconfirmed` column lists them.
using UnconfirmedRates = absl::flat_hash_set<std::string>;
UnconfirmedRates UnconfirmedIn(absl::string_view listed) {
  return absl::StrSplit(listed, ' ', absl::SkipEmpty());
}

// A grant's bytes as they are answered, spliced from its stored body without
// parsing it: the body's fields but the output-only ones it may carry from
// when it was written, then those read now: the applied rates among
// `unconfirmed`, and the institution whose budget pays it. Protobuf takes
// fields in any order. `Row` is PqxxRow or PgRow: a transaction and the
// reactor encode one way.
template <typename Row>
std::string GrantBytes(const Row& row, absl::string_view name,
                       const UnconfirmedRates& unconfirmed) {
  const auto stored = row.Bytes("body");
  std::string out;
  out.reserve(stored.size() + 64);
  std::string rates;  // unconfirmed_rates, in the order they were applied.
  wire::FieldReader body(stored);
  bool ok = true;
  for (wire::Field field; body.Next(&field);) {
    if (field.number == v1::Grant::kUnconfirmedRatesFieldNumber ||
        field.number == v1::Grant::kInstitutionFieldNumber) {
      continue;
    }
    out.append(field.whole.data(), field.whole.size());
    if (field.number != v1::Grant::kQuoteFieldNumber || unconfirmed.empty())
      continue;
    wire::FieldReader quote(field.content);
    for (wire::Field applied; quote.Next(&applied);) {
      if (applied.number != v1::GrantQuote::kAppliedRatesFieldNumber) continue;
      wire::FieldReader rate(applied.content);
      for (wire::Field column; rate.Next(&column);) {
        if (column.number == v1::Rate::kNameFieldNumber &&
            unconfirmed.contains(column.content)) {
          wire::AppendLengthDelimited(
              &rates, v1::Grant::kUnconfirmedRatesFieldNumber, column.content);
        }
      }
      ok = ok && rate.ok();
    }
    ok = ok && quote.ok();
  }
  if (!ok || !body.ok()) {
    throw StoredBodyError(row.Table("body"), "body", name,
                          v1::Grant::descriptor()->full_name());
  }
  out += rates;
  const std::string institution = row.Text("institution");
  if (!institution.empty()) {
    wire::AppendLengthDelimited(&out, v1::Grant::kInstitutionFieldNumber,
                                institution);
  }
  return out;
}

// A grant as GrantBytes answers it, for the domain to work on.
template <typename Row>
v1::Grant GrantFromRow(const Row& row, absl::string_view name,
                       const UnconfirmedRates& unconfirmed) {
  const std::string bytes = GrantBytes(row, name, unconfirmed);
  v1::Grant g;
  if (!g.ParseFromString(bytes)) {
    throw StoredBodyError(row.Table("body"), "body", name,
                          v1::Grant::descriptor()->full_name());
  }
  return g;
}

// Read with a grant: the rates awaiting confirmation, evaluated once a query,
// and the institution whose budget pays it.
constexpr char kUnconfirmed[] =
    "(SELECT coalesce(string_agg('rates/' || id, ' '), '') FROM rates WHERE "
    "needs_confirmation)";
constexpr char kInstitution[] =
    "(SELECT b.institution FROM budgets b WHERE b.id = grants.budget_id) AS "
    "institution";

// The rates awaiting confirmation of a page of grants, which grant_list sends
// with the first row only (the same for every row, and longer than a grant's
// body).
template <typename Row>
const UnconfirmedRates& ListedUnconfirmed(const Row& row, int i,
                                          UnconfirmedRates& unconfirmed) {
  if (i == 0) unconfirmed = UnconfirmedIn(row.Text("unconfirmed"));
  return unconfirmed;
}

// A row of payments_of_grant. `Row` is PqxxRow or PgRow.
template <typename Row>
PaymentRow PaymentFromRow(const Row& row, const std::string& grant_id) {
  PaymentRow p;
  p.seq = static_cast<int>(row.Int64("seq"));
  p.payment.set_name(absl::StrCat("grants/", grant_id, "/payments/", p.seq));
  p.payment.set_kind(EnumOf(row.Text("kind"), &v1::Payment::Kind_Parse));
  *p.payment.mutable_amount() = Euros(row.Int64("amount_cents"));
  absl::CivilDay due;
  absl::ParseCivilTime(row.Text("due"), &due);  // due_date::text, ISO 8601.
  *p.payment.mutable_due_date() = ToDate(due);
  if (!row.IsNull("reverses")) {
    p.payment.set_reverses(
        absl::StrCat("grants/", grant_id, "/payments/", row.Int64("reverses")));
  }
  *p.payment.mutable_create_time() = FromMicros(row.Int64("create_us"));
  p.split = {row.Int64("travel_cents"), row.Int64("individual_cents"), 0,
             row.Int64("inclusion_cents")};
  p.reversed = row.Bool("reversed");
  return p;
}

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
