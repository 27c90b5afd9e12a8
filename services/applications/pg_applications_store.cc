#include "services/applications/pg_applications_store.h"

#include "absl/strings/str_cat.h"
#include "common/outbox.h"
#include "common/status.h"
#include "common/types.h"
#include "services/applications/application_rules.h"
#include "services/applications/words.h"

namespace mobility::applications {
namespace {

absl::Status ApplicationMissing(const std::string& id) {
  return Error(absl::StatusCode::kNotFound, "APPLICATION_NOT_FOUND",
               absl::StrCat("no application applications/", id),
               Text(words::APPLICATION_NOT_FOUND));
}

// A timestamp parameter that may be SQL NULL.
const char* OptionalMicros(bool set, const google::protobuf::Timestamp& time,
                           std::string& text) {
  if (!set) return nullptr;
  text = std::to_string(ToMicros(time));
  return text.c_str();
}

v1::Document DocumentFromRow(const pqxx::row& row,
                             const std::string& application_id,
                             bool with_content) {
  v1::Document d;
  d.set_name(absl::StrCat("applications/", application_id, "/documents/",
                          row["id"].as<std::string>()));
  d.set_file_name(row["file_name"].as<std::string>());
  d.set_document_type(row["document_type"].as<std::string>());
  d.set_media_type(row["media_type"].as<std::string>());
  d.set_size_bytes(row["size_bytes"].as<int64_t>());
  d.set_sha256(row["sha256"].as<std::string>());
  if (with_content) d.set_content(pqxx::binarystring(row["content"]).str());
  *d.mutable_create_time() = FromMicros(row["create_us"].as<int64_t>());
  return d;
}

}  // namespace

std::vector<PreparedStatement> PgApplicationsStore::Statements() {
  const std::string document_columns = absl::StrCat(
      "id, file_name, document_type, media_type, size_bytes, "
      "sha256, ",
      TimestampColumn("create_time"), " AS create_us");
  std::vector<PreparedStatement> statements = {
      {"call_insert",
       absl::StrCat("INSERT INTO calls (id, institution, state, open_time, "
                    "close_time, revision, body) VALUES ($1, $2, $3, ",
                    TimestampParam(4), ", ", TimestampParam(5), ", 1, $6)")},
      {"call_update",
       absl::StrCat("UPDATE calls SET state = $2, open_time = ",
                    TimestampParam(3), ", close_time = ", TimestampParam(4),
                    ", revision = revision + 1, body = $5 WHERE id = $1")},
      {"call_get", "SELECT body FROM calls WHERE id = $1"},
      {"call_get_for_update",
       "SELECT body FROM calls WHERE id = $1 FOR UPDATE"},
      {"call_list",
       absl::StrCat("SELECT body FROM calls WHERE (NOT $1 OR (state = 'OPEN' "
                    "AND open_time <= ",
                    TimestampParam(2), " AND close_time > ", TimestampParam(2),
                    ")) AND id > $3 ORDER BY id LIMIT $4")},

      {"application_insert",
       absl::StrCat(
           "INSERT INTO applications (id, call_id, owner, state, kind, "
           "condition_id, total_score, submit_time, revision, body) "
           "VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $8::bigint "
           "IS NULL THEN NULL ELSE ",
           TimestampParam(8), " END, 1, $9)")},
      {"application_update",
       absl::StrCat("UPDATE applications SET state = $2, kind = $3, "
                    "condition_id = $4, total_score = $5, submit_time = CASE "
                    "WHEN $6::bigint IS NULL THEN NULL ELSE ",
                    TimestampParam(6),
                    " END, pending_since = CASE WHEN $8::bigint IS NULL THEN "
                    "NULL ELSE ",
                    TimestampParam(8),
                    " END, revision = revision + 1, body = $7 WHERE id = $1")},
      {"applications_pending",
       absl::StrCat("SELECT body FROM applications WHERE pending_since < ",
                    TimestampParam(1), " ORDER BY pending_since LIMIT $2")},
      {"application_get", "SELECT body FROM applications WHERE id = $1"},
      {"application_in_call_get",
       "SELECT a.body, c.body AS call_body FROM applications a JOIN calls c "
       "ON c.id = a.call_id WHERE a.id = $1"},
      {"application_get_for_update",
       "SELECT body FROM applications WHERE id = $1 FOR UPDATE"},
      {"application_list",
       "SELECT a.body FROM applications a JOIN calls c ON c.id = a.call_id "
       "WHERE ($1 = '' OR a.owner = $1) AND ($2 = '' OR c.institution = $2) "
       "AND ($3 = '' OR a.call_id = $3) AND ($4 = '' OR a.state = $4) AND "
       "($5 = '' OR a.kind = $5) AND ($6 = '' OR a.condition_id = $6) AND "
       "a.id > $7 ORDER BY a.id LIMIT $8"},
      {"application_ranked",
       "SELECT body FROM applications WHERE call_id = $1 AND ($2 = '' OR "
       "condition_id = $2) AND state = ANY($3::text[]) ORDER BY total_score "
       "DESC, submit_time, id"},

      {"applications_to_anonymise",
       absl::StrCat("SELECT a.body FROM applications a JOIN calls c ON c.id = "
                    "a.call_id WHERE NOT a.anonymised AND c.close_time < ",
                    TimestampParam(1),
                    " ORDER BY a.id LIMIT $2 FOR UPDATE OF a SKIP LOCKED")},
      {"application_anonymised",
       "UPDATE applications SET owner = 'anonymised', anonymised = true, "
       "revision = revision + 1, body = $2 WHERE id = $1"},
      {"documents_delete_all",
       "DELETE FROM documents WHERE application_id = $1"},
      {"document_insert",
       absl::StrCat("INSERT INTO documents (application_id, id, file_name, "
                    "document_type, media_type, size_bytes, sha256, content, "
                    "create_time) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ",
                    TimestampParam(9), ")")},
      {"document_list", absl::StrCat("SELECT ", document_columns,
                                     " FROM documents WHERE application_id = "
                                     "$1 ORDER BY create_time, id")},
      {"document_get", absl::StrCat("SELECT ", document_columns,
                                    ", content FROM documents WHERE "
                                    "application_id = $1 AND id = $2")},
      {"application_delete_draft",
       "DELETE FROM applications WHERE id = $1 AND state = 'DRAFT'"},
      {"document_delete",
       "DELETE FROM documents WHERE application_id = $1 AND id = $2"},

      {"sign_in_lock", "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))"},
      {"owner_lock",
       "SELECT pg_advisory_xact_lock(hashtextextended('owner:' || $1, 0))"},
      {"condition_lock",
       "SELECT pg_advisory_xact_lock(hashtextextended('condition:' || $1 || "
       "'/' || $2, 0))"},
      {"owner_drafts",
       "SELECT count(*) FROM applications WHERE owner = $1 AND state = "
       "'DRAFT'"},
      {"owner_live",
       "SELECT EXISTS (SELECT 1 FROM applications WHERE owner = $1 AND "
       "call_id = $2 AND condition_id = $3 AND id <> $4 AND state NOT IN "
       "('WITHDRAWN', 'CANCELLED', 'REJECTED', 'REJECTED_BY_HOST', "
       "'COMPLETED'))"},
      {"document_usage",
       "SELECT count(*), coalesce(sum(size_bytes), 0) FROM documents WHERE "
       "application_id = $1"},
      {"sign_in_count_to",
       absl::StrCat("SELECT count(*) FROM sign_in_codes WHERE email_hash = $1 "
                    "AND ($3 = '' OR client_hash = $3) AND create_time > ",
                    TimestampParam(2))},
      {"sign_in_count_from",
       absl::StrCat("SELECT count(*) FROM sign_in_codes WHERE client_hash = "
                    "$1 AND create_time > ",
                    TimestampParam(2))},
      {"sign_in_insert",
       absl::StrCat("INSERT INTO sign_in_codes (email_hash, client_hash, "
                    "code_hash, create_time, expire_time, attempt_hash) "
                    "VALUES ($1, $2, $3, ",
                    TimestampParam(4), ", ", TimestampParam(5), ", $6)")},
      {"sign_in_find",
       absl::StrCat("SELECT id, code_hash, ", TimestampColumn("expire_time"),
                    " AS expire_us, failed_attempts, use_time IS NOT NULL AS "
                    "used FROM sign_in_codes WHERE email_hash = $1 AND "
                    "attempt_hash = $2 FOR UPDATE")},
      {"sign_in_failed",
       "UPDATE sign_in_codes SET failed_attempts = failed_attempts + 1 WHERE "
       "id = $1"},
      {"sign_in_use", absl::StrCat("UPDATE sign_in_codes SET use_time = ",
                                   TimestampParam(2), " WHERE id = $1")},
      {"applicant_upsert",
       absl::StrCat("INSERT INTO applicants (id, email_hash, create_time) "
                    "VALUES ($2, $1, ",
                    TimestampParam(3),
                    ") ON CONFLICT (email_hash) DO UPDATE SET email_hash = "
                    "EXCLUDED.email_hash RETURNING id")},
      {"sign_in_purge",
       absl::StrCat("DELETE FROM sign_in_codes WHERE create_time < ",
                    TimestampParam(1))},
  };
  for (PreparedStatement& s : OutboxStatements())
    statements.push_back(std::move(s));
  return statements;
}

absl::Status PgApplicationsStore::InsertCall(const std::string& id,
                                             const v1::Call& call) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared("call_insert", id, call.institution(),
                       v1::Call::State_Name(call.state()),
                       ToMicros(call.open_time()), ToMicros(call.close_time()),
                       pqxx::binarystring(call.SerializeAsString()));
  });
}

