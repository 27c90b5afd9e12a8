#include "services/agreements/pg_agreements_store.h"

#include <google/protobuf/unknown_field_set.h>
#include <google/protobuf/util/time_util.h>

#include <optional>

#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/reference_data.h"
#include "common/status.h"
#include "common/types.h"
#include "services/agreements/words.h"

namespace mobility::agreements {
namespace {

std::string InstitutionName(const std::string& id) {
  return "institutions/" + id;
}

// `Row` is PqxxRow or PgRow: a transaction and the reactor decode one way.
template <typename Row>
std::pair<v1::Institution, int64_t> InstitutionFromRow(const Row& row) {
  v1::Institution i;
  i.set_name(InstitutionName(row.Text("id")));
  i.set_display_name(row.Text("display_name"));
  i.set_erasmus_code(row.Text("erasmus_code"));
  i.set_schac_id(row.Text("schac_id"));
  i.set_country_code(row.Text("country_code"));
  i.set_city(row.Text("city"));
  i.set_latitude(row.Double("latitude"));
  i.set_longitude(row.Double("longitude"));
  i.set_entered_by(row.Text("entered_by"));
  *i.mutable_create_time() = FromMicros(row.Int64("create_us"));
  *i.mutable_update_time() = FromMicros(row.Int64("update_us"));
  int64_t revision = row.Int64("revision");
  i.set_etag(Etag(i.name(), revision));
  return {i, revision};
}

absl::Status InstitutionNotFound(const std::string& id) {
  return Error(absl::StatusCode::kNotFound, "INSTITUTION_NOT_FOUND",
               absl::StrCat("no institution ", InstitutionName(id)),
               Text(words::INSTITUTION_NOT_FOUND));
}

absl::Status AgreementNotFound(const std::string& id) {
  return Error(absl::StatusCode::kNotFound, "AGREEMENT_NOT_FOUND",
               absl::StrCat("no agreement agreements/", id),
               Text(words::AGREEMENT_NOT_FOUND));
}

absl::Status RevisionNotFound(const std::string& id, int64_t revision) {
  return Error(absl::StatusCode::kNotFound, "REVISION_NOT_FOUND",
               absl::StrCat("agreements/", id, " has no revision ", revision),
               Text(words::REVISION_NOT_FOUND));
}

// Agreements stored before EWP IIA v7 kept the yearly totals as integers
// (fields 6 and 7 of a condition, now reserved), and had no in-force revision:
// both are read into today's fields, so old data stays whole without a
// rewrite. Their content hash stays the one partners approved.
void UpgradeStoredAgreement(v1::Agreement& a) {
  for (auto& c : *a.mutable_cooperation_conditions()) {
    // Bodies written since carry none: reading them allocates nothing.
    if (c.GetReflection()->GetUnknownFields(c).empty()) continue;
    google::protobuf::UnknownFieldSet* unknown =
        c.GetReflection()->MutableUnknownFields(&c);
    for (int i = 0; i < unknown->field_count(); ++i) {
      const google::protobuf::UnknownField& f = unknown->field(i);
      if (f.type() != google::protobuf::UnknownField::TYPE_VARINT) continue;
      const std::string total = std::to_string(f.varint());
      if (f.number() == 6 && f.varint() != 0)
        c.set_total_months_per_year(total);
      if (f.number() == 7 && f.varint() != 0) c.set_total_days_per_year(total);
    }
    unknown->Clear();
  }
  if (a.in_force_revision() == 0 && (a.state() == v1::Agreement::APPROVED ||
                                     a.state() == v1::Agreement::TERMINATED)) {
    a.set_in_force_revision(a.revision());
  }
}

// `Row` is PqxxRow or PgRow, the body in its `body` column.
template <typename Row>
v1::Agreement AgreementFromRow(const Row& row, absl::string_view name) {
  v1::Agreement a = ParseBody<v1::Agreement>(row, "body", name);
  UpgradeStoredAgreement(a);
  return a;
}

// The day a notice of termination takes effect, SQL NULL when none was given.
std::optional<std::string> TerminateOn(const v1::Agreement& a) {
  if (!a.has_termination_effective_date()) return std::nullopt;
  return FormatDate(a.termination_effective_date());
}

std::string PartnerId(const v1::Agreement& a, int index) {
  // Partners are validated resource names before anything is stored.
  return a.partners(index).institution().substr(
      std::string("institutions/").size());
}

int StartYear(const std::string& academic_year) {
  return *ParseAcademicYear(academic_year);
}

v1::MobilityAllocation AllocationFromRow(const pqxx::row& row,
                                         const std::string& agreement_id) {
  v1::MobilityAllocation a;
  a.set_agreement("agreements/" + agreement_id);
  a.set_allocation_key(row["allocation_key"].as<std::string>());
  a.set_condition_id(row["condition_id"].as<std::string>());
  a.set_academic_year(FormatAcademicYear(row["academic_year"].as<int>()));
  v1::MobilityAllocation::State state =
      v1::MobilityAllocation::STATE_UNSPECIFIED;
  v1::MobilityAllocation::State_Parse(row["state"].as<std::string>(), &state);
  a.set_state(state);
  *a.mutable_allocate_time() = FromMicros(row["allocate_us"].as<int64_t>());
  if (!row["release_us"].is_null()) {
    *a.mutable_release_time() = FromMicros(row["release_us"].as<int64_t>());
  }
  return a;
}

}  // namespace

std::vector<PreparedStatement> PgAgreementsStore::Statements() {
  const std::string institution_columns = absl::StrCat(
      "id, display_name, erasmus_code, schac_id, country_code, city, latitude, "
      "longitude, entered_by, revision, ",
      TimestampColumn("create_time"), " AS create_us, ",
      TimestampColumn("update_time"), " AS update_us");
  const std::string allocation_columns =
      absl::StrCat("allocation_key, condition_id, academic_year, state, ",
                   TimestampColumn("allocate_time"), " AS allocate_us, ",
                   TimestampColumn("release_time"), " AS release_us");
  return {
      {"institution_insert",
       absl::StrCat(
           "INSERT INTO institutions (id, display_name, erasmus_code, "
           "schac_id, "
           "country_code, city, latitude, longitude, revision, create_time, "
           "update_time, entered_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
           "$9, ",
           TimestampParam(10), ", ", TimestampParam(11), ", $12)")},
      {"institution_update",
       absl::StrCat(
           "UPDATE institutions SET display_name = $2, erasmus_code = $3, "
           "schac_id = $4, country_code = $5, city = $6, latitude = $7, "
           "longitude = $8, revision = $9, update_time = ",
           TimestampParam(10), " WHERE id = $1")},
      {"institution_get", absl::StrCat("SELECT ", institution_columns,
                                       " FROM institutions WHERE id = $1")},
      {"institution_get_for_update",
       absl::StrCat("SELECT ", institution_columns,
                    " FROM institutions WHERE id = $1 FOR UPDATE")},
      {"institution_list", absl::StrCat("SELECT ", institution_columns,
                                        " FROM institutions WHERE ($1 = '' OR "
                                        "country_code = $1) AND id > $2 "
                                        "ORDER BY id LIMIT $3")},
      {"isced_field_names",
       "SELECT code, name FROM isced_fields WHERE code = ANY($1::text[])"},
      {"institution_countries",
       "SELECT id, country_code FROM institutions WHERE id = ANY($1::text[])"},

      {"agreement_insert",
       "INSERT INTO agreements (id, state, revision, first_year, last_year, "
       "partner_a, "
       "partner_b, body, update_time) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
       "now())"},
      {"agreement_update",
       "UPDATE agreements SET state = $2, revision = $3, first_year = $4, "
       "last_year = $5, "
       "partner_a = $6, partner_b = $7, body = $8, terminate_on = $9::date, "
       "update_time = now() WHERE id = $1"},
      {"agreement_delete",
       "WITH revisions AS (DELETE FROM agreement_revisions WHERE agreement_id "
       "= $1) DELETE FROM agreements WHERE id = $1"},
      {"allocation_count_all",
       "SELECT count(*) FROM mobility_allocations WHERE agreement_id = $1 AND "
       "state = 'ALLOCATED'"},
      {"agreement_revision_insert",
       "INSERT INTO agreement_revisions (agreement_id, revision, body) VALUES "
       "($1, $2, $3)"},
      {"agreement_get", "SELECT body FROM agreements WHERE id = $1"},
      {"agreement_get_for_update",
       "SELECT body FROM agreements WHERE id = $1 FOR UPDATE"},
      {"agreement_get_for_share",
       "SELECT body FROM agreements WHERE id = $1 FOR SHARE"},
      // Transaction-scoped advisory locks: a hash collision only serializes
      // two allocations that could have gone on together. The key first,
      // always, so two allocations never wait on each other in a circle.
      {"quota_lock",
       "SELECT pg_advisory_xact_lock(hashtextextended('allocation key ' || $1 "
       "|| ' ' || $2, 0)), pg_advisory_xact_lock(hashtextextended('quota ' "
       "|| $1 || ' ' || $3 || ' ' || $4, 0))"},
      {"agreement_revision_get",
       "SELECT body FROM agreement_revisions WHERE agreement_id = $1 AND "
       "revision = $2"},
      {"agreement_list",
       "SELECT id, body FROM agreements WHERE ($1 = '' OR partner_a = $1 OR "
       "partner_b = $1) "
       "AND ($2 = 0 OR (first_year <= $2 AND last_year >= $2)) AND ($3 = '' OR "
       "(CASE WHEN terminate_on <= $8::date THEN "
       "'TERMINATED' ELSE state END) = $3) "
       "AND (NOT $6 OR (state IN ('APPROVED', 'AMENDED') AND "
       "(terminate_on IS NULL OR terminate_on > $8::date))) "
       "AND ($7 = '' OR partner_a = $7 OR partner_b = $7) "
       "AND id > $4 ORDER BY id LIMIT $5"},

      {"agreement_revisions_get",
       "SELECT agreement_id, revision, body FROM agreement_revisions WHERE "
       "(agreement_id, revision) IN (SELECT * FROM unnest($1::text[], "
       "$2::bigint[]))"},

      {"allocation_find",
       absl::StrCat("SELECT ", allocation_columns,
                    " FROM mobility_allocations WHERE agreement_id = $1 AND "
                    "allocation_key = $2")},
      {"allocation_key_close",
       absl::StrCat("INSERT INTO closed_allocation_keys (agreement_id, "
                    "allocation_key, close_time) VALUES ($1, $2, ",
                    TimestampParam(3), ") ON CONFLICT DO NOTHING")},
      // Read once quota_lock holds, in a statement of its own: a statement
      // sees what committed before it began, so not what committed while
      // it waited for the lock.
      {"quota_read",
       absl::StrCat(
           "SELECT EXISTS (SELECT 1 FROM closed_allocation_keys WHERE "
           "agreement_id = $1 AND allocation_key = $2) AS key_closed, (SELECT "
           "count(*) FROM mobility_allocations WHERE agreement_id = $1 AND "
           "condition_id = $3 AND academic_year = $4 AND state = 'ALLOCATED') "
           "AS allocated, held.* FROM (SELECT 1) one LEFT JOIN (SELECT ",
           allocation_columns,
           " FROM mobility_allocations WHERE agreement_id = $1 AND "
           "allocation_key = $2) held ON true")},
      {"allocation_save",
       absl::StrCat(
           "INSERT INTO mobility_allocations (agreement_id, allocation_key, "
           "condition_id, academic_year, state, allocate_time, release_time) "
           "VALUES "
           "($1, $2, $3, $4, $5, ",
           TimestampParam(6), ", CASE WHEN $7::bigint IS NULL THEN NULL ELSE ",
           TimestampParam(7),
           " END) ON CONFLICT (agreement_id, allocation_key) DO UPDATE SET "
           "condition_id = EXCLUDED.condition_id, academic_year = "
           "EXCLUDED.academic_year, state = EXCLUDED.state, allocate_time = "
           "EXCLUDED.allocate_time, release_time = EXCLUDED.release_time")},
      // The body comes once, on the first row; each row after it one count.
      {"agreement_usage",
       "SELECT CASE WHEN c.n IS NULL OR c.row = 1 THEN a.body END AS body, "
       "c.condition_id, c.academic_year, c.n FROM agreements a LEFT JOIN "
       "(SELECT condition_id, academic_year, count(*) AS n, "
       "row_number() OVER () AS row FROM mobility_allocations "
       "WHERE agreement_id = $1 AND state = 'ALLOCATED' "
       "GROUP BY condition_id, academic_year) c ON true WHERE a.id = $1"},
  };
}

absl::Status PgAgreementsStore::InsertInstitution(const std::string& id,
                                                  const v1::Institution& i,
                                                  int64_t revision) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared("institution_insert", id, i.display_name(),
                       i.erasmus_code(), i.schac_id(), i.country_code(),
                       i.city(), i.latitude(), i.longitude(), revision,
                       ToMicros(i.create_time()), ToMicros(i.update_time()),
                       i.entered_by());
  });
}

