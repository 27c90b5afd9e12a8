// The rows of the grants schema, decoded one way whether a transaction
// (PqxxRow) or the reactor (PgRow) read them: pg_grants_store.cc and
// pg_grants_reads.cc share them. Internal to the PostgreSQL store.
#ifndef MOBILITY_SERVICES_GRANTS_GRANT_ROWS_H_
#define MOBILITY_SERVICES_GRANTS_GRANT_ROWS_H_

#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/api.h"
#include "common/pg_store.h"
#include "common/status.h"
#include "common/types.h"
#include "common/wire.h"
#include "services/grants/grant_rules.h"
#include "services/grants/grants_store.h"
#include "services/grants/words.h"

namespace mobility::grants {
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

inline absl::Status NoSuchGrant(const std::string& id) {
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
inline UnconfirmedRates UnconfirmedIn(absl::string_view listed) {
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

}  // namespace mobility::grants

#endif  // MOBILITY_SERVICES_GRANTS_GRANT_ROWS_H_