absl::Status PgApplicationsStore::SaveCall(const std::string& id,
                                           const v1::Call& call) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared("call_update", id, v1::Call::State_Name(call.state()),
                       ToMicros(call.open_time()), ToMicros(call.close_time()),
                       pqxx::binarystring(call.SerializeAsString()));
  });
}

absl::StatusOr<v1::Call> PgApplicationsStore::GetCall(const std::string& id,
                                                      bool for_update) {
  return StoreCall([&]() -> absl::StatusOr<v1::Call> {
    pqxx::result r =
        txn_.exec_prepared(for_update ? "call_get_for_update" : "call_get", id);
    if (r.empty()) return CallNotFound(id);
    return ParseBody<v1::Call>(PqxxRow(r[0]), "body", id);
  });
}

absl::Status PgApplicationsStore::InsertApplication(const std::string& id,
                                                    const std::string& call_id,
                                                    const v1::Application& a) {
  return StoreCall([&]() -> void {
    std::string submitted;
    txn_.exec_prepared(
        "application_insert", id, call_id, a.owner(),
        v1::Application::State_Name(a.state()),
        v1::ParticipantKind_Name(a.kind()), a.condition_id(), a.total_score(),
        OptionalMicros(a.has_submit_time(), a.submit_time(), submitted),
        pqxx::binarystring(a.SerializeAsString()));
  });
}