absl::StatusOr<std::pair<v1::Institution, int64_t>>
PgAgreementsStore::GetInstitution(const std::string& id, bool for_update) {
  return StoreCall(
      [&]() -> absl::StatusOr<std::pair<v1::Institution, int64_t>> {
        pqxx::result r = txn_.exec_prepared(
            for_update ? "institution_get_for_update" : "institution_get", id);
        if (r.empty()) return InstitutionNotFound(id);
        return InstitutionFromRow(PqxxRow(r[0]));
      });
}

absl::Status PgAgreementsStore::UpdateInstitution(const std::string& id,
                                                  const v1::Institution& i,
                                                  int64_t revision) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared("institution_update", id, i.display_name(),
                       i.erasmus_code(), i.schac_id(), i.country_code(),
                       i.city(), i.latitude(), i.longitude(), revision,
                       ToMicros(i.update_time()));
  });
}

absl::StatusOr<std::map<std::string, std::string>>
PgAgreementsStore::IscedFieldNames(const std::vector<std::string>& codes) {
  return StoreCall([&]() -> std::map<std::string, std::string> {
    std::map<std::string, std::string> out;
    if (codes.empty()) return out;
    for (const auto& row :
         txn_.exec_prepared("isced_field_names", TextArrayParam(codes))) {
      out[row[0].as<std::string>()] = row[1].as<std::string>();
    }
    return out;
  });
}