absl::Status PgApplicationsStore::SaveApplication(const std::string& id,
                                                  const v1::Application& a) {
  return StoreCall([&]() -> void {
    std::string submitted, pending;
    // Steps left since the selection began, or since the end was recorded.
    const bool selecting = a.has_selection_under_way();
    txn_.exec_prepared(
        "application_update", id, v1::Application::State_Name(a.state()),
        v1::ParticipantKind_Name(a.kind()), a.condition_id(), a.total_score(),
        OptionalMicros(a.has_submit_time(), a.submit_time(), submitted),
        pqxx::binarystring(a.SerializeAsString()),
        OptionalMicros(
            selecting || a.give_back_pending(),
            selecting ? a.selection_under_way().begin_time() : a.update_time(),
            pending));
  });
}

absl::StatusOr<std::vector<v1::Application>>
PgApplicationsStore::ApplicationsWithStepsPending(absl::Time since, int limit) {
  return StoreCall([&]() -> std::vector<v1::Application> {
    std::vector<v1::Application> out;
    for (const auto& row : txn_.exec_prepared(
             "applications_pending", absl::ToUnixMicros(since), limit)) {
      out.push_back(ParseBody<v1::Application>(
          PqxxRow(row), "body", RowOf("applications_pending", row)));
    }
    return out;
  });
}

absl::StatusOr<v1::Application> PgApplicationsStore::GetApplication(
    const std::string& id, bool for_update) {
  return StoreCall([&]() -> absl::StatusOr<v1::Application> {
    pqxx::result r = txn_.exec_prepared(
        for_update ? "application_get_for_update" : "application_get", id);
    if (r.empty()) return ApplicationMissing(id);
    return ParseBody<v1::Application>(PqxxRow(r[0]), "body", id);
  });
}

absl::StatusOr<std::vector<v1::Application>>
PgApplicationsStore::ListApplications(const ApplicationFilter& f,
                                      const std::string& after_id, int limit) {
  return StoreCall([&]() -> std::vector<v1::Application> {
    std::vector<v1::Application> out;
    for (const auto& row : txn_.exec_prepared(
             "application_list", f.owner, f.institution, f.call_id, f.state,
             f.kind, f.condition_id, after_id, limit)) {
      out.push_back(ParseBody<v1::Application>(PqxxRow(row), "body",
                                               RowOf("application_list", row)));
    }
    return out;
  });
}

absl::StatusOr<std::vector<v1::Application>>
PgApplicationsStore::RankedApplications(
    const std::string& call_id, const std::string& condition_id,
    const std::vector<std::string>& states) {
  return StoreCall([&]() -> std::vector<v1::Application> {
    std::vector<v1::Application> out;
    for (const auto& row :
         txn_.exec_prepared("application_ranked", call_id, condition_id,
                            TextArrayParam(states))) {
      out.push_back(ParseBody<v1::Application>(
          PqxxRow(row), "body", RowOf("application_ranked", row)));
    }
    return out;
  });
}

absl::StatusOr<std::vector<v1::Application>>
PgApplicationsStore::ApplicationsToAnonymise(absl::Time cutoff, int limit) {
  return StoreCall([&]() -> std::vector<v1::Application> {
    std::vector<v1::Application> out;
    for (const auto& row : txn_.exec_prepared(
             "applications_to_anonymise", absl::ToUnixMicros(cutoff), limit)) {
      out.push_back(ParseBody<v1::Application>(
          PqxxRow(row), "body", RowOf("applications_to_anonymise", row)));
    }
    return out;
  });
}

absl::Status PgApplicationsStore::MarkAnonymised(const std::string& id,
                                                 const v1::Application& a) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared("application_anonymised", id,
                       pqxx::binarystring(a.SerializeAsString()));
  });
}

absl::Status PgApplicationsStore::DeleteDocuments(
    const std::string& application_id) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared("documents_delete_all", application_id);
  });
}

absl::Status PgApplicationsStore::DeleteDraft(const std::string& id) {
  return StoreCall(
      [&]() -> void { txn_.exec_prepared("application_delete_draft", id); });
}

absl::Status PgApplicationsStore::InsertDocument(
    const std::string& application_id, const std::string& id,
    const v1::Document& d) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared("document_insert", application_id, id, d.file_name(),
                       d.document_type(), d.media_type(), d.size_bytes(),
                       d.sha256(), pqxx::binarystring(d.content()),
                       ToMicros(d.create_time()));
  });
}

absl::StatusOr<std::vector<v1::Document>> PgApplicationsStore::ListDocuments(
    const std::string& application_id) {
  return StoreCall([&]() -> std::vector<v1::Document> {
    std::vector<v1::Document> out;
    for (const auto& row :
         txn_.exec_prepared("document_list", application_id)) {
      out.push_back(DocumentFromRow(row, application_id, false));
    }
    return out;
  });
}