absl::StatusOr<std::map<std::string, std::string>>
PgAgreementsStore::InstitutionCountries(const std::vector<std::string>& names) {
  return StoreCall([&]() -> std::map<std::string, std::string> {
    constexpr absl::string_view kPrefix = "institutions/";
    std::vector<std::string> ids;
    for (const auto& name : names) {
      if (name.rfind(kPrefix.data(), 0) == 0)
        ids.push_back(name.substr(kPrefix.size()));
    }
    std::map<std::string, std::string> out;
    if (ids.empty()) return out;
    // One round trip for every partner of the agreement.
    for (const auto& row :
         txn_.exec_prepared("institution_countries", TextArrayParam(ids))) {
      out[absl::StrCat(kPrefix, row[0].as<std::string>())] =
          row[1].as<std::string>();
    }
    return out;
  });
}

absl::Status PgAgreementsStore::InsertAgreement(const std::string& id,
                                                const v1::Agreement& a) {
  return StoreCall([&]() -> void {
    const pqxx::binarystring body(a.SerializeAsString());
    txn_.exec_prepared("agreement_insert", id,
                       v1::Agreement::State_Name(a.state()), a.revision(),
                       StartYear(a.first_academic_year()),
                       StartYear(a.last_academic_year()), PartnerId(a, 0),
                       PartnerId(a, 1), body);
    txn_.exec_prepared("agreement_revision_insert", id, a.revision(), body);
  });
}