absl::StatusOr<v1::Document> PgApplicationsStore::GetDocument(
    const std::string& application_id, const std::string& id) {
  return StoreCall([&]() -> absl::StatusOr<v1::Document> {
    pqxx::result r = txn_.exec_prepared("document_get", application_id, id);
    if (r.empty()) {
      return Error(absl::StatusCode::kNotFound, "DOCUMENT_NOT_FOUND",
                   absl::StrCat("no document applications/", application_id,
                                "/documents/", id),
                   Text(words::DOCUMENT_NOT_FOUND));
    }
    return DocumentFromRow(r[0], application_id, true);
  });
}

absl::StatusOr<bool> PgApplicationsStore::DeleteDocument(
    const std::string& application_id, const std::string& id) {
  return StoreCall([&]() -> bool {
    return txn_.exec_prepared("document_delete", application_id, id)
               .affected_rows() > 0;
  });
}

absl::StatusOr<PgApplicationsStore::DocumentUsage>
PgApplicationsStore::CountDocuments(const std::string& application_id) {
  return StoreCall([&]() -> PgApplicationsStore::DocumentUsage {
    pqxx::row row = txn_.exec_prepared1("document_usage", application_id);
    return {row[0].as<int>(), row[1].as<int64_t>()};
  });
}

absl::Status PgApplicationsStore::LockOwner(const std::string& owner) {
  return StoreCall([&]() -> void { txn_.exec_prepared("owner_lock", owner); });
}

absl::Status PgApplicationsStore::LockCondition(
    const std::string& call_id, const std::string& condition_id) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared("condition_lock", call_id, condition_id);
  });
}

absl::StatusOr<int> PgApplicationsStore::CountDrafts(const std::string& owner) {
  return StoreCall([&]() -> int {
    return txn_.exec_prepared1("owner_drafts", owner)[0].as<int>();
  });
}

absl::StatusOr<bool> PgApplicationsStore::HasLiveApplication(
    const std::string& owner, const std::string& call_id,
    const std::string& condition_id, const std::string& except_id) {
  return StoreCall([&]() -> bool {
    return txn_
        .exec_prepared1("owner_live", owner, call_id, condition_id,
                        except_id)[0]
        .as<bool>();
  });
}

absl::Status PgApplicationsStore::LockSignInEmail(
    const std::string& email_hash) {
  return StoreCall(
      [&]() -> void { txn_.exec_prepared("sign_in_lock", email_hash); });
}

absl::StatusOr<int> PgApplicationsStore::CountSignInCodesTo(
    const std::string& email_hash, const std::string& client_hash,
    absl::Time since) {
  return StoreCall([&]() -> int {
    return txn_
        .exec_prepared1("sign_in_count_to", email_hash,
                        absl::ToUnixMicros(since), client_hash)[0]
        .as<int>();
  });
}

absl::StatusOr<int> PgApplicationsStore::CountSignInCodesFrom(
    const std::string& client_hash, absl::Time since) {
  return StoreCall([&]() -> int {
    return txn_
        .exec_prepared1("sign_in_count_from", client_hash,
                        absl::ToUnixMicros(since))[0]
        .as<int>();
  });
}

absl::Status PgApplicationsStore::InsertSignInCode(
    const std::string& email_hash, const std::string& client_hash,
    const std::string& attempt_hash, const std::string& code_hash,
    absl::Time now, absl::Time expire_time) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared("sign_in_insert", email_hash, client_hash, code_hash,
                       absl::ToUnixMicros(now), absl::ToUnixMicros(expire_time),
                       attempt_hash);
  });
}