absl::Status PgAgreementsStore::SaveAgreement(const std::string& id,
                                              const v1::Agreement& a) {
  return StoreCall([&]() -> void {
    const pqxx::binarystring body(a.SerializeAsString());
    const std::optional<std::string> terminate_on = TerminateOn(a);
    txn_.exec_prepared(
        "agreement_update", id, v1::Agreement::State_Name(a.state()),
        a.revision(), StartYear(a.first_academic_year()),
        StartYear(a.last_academic_year()), PartnerId(a, 0), PartnerId(a, 1),
        body, terminate_on.has_value() ? terminate_on->c_str() : nullptr);
    txn_.exec_prepared("agreement_revision_insert", id, a.revision(), body);
  });
}

absl::StatusOr<v1::Agreement> PgAgreementsStore::GetAgreement(
    const std::string& id, RowLock lock) {
  return StoreCall([&]() -> absl::StatusOr<v1::Agreement> {
    pqxx::result r =
        txn_.exec_prepared(lock == RowLock::kUpdate ? "agreement_get_for_update"
                                                    : "agreement_get_for_share",
                           id);
    if (r.empty()) return AgreementNotFound(id);
    return AgreementFromRow(PqxxRow(r[0]), id);
  });
}

absl::StatusOr<v1::Agreement> PgAgreementsStore::GetAgreementRevision(
    const std::string& id, int64_t revision) {
  return StoreCall([&]() -> absl::StatusOr<v1::Agreement> {
    pqxx::result r = txn_.exec_prepared("agreement_revision_get", id, revision);
    if (r.empty()) return RevisionNotFound(id, revision);
    return AgreementFromRow(PqxxRow(r[0]),
                            absl::StrCat(id, " revision ", revision));
  });
}