absl::StatusOr<std::optional<ApplicationsStore::SignInCode>>
PgApplicationsStore::FindSignInCode(const std::string& email_hash,
                                    const std::string& attempt_hash) {
  return StoreCall([&]() -> std::optional<ApplicationsStore::SignInCode> {
    pqxx::result r =
        txn_.exec_prepared("sign_in_find", email_hash, attempt_hash);
    if (r.empty()) return std::nullopt;
    SignInCode code;
    code.id = r[0]["id"].as<int64_t>();
    code.code_hash = r[0]["code_hash"].as<std::string>();
    code.expire_time = absl::FromUnixMicros(r[0]["expire_us"].as<int64_t>());
    code.failed_attempts = r[0]["failed_attempts"].as<int>();
    code.used = r[0]["used"].as<bool>();
    return code;
  });
}

absl::Status PgApplicationsStore::RecordFailedSignIn(int64_t code_id) {
  return StoreCall(
      [&]() -> void { txn_.exec_prepared("sign_in_failed", code_id); });
}

absl::Status PgApplicationsStore::UseSignInCode(int64_t code_id,
                                                absl::Time now) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared("sign_in_use", code_id, absl::ToUnixMicros(now));
  });
}

absl::StatusOr<std::string> PgApplicationsStore::ApplicantId(
    const std::string& email_hash, const std::string& new_id, absl::Time now) {
  return StoreCall([&]() -> std::string {
    return txn_
        .exec_prepared1("applicant_upsert", email_hash, new_id,
                        absl::ToUnixMicros(now))[0]
        .as<std::string>();
  });
}

absl::StatusOr<int64_t> PgApplicationsStore::PurgeSignInCodes(
    absl::Time before) {
  return StoreCall([&]() -> int64_t {
    return txn_.exec_prepared("sign_in_purge", absl::ToUnixMicros(before))
        .affected_rows();
  });
}

absl::Status PgApplicationsStore::EnqueueMail(const Mail& mail,
                                              absl::Time now) {
  return StoreCall([&]() -> void { mobility::EnqueueMail(txn_, mail, now); });
}

void PgApplicationsReads::GetApplicationInCall(const CallLimit& limit,
                                               const std::string& id,
                                               Then<ApplicationInCall> then) {
  reactor_.Read(limit, "application_in_call_get", {id},
                FirstRow(
                    std::move(then), [id] { return ApplicationMissing(id); },
                    [id](const PgRow& row) {
                      return ApplicationInCall{
                          ParseBody<v1::Application>(row, "body", id),
                          ParseBody<v1::Call>(row, "call_body", id)};
                    }));
}

void PgApplicationsReads::GetCall(const CallLimit& limit, const std::string& id,
                                  Then<v1::Call> then) {
  reactor_.Read(limit, "call_get", {id},
                FirstRow(
                    std::move(then), [id] { return CallNotFound(id); },
                    [id](const PgRow& row) {
                      return ParseBody<v1::Call>(row, "body", id);
                    }));
}

void PgApplicationsReads::ListCalls(const CallLimit& limit, absl::Time open_at,
                                    bool open_only, const std::string& after_id,
                                    int max_rows,
                                    Then<std::vector<v1::Call>> then) {
  reactor_.Read(limit, "call_list",
                {open_only ? "true" : "false",
                 std::to_string(absl::ToUnixMicros(open_at)), after_id,
                 std::to_string(max_rows)},
                EveryRow(std::move(then), [](const PgRow& row, int i) {
                  return ParseBody<v1::Call>(row, "body",
                                             absl::StrCat("call_list row ", i));
                }));
}

void PgApplicationsReads::ListApplications(
    const CallLimit& limit, const ApplicationsStore::ApplicationFilter& f,
    const std::string& after_id, int max_rows,
    Then<std::vector<v1::Application>> then) {
  reactor_.Read(limit, "application_list",
                {f.owner, f.institution, f.call_id, f.state, f.kind,
                 f.condition_id, after_id, std::to_string(max_rows)},
                EveryRow(std::move(then), [](const PgRow& row, int i) {
                  return ParseBody<v1::Application>(
                      row, "body", absl::StrCat("application_list row ", i));
                }));
}

}  // namespace mobility::applications