absl::Status PgAgreementsStore::DeleteAgreement(const std::string& id) {
  return StoreCall(
      [&]() -> void { txn_.exec_prepared("agreement_delete", id); });
}

absl::StatusOr<int> PgAgreementsStore::CountAllocations(
    const std::string& agreement_id) {
  return StoreCall([&]() -> int {
    return txn_.exec_prepared("allocation_count_all", agreement_id)[0][0]
        .as<int>();
  });
}

absl::StatusOr<std::optional<v1::MobilityAllocation>>
PgAgreementsStore::FindAllocation(const std::string& agreement_id,
                                  const std::string& key) {
  return StoreCall([&]() -> std::optional<v1::MobilityAllocation> {
    pqxx::result r = txn_.exec_prepared("allocation_find", agreement_id, key);
    if (r.empty()) return std::nullopt;
    return AllocationFromRow(r[0], agreement_id);
  });
}

absl::StatusOr<AgreementsStore::Quota> PgAgreementsStore::ReadQuota(
    const std::string& agreement_id, const std::string& key,
    const std::string& condition_id, int academic_year) {
  return StoreCall([&]() -> Quota {
    const pqxx::row row = txn_.exec_prepared1("quota_read", agreement_id, key,
                                              condition_id, academic_year);
    Quota quota;
    quota.key_closed = row["key_closed"].as<bool>();
    quota.allocated = row["allocated"].as<int>();
    if (!row["allocation_key"].is_null())
      quota.held = AllocationFromRow(row, agreement_id);
    return quota;
  });
}

absl::Status PgAgreementsStore::LockQuota(const std::string& agreement_id,
                                          const std::string& key,
                                          const std::string& condition_id,
                                          int academic_year) {
  return StoreCall([&] {
    txn_.exec_prepared("quota_lock", agreement_id, key, condition_id,
                       academic_year);
  });
}

absl::Status PgAgreementsStore::SaveAllocation(const std::string& agreement_id,
                                               const v1::MobilityAllocation& a,
                                               int academic_year) {
  return StoreCall([&]() -> void {
    const std::string state = v1::MobilityAllocation::State_Name(a.state());
    if (a.has_release_time()) {
      txn_.exec_prepared("allocation_save", agreement_id, a.allocation_key(),
                         a.condition_id(), academic_year, state,
                         ToMicros(a.allocate_time()),
                         ToMicros(a.release_time()));
    } else {
      const char* no_release_time = nullptr;  // Binds SQL NULL.
      txn_.exec_prepared("allocation_save", agreement_id, a.allocation_key(),
                         a.condition_id(), academic_year, state,
                         ToMicros(a.allocate_time()), no_release_time);
    }
  });
}

absl::Status PgAgreementsStore::CloseAllocationKey(
    const std::string& agreement_id, const std::string& key, absl::Time now) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared("allocation_key_close", agreement_id, key,
                       absl::ToUnixMicros(now));
  });
}

void PgAgreementsReads::GetInstitution(const CallLimit& limit,
                                       const std::string& id,
                                       Then<v1::Institution> then) {
  reactor_.Read(
      limit, "institution_get", {id},
      FirstRow(
          std::move(then), [id] { return InstitutionNotFound(id); },
          [](const PgRow& row) { return InstitutionFromRow(row).first; }));
}

void PgAgreementsReads::ListInstitutions(
    const CallLimit& limit, const std::string& country_code,
    const std::string& after_id, int max_rows,
    Then<std::vector<v1::Institution>> then) {
  reactor_.Read(limit, "institution_list",
                {country_code, after_id, std::to_string(max_rows)},
                EveryRow(std::move(then), [](const PgRow& row, int) {
                  return InstitutionFromRow(row).first;
                }));
}

void PgAgreementsReads::GetAgreement(const CallLimit& limit,
                                     const std::string& id,
                                     Then<v1::Agreement> then) {
  reactor_.Read(
      limit, "agreement_get", {id},
      FirstRow(
          std::move(then), [id] { return AgreementNotFound(id); },
          [id](const PgRow& row) { return AgreementFromRow(row, id); }));
}

void PgAgreementsReads::GetAgreementUsage(
    const CallLimit& limit, const std::string& id,
    Then<AgreementsStore::AgreementUsage> then) {
  reactor_.Read(
      limit, "agreement_usage", {id},
      [id, then = std::move(then)](absl::StatusOr<PgRows> rows) {
        if (!rows.ok()) return then(rows.status());
        if (rows->size() == 0) return then(AgreementNotFound(id));
        then(StoreCall([&] {
          AgreementsStore::AgreementUsage usage;
          for (int i = 0; i < rows->size(); ++i) {
            PgRow row(*rows, i);
            // The body comes with the first row only.
            if (!row.IsNull("body"))
              usage.agreement = AgreementFromRow(row, id);
            if (!row.IsNull("n")) {
              usage.allocated[{row.Text("condition_id"),
                               static_cast<int>(row.Int64("academic_year"))}] =
                  static_cast<int>(row.Int64("n"));
            }
          }
          return usage;
        }));
      });
}

void PgAgreementsReads::GetAgreementRevision(const CallLimit& limit,
                                             const std::string& id,
                                             int64_t revision,
                                             Then<v1::Agreement> then) {
  reactor_.Read(limit, "agreement_revision_get", {id, std::to_string(revision)},
                FirstRow(
                    std::move(then),
                    [id, revision] { return RevisionNotFound(id, revision); },
                    [id, revision](const PgRow& row) {
                      return AgreementFromRow(
                          row, absl::StrCat(id, " revision ", revision));
                    }));
}

void PgAgreementsReads::GetAgreementRevisions(
    const CallLimit& limit, const std::vector<RevisionKey>& keys,
    Then<std::map<RevisionKey, v1::Agreement>> then) {
  std::vector<std::string> ids;
  std::string revisions = "{";
  for (const auto& [id, revision] : keys) {
    ids.push_back(id);
    absl::StrAppend(&revisions, revisions.size() > 1 ? "," : "", revision);
  }
  revisions.push_back('}');
  reactor_.Read(
      limit, "agreement_revisions_get", {TextArrayParam(ids), revisions},
      [keys, then = std::move(then)](absl::StatusOr<PgRows> rows) {
        if (!rows.ok()) return then(rows.status());
        auto found = StoreCall([&] {
          std::map<RevisionKey, v1::Agreement> out;
          for (int i = 0; i < rows->size(); ++i) {
            PgRow row(*rows, i);
            RevisionKey key{row.Text("agreement_id"), row.Int64("revision")};
            v1::Agreement a = AgreementFromRow(
                row, absl::StrCat(key.first, " revision ", key.second));
            out.emplace(std::move(key), std::move(a));
          }
          return out;
        });
        if (!found.ok()) return then(found.status());
        for (const auto& key : keys) {
          if (found->count(key) == 0)
            return then(RevisionNotFound(key.first, key.second));
        }
        then(*std::move(found));
      });
}

void PgAgreementsReads::ListAgreements(
    const CallLimit& limit, const AgreementsStore::AgreementFilter& filter,
    const std::string& after_id, int max_rows,
    Then<std::vector<v1::Agreement>> then) {
  reactor_.Read(
      limit, "agreement_list",
      {filter.partner_institution_id, std::to_string(filter.academic_year),
       filter.state, after_id, std::to_string(max_rows),
       filter.in_force ? "true" : "false", filter.member_institution_id,
       absl::FormatCivilTime(filter.today)},
      EveryRow(std::move(then), [](const PgRow& row, int) {
        return AgreementFromRow(row, row.Text("id"));
      }));
}

}  // namespace mobility::agreements
