#include "services/inquiries/pg_inquiries_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/outbox.h"
#include "common/status.h"
#include "common/types.h"

namespace mobility::inquiries {
namespace {

pqxx::binarystring Body(const google::protobuf::Message& m) {
  return pqxx::binarystring(m.SerializeAsString());
}

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// A keyset page key "first/second", or two NULL parameters on the first page.
struct PageKey {
  std::string first, second;
  bool empty = true;
  explicit PageKey(const std::string& key) {
    if (key.empty()) return;
    std::pair<std::string, std::string> parts =
        absl::StrSplit(key, absl::MaxSplits('/', 1));
    first = parts.first;
    second = parts.second;
    empty = false;
  }
  const char* First() const { return empty ? nullptr : first.c_str(); }
  const char* Second() const { return empty ? nullptr : second.c_str(); }
  std::optional<std::string> FirstParam() const {
    return empty ? std::nullopt : std::optional<std::string>(first);
  }
  std::optional<std::string> SecondParam() const {
    return empty ? std::nullopt : std::optional<std::string>(second);
  }
};

// Every translation's texts in one string, for the search column.
std::string TranslationsText(const v1::PublishedQuestion& q) {
  std::string out;
  for (const auto& [language, t] : q.translations())
    absl::StrAppend(&out, t.title(), " ", t.question(), " ", t.answer(), " ");
  return out;
}

// An inquiry's row: its body with the registration number from its column,
// since the body written at registration lacks it (NumberRegistration takes it
// last). `Row` is
// PqxxRow or PgRow; `name` as for ParseBody.
template <typename Row>
v1::Inquiry InquiryFromRow(const Row& row, absl::string_view name) {
  auto inquiry = ParseBody<v1::Inquiry>(row, "body", name);
  const std::string number = row.Text("registration_number");
  inquiry.set_registration_number(number);
  inquiry.mutable_receipt()->set_registration_number(number);
  return inquiry;
}

// A row of message_list or inquiry_whole. `Row` is PqxxRow or PgRow.
template <typename Row>
v1::Message MessageFromRow(const Row& row) {
  v1::Message m;
  v1::Message::Visibility visibility = v1::Message::VISIBILITY_UNSPECIFIED;
  v1::Message::Visibility_Parse(row.Text("visibility"), &visibility);
  m.set_visibility(visibility);
  m.set_sender(row.Text("sender"));
  m.set_text(row.Text("text"));
  *m.mutable_create_time() = FromMicros(row.Int64("us"));
  return m;
}

// A row of history_list or inquiry_whole.
template <typename Row>
v1::HistoryEntry HistoryFromRow(const Row& row) {
  v1::HistoryEntry e;
  *e.mutable_time() = FromMicros(row.Int64("us"));
  e.set_actor(row.Text("actor"));
  e.set_action(row.Text("action"));
  v1::Inquiry::State state = v1::Inquiry::STATE_UNSPECIFIED;
  v1::Inquiry::State_Parse(row.Text("state"), &state);
  e.set_state(state);
  e.set_detail(row.Text("detail"));
  return e;
}

// An open inquiry, in SQL: the states IsOpen (inquiry_rules.h) names.
constexpr absl::string_view kOpen =
    "state IN ('REGISTERED', 'ASSIGNED', 'IN_PROGRESS', 'WAITING_FOR_AUTHOR', "
    "'REOPENED')";

}  // namespace

std::vector<PreparedStatement> PgInquiriesStore::Statements() {
  const std::string office_columns =
      "id, display_name, active, display_name_kk, display_name_ru, "
      "display_name_en";
  const std::string message_columns = absl::StrCat(
      "visibility, sender, text, ", TimestampColumn("create_time"), " AS us");
  // The year $2's next number to inquiry $1: YYYY-NNNNNN, six digits at
  // least. The _noticed statement puts it in the inquiry's notices too, in
  // place of mark $3.
  const std::string numbering =
      "WITH counter AS (INSERT INTO registration_counters (year, "
      "last_sequence) VALUES ($2, 1) ON CONFLICT (year) DO UPDATE SET "
      "last_sequence = registration_counters.last_sequence + 1 RETURNING "
      "year, last_sequence), numbered AS (UPDATE inquiries SET "
      "registration_sequence = c.last_sequence, registration_number = "
      "lpad(c.year::text, 4, '0') || '-' || lpad(c.last_sequence::text, "
      "greatest(6, length(c.last_sequence::text)), '0') FROM counter c WHERE "
      "id = $1 RETURNING registration_number)";
  std::vector<PreparedStatement> statements = {
      {"office_list", absl::StrCat("SELECT ", office_columns,
                                   " FROM offices ORDER BY display_name, id")},
      {"office_get",
       absl::StrCat("SELECT ", office_columns, " FROM offices WHERE id = $1")},
      {"office_insert",
       "INSERT INTO offices (id, display_name, active, display_name_kk, "
       "display_name_ru, display_name_en) VALUES ($1, $2, $3, NULLIF($4, ''), "
       "NULLIF($5, ''), NULLIF($6, '')) ON CONFLICT (id) DO NOTHING"},
      {"office_update",
       "UPDATE offices SET display_name = $2, active = $3, display_name_kk = "
       "NULLIF($4, ''), display_name_ru = NULLIF($5, ''), display_name_en = "
       "NULLIF($6, '') WHERE id = $1"},

      {"holiday_list",
       "SELECT day::text AS day, kind, description, working_hours FROM "
       "holidays WHERE $1 = 0 "
       "OR extract(year FROM day) = $1 ORDER BY day"},
      {"holiday_set",
       "INSERT INTO holidays (day, kind, description, working_hours) VALUES "
       "($1::date, $2, $3, $4) ON CONFLICT (day) DO UPDATE SET kind = "
       "excluded.kind, description = excluded.description, working_hours = "
       "excluded.working_hours"},
      {"holiday_delete", "DELETE FROM holidays WHERE day = $1::date"},
      {"inquiries_open_due_from",
       absl::StrCat("SELECT body, registration_number FROM inquiries WHERE ",
                    kOpen,
                    " AND legal_due_date >= $1::date ORDER BY id FOR UPDATE")},
      {"inquiries_open_by_office",
       absl::StrCat("SELECT office, count(*), count(*) FILTER (WHERE "
                    "legal_due_date < $1::date) FROM inquiries WHERE ",
                    kOpen, " GROUP BY office")},

      {"registration_number_taken",
       absl::StrCat(numbering, " SELECT registration_number FROM numbered")},
      {"registration_number_taken_noticed",
       absl::StrCat(numbering,
                    ", noticed AS (UPDATE outbox SET subject = "
                    "replace(subject, $3, n.registration_number), body = "
                    "replace(body, $3, n.registration_number) FROM numbered n "
                    "WHERE inquiry_id = $1) SELECT registration_number FROM "
                    "numbered")},

      // Advisory locks, one per key, in one order. The count is a statement
      // of its own, so its snapshot is taken once the locks are held.
      {"submissions_lock",
       "SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) FROM "
       "(SELECT DISTINCT k FROM unnest($1::text[]) k ORDER BY k) keys"},
      // Counts what came before; the insert (with $3 not NULL) is not among
      // what the statement's own snapshot sees.
      {"submissions_count",
       absl::StrCat("WITH recorded AS (INSERT INTO submissions (key_hash, "
                    "time) SELECT $1, ",
                    TimestampParam(3),
                    " WHERE $3::bigint IS NOT NULL) SELECT count(*), ",
                    TimestampColumn("coalesce(min(time), 'epoch')"),
                    " FROM submissions WHERE key_hash = $1 AND time >= ",
                    TimestampParam(2))},
      {"submission_insert",
       absl::StrCat("INSERT INTO submissions (key_hash, time) VALUES ($1, ",
                    TimestampParam(2), ")")},
      {"submissions_purge",
       absl::StrCat("DELETE FROM submissions WHERE time < ",
                    TimestampParam(1))},

      {"inquiry_insert",
       absl::StrCat("INSERT INTO inquiries (id, registration_year, "
                    "tracking_hash, state, office, legal_due_date, "
                    "duplicate_key, receive_time, close_time, body) VALUES "
                    "($1, $2, $3, $4, $5, $6::date, nullif($7, ''), ",
                    TimestampParam(8),
                    ", CASE WHEN $9::bigint IS NULL THEN "
                    "NULL ELSE ",
                    TimestampParam(9), " END, $10)")},
      {"inquiry_update",
       absl::StrCat("UPDATE inquiries SET state = $2, office = $3, "
                    "legal_due_date = $4::date, close_time = CASE WHEN "
                    "$5::bigint IS NULL THEN NULL ELSE ",
                    TimestampParam(5),
                    " END, body = $6, answer_time = CASE WHEN $7::bigint IS "
                    "NULL THEN NULL ELSE ",
                    TimestampParam(7), " END WHERE id = $1")},
      {"inquiries_answered_before",
       absl::StrCat("SELECT body, registration_number FROM inquiries WHERE "
                    "state = 'ANSWERED' AND "
                    "answer_time < ",
                    TimestampParam(1),
                    " ORDER BY answer_time, id LIMIT $2 FOR UPDATE SKIP "
                    "LOCKED")},
      {"inquiry_get",
       "SELECT body, registration_number FROM inquiries WHERE id = $1"},
      // An inquiry with all its messages and history, from one snapshot: the
      // inquiry's row (part 0), then its messages (1) and history (2).
      {"inquiry_whole",
       absl::StrCat(
           "SELECT 0 AS part, 0::bigint AS seq, body, registration_number, "
           "NULL::text AS "
           "visibility, NULL::text AS sender, NULL::text AS text, NULL::bigint "
           "AS us, NULL::text AS actor, NULL::text AS action, NULL::text AS "
           "state, NULL::text AS detail FROM inquiries WHERE id = $1 "
           "UNION ALL SELECT 1, seq, NULL, NULL, ",
           message_columns,
           ", NULL, NULL, NULL, NULL FROM inquiry_messages WHERE inquiry_id = "
           "$1 UNION ALL SELECT 2, seq, NULL, NULL, NULL, NULL, NULL, ",
           TimestampColumn("time"),
           ", actor, action, state, detail FROM inquiry_history WHERE "
           "inquiry_id = $1 ORDER BY part, seq")},
      {"inquiry_get_for_update",
       "SELECT body, registration_number FROM inquiries WHERE id = $1 FOR "
       "UPDATE"},
      {"inquiry_tracked",
       "SELECT id FROM inquiries WHERE registration_number = $1 AND "
       "tracking_hash = $2"},
      {"inquiry_duplicate",
       absl::StrCat("SELECT id FROM inquiries WHERE duplicate_key = $1 AND "
                    "receive_time >= ",
                    TimestampParam(2), " ORDER BY receive_time DESC LIMIT 1")},
      {"inquiry_list",
       "SELECT body, registration_number, legal_due_date::text AS due, id "
       "FROM inquiries WHERE "
       "(cardinality($1::text[]) = 0 OR office = ANY($1::text[])) AND "
       "(cardinality($2::text[]) = 0 OR state = "
       "ANY($2::text[])) AND ($3::date IS NULL OR legal_due_date <= $3::date) "
       "AND ($4::date IS NULL OR (legal_due_date, id) > ($4::date, $5)) ORDER "
       "BY legal_due_date, id LIMIT $6"},

      {"message_insert",
       absl::StrCat("INSERT INTO inquiry_messages (inquiry_id, visibility, "
                    "sender, text, create_time) VALUES ($1, $2, $3, $4, ",
                    TimestampParam(5), ")")},
      {"message_list",
       absl::StrCat("SELECT ", message_columns,
                    " FROM inquiry_messages WHERE inquiry_id = $1 AND (NOT $2 "
                    "OR visibility = 'PUBLIC_REPLY') ORDER BY seq")},
      {"history_insert",
       absl::StrCat("INSERT INTO inquiry_history (inquiry_id, time, actor, "
                    "action, state, detail) VALUES ($1, ",
                    TimestampParam(2), ", $3, $4, $5, $6)")},
      {"history_list",
       absl::StrCat("SELECT ", TimestampColumn("time"),
                    " AS us, actor, action, state, detail FROM inquiry_history "
                    "WHERE inquiry_id = $1 ORDER BY seq")},

      {"notice_insert",
       absl::StrCat("INSERT INTO outbox (inquiry_id, recipient, subject, body, "
                    "create_time, next_attempt_time) VALUES ($1, $2, $3, $4, ",
                    TimestampParam(5), ", ", TimestampParam(5), ")")},

      {"published_insert",
       absl::StrCat(
           "INSERT INTO published_questions (id, inquiry_id, "
           "publish_time, title, question, answer, body, translations) "
           "VALUES ($1, $2, ",
           TimestampParam(3),
           ", $4, $5, $6, $7, $8) ON CONFLICT (inquiry_id) DO "
           "NOTHING")},
      {"published_get", "SELECT body FROM published_questions WHERE id = $1"},
      {"published_list",
       absl::StrCat(
           "SELECT body, ", TimestampColumn("publish_time"),
           " AS us, id FROM published_questions WHERE ($1 = '' OR search @@ "
           "(websearch_to_tsquery('english', $1) || "
           "websearch_to_tsquery('russian', $1) || "
           "websearch_to_tsquery('simple', $1))) AND ($2::bigint IS NULL OR "
           "(publish_time, id) < (",
           TimestampParam(2),
           ", $3)) ORDER BY publish_time DESC, id DESC LIMIT $4")},
      {"published_delete", "DELETE FROM published_questions WHERE id = $1"},

      {"inquiries_to_anonymise",
       absl::StrCat(
           "SELECT body, registration_number FROM inquiries WHERE NOT "
           "anonymised AND "
           "close_time < ",
           TimestampParam(1),
           " ORDER BY close_time, id LIMIT $2 FOR UPDATE SKIP LOCKED")},
      {"inquiry_anonymised",
       "UPDATE inquiries SET anonymised = true, duplicate_key = NULL, body = "
       "$2 WHERE id = $1"},
      {"messages_anonymised",
       "UPDATE inquiry_messages SET text = '' WHERE inquiry_id = $1"},
      {"notices_of_inquiry_delete", "DELETE FROM outbox WHERE inquiry_id = $1"},
  };
  for (PreparedStatement& s : OutboxStatements())
    statements.push_back(std::move(s));
  return statements;
}

absl::StatusOr<std::vector<v1::Inquiry>> PgInquiriesStore::OpenInquiriesDueFrom(
    absl::CivilDay day) {
  return StoreCall([&]() -> std::vector<v1::Inquiry> {
    std::vector<v1::Inquiry> out;
    for (const auto& row :
         txn_.exec_prepared("inquiries_open_due_from", DayText(day))) {
      out.push_back(
          InquiryFromRow(PqxxRow(row), RowOf("inquiries_open_due_from", row)));
    }
    return out;
  });
}

absl::StatusOr<std::vector<InquiriesStore::OfficeLoad>>
PgInquiriesStore::OpenByOffice(absl::CivilDay today) {
  return StoreCall([&]() -> std::vector<OfficeLoad> {
    std::vector<OfficeLoad> out;
    for (const auto& row :
         txn_.exec_prepared("inquiries_open_by_office", DayText(today))) {
      out.push_back(OfficeLoad{row[0].as<std::string>(), row[1].as<int64_t>(),
                               row[2].as<int64_t>()});
    }
    return out;
  });
}

absl::StatusOr<std::string> PgInquiriesStore::NumberRegistration(
    const std::string& id, int year, const std::string& notice_mark) {
  return StoreCall([&]() -> std::string {
    pqxx::row number =
        notice_mark.empty()
            ? txn_.exec_prepared1("registration_number_taken", id, year)
            : txn_.exec_prepared1("registration_number_taken_noticed", id, year,
                                  notice_mark);
    return number[0].as<std::string>();
  });
}

absl::Status PgInquiriesStore::LockSubmissions(
    const std::vector<std::string>& key_hashes) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared("submissions_lock", TextArrayParam(key_hashes));
  });
}

absl::StatusOr<InquiriesStore::Usage> PgInquiriesStore::CountSubmissions(
    const std::string& key_hash, absl::Time since,
    std::optional<absl::Time> record_at) {
  return StoreCall([&]() -> InquiriesStore::Usage {
    pqxx::row row = txn_.exec_prepared1(
        "submissions_count", key_hash, absl::ToUnixMicros(since),
        record_at ? std::optional<int64_t>(absl::ToUnixMicros(*record_at))
                  : std::nullopt);
    Usage usage;
    usage.count = row[0].as<int>();
    if (usage.count > 0)
      usage.earliest = absl::FromUnixMicros(row[1].as<int64_t>());
    return usage;
  });
}

absl::Status PgInquiriesStore::RecordSubmission(const std::string& key_hash,
                                                absl::Time time) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared("submission_insert", key_hash, absl::ToUnixMicros(time));
  });
}

absl::StatusOr<int64_t> PgInquiriesStore::PurgeSubmissions(absl::Time before) {
  return StoreCall([&]() -> int64_t {
    return txn_.exec_prepared("submissions_purge", absl::ToUnixMicros(before))
        .affected_rows();
  });
}

absl::Status PgInquiriesStore::InsertInquiry(const std::string& id,
                                             const Registration& registration,
                                             const v1::Inquiry& inquiry) {
  return StoreCall([&]() -> void {
    const auto& due = inquiry.legal_due_date();
    std::string closed;
    if (inquiry.has_close_time())
      closed = std::to_string(ToMicros(inquiry.close_time()));
    txn_.exec_prepared(
        "inquiry_insert", id, registration.year, registration.tracking_hash,
        v1::Inquiry::State_Name(inquiry.state()), inquiry.office(),
        FormatDate(due), registration.duplicate_key,
        ToMicros(inquiry.receipt().receive_time()),
        closed.empty() ? nullptr : closed.c_str(), Body(inquiry));
  });
}

absl::Status PgInquiriesStore::SaveInquiry(const std::string& id,
                                           const v1::Inquiry& inquiry) {
  return StoreCall([&]() -> void {
    std::string closed, answered;
    if (inquiry.has_close_time())
      closed = std::to_string(ToMicros(inquiry.close_time()));
    if (inquiry.answer().has_answer_time())
      answered = std::to_string(ToMicros(inquiry.answer().answer_time()));
    txn_.exec_prepared("inquiry_update", id,
                       v1::Inquiry::State_Name(inquiry.state()),
                       inquiry.office(), FormatDate(inquiry.legal_due_date()),
                       closed.empty() ? nullptr : closed.c_str(), Body(inquiry),
                       answered.empty() ? nullptr : answered.c_str());
  });
}

absl::StatusOr<std::vector<v1::Inquiry>> PgInquiriesStore::AnsweredBefore(
    absl::Time cutoff, int limit) {
  return StoreCall([&]() -> std::vector<v1::Inquiry> {
    std::vector<v1::Inquiry> out;
    for (const auto& row : txn_.exec_prepared(
             "inquiries_answered_before", absl::ToUnixMicros(cutoff), limit)) {
      out.push_back(InquiryFromRow(PqxxRow(row),
                                   RowOf("inquiries_answered_before", row)));
    }
    return out;
  });
}

absl::StatusOr<std::optional<v1::Inquiry>> PgInquiriesStore::GetInquiry(
    const std::string& id, bool for_update) {
  return StoreCall([&]() -> std::optional<v1::Inquiry> {
    pqxx::result r = txn_.exec_prepared(
        for_update ? "inquiry_get_for_update" : "inquiry_get", id);
    if (r.empty()) return std::nullopt;
    return InquiryFromRow(PqxxRow(r[0]), id);
  });
}

absl::StatusOr<std::optional<std::string>> PgInquiriesStore::FindTracked(
    const std::string& number, const std::string& tracking_hash) {
  return StoreCall([&]() -> std::optional<std::string> {
    pqxx::result r =
        txn_.exec_prepared("inquiry_tracked", number, tracking_hash);
    if (r.empty()) return std::nullopt;
    return r[0][0].as<std::string>();
  });
}

absl::StatusOr<std::optional<std::string>> PgInquiriesStore::FindDuplicate(
    const std::string& duplicate_key, absl::Time since) {
  return StoreCall([&]() -> std::optional<std::string> {
    pqxx::result r = txn_.exec_prepared("inquiry_duplicate", duplicate_key,
                                        absl::ToUnixMicros(since));
    if (r.empty()) return std::nullopt;
    return r[0][0].as<std::string>();
  });
}

absl::Status PgInquiriesStore::AppendMessage(const std::string& inquiry_id,
                                             const v1::Message& message) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared("message_insert", inquiry_id,
                       v1::Message::Visibility_Name(message.visibility()),
                       message.sender(), message.text(),
                       ToMicros(message.create_time()));
  });
}

absl::StatusOr<std::vector<v1::Message>> PgInquiriesStore::Messages(
    const std::string& inquiry_id, bool public_only) {
  return StoreCall([&]() -> std::vector<v1::Message> {
    std::vector<v1::Message> out;
    for (const auto& row :
         txn_.exec_prepared("message_list", inquiry_id, public_only))
      out.push_back(MessageFromRow(PqxxRow(row)));
    return out;
  });
}

absl::Status PgInquiriesStore::AppendHistory(const std::string& inquiry_id,
                                             const v1::HistoryEntry& e) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared("history_insert", inquiry_id, ToMicros(e.time()),
                       e.actor(), e.action(),
                       v1::Inquiry::State_Name(e.state()), e.detail());
  });
}

absl::StatusOr<std::vector<v1::HistoryEntry>> PgInquiriesStore::History(
    const std::string& inquiry_id) {
  return StoreCall([&]() -> std::vector<v1::HistoryEntry> {
    std::vector<v1::HistoryEntry> out;
    for (const auto& row : txn_.exec_prepared("history_list", inquiry_id))
      out.push_back(HistoryFromRow(PqxxRow(row)));
    return out;
  });
}

absl::Status PgInquiriesStore::EnqueueNotice(const Notice& n, absl::Time now) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared("notice_insert", n.inquiry_id, n.mail.recipient,
                       n.mail.subject, n.mail.body, absl::ToUnixMicros(now));
  });
}

absl::StatusOr<bool> PgInquiriesStore::InsertPublished(
    const std::string& id, const std::string& inquiry_id,
    const v1::PublishedQuestion& q) {
  return StoreCall([&]() -> bool {
    return txn_.exec_prepared("published_insert", id, inquiry_id,
                              ToMicros(q.publish_time()), q.title(),
                              q.question(), q.answer(), Body(q),
                              TranslationsText(q))
               .affected_rows() == 1;
  });
}

absl::StatusOr<std::optional<v1::PublishedQuestion>>
PgInquiriesStore::GetPublished(const std::string& id) {
  return StoreCall([&]() -> std::optional<v1::PublishedQuestion> {
    pqxx::result r = txn_.exec_prepared("published_get", id);
    if (r.empty()) return std::nullopt;
    return ParseBody<v1::PublishedQuestion>(PqxxRow(r[0]), "body", id);
  });
}

absl::StatusOr<bool> PgInquiriesStore::DeletePublished(const std::string& id) {
  return StoreCall([&]() -> bool {
    return txn_.exec_prepared("published_delete", id).affected_rows() == 1;
  });
}

absl::StatusOr<std::vector<v1::Inquiry>> PgInquiriesStore::InquiriesToAnonymise(
    absl::Time cutoff, int limit) {
  return StoreCall([&]() -> std::vector<v1::Inquiry> {
    std::vector<v1::Inquiry> out;
    for (const auto& row : txn_.exec_prepared(
             "inquiries_to_anonymise", absl::ToUnixMicros(cutoff), limit)) {
      out.push_back(
          InquiryFromRow(PqxxRow(row), RowOf("inquiries_to_anonymise", row)));
    }
    return out;
  });
}

absl::Status PgInquiriesStore::MarkAnonymised(const std::string& id,
                                              const v1::Inquiry& inquiry) {
  return StoreCall([&]() -> void {
    txn_.exec_prepared("inquiry_anonymised", id, Body(inquiry));
    txn_.exec_prepared("messages_anonymised", id);
    txn_.exec_prepared("notices_of_inquiry_delete", id);
  });
}

void PgInquiriesReads::ListPublished(
    const CallLimit& limit, const std::string& query, const std::string& after,
    int max_rows, Then<std::vector<v1::PublishedQuestion>> then) {
  const PageKey key(after);
  reactor_.Read(
      limit, "published_list",
      {query, key.FirstParam(), key.SecondParam(), std::to_string(max_rows)},
      EveryRow(std::move(then), [](const PgRow& row, int i) {
        return ParseBody<v1::PublishedQuestion>(
            row, "body", absl::StrCat("published_list row ", i));
      }));
}

void PgInquiriesReads::GetPublished(
    const CallLimit& limit, const std::string& id,
    Then<std::optional<v1::PublishedQuestion>> then) {
  reactor_.Read(limit, "published_get", {id},
                [id, then = std::move(then)](absl::StatusOr<PgRows> rows) {
                  if (!rows.ok()) return then(rows.status());
                  if (rows->size() == 0)
                    return then(std::optional<v1::PublishedQuestion>());
                  then(StoreCall([&]() -> std::optional<v1::PublishedQuestion> {
                    return ParseBody<v1::PublishedQuestion>(PgRow(*rows, 0),
                                                            "body", id);
                  }));
                });
}

void PgInquiriesReads::GetWholeInquiry(const CallLimit& limit,
                                       const std::string& id,
                                       Then<std::optional<v1::Inquiry>> then) {
  reactor_.Read(limit, "inquiry_whole", {id},
                [id, then = std::move(then)](absl::StatusOr<PgRows> rows) {
                  if (!rows.ok()) return then(rows.status());
                  if (rows->size() == 0 || PgRow(*rows, 0).Int64("part") != 0)
                    return then(std::optional<v1::Inquiry>());
                  then(StoreCall([&]() -> std::optional<v1::Inquiry> {
                    auto inquiry = InquiryFromRow(PgRow(*rows, 0), id);
                    for (int i = 1; i < rows->size(); ++i) {
                      PgRow row(*rows, i);
                      if (row.Int64("part") == 1) {
                        *inquiry.add_messages() = MessageFromRow(row);
                      } else {
                        *inquiry.add_history() = HistoryFromRow(row);
                      }
                    }
                    return inquiry;
                  }));
                });
}

void PgInquiriesReads::ListInquiries(const CallLimit& limit,
                                     const InquiriesStore::Filter& filter,
                                     const std::string& after, int max_rows,
                                     Then<std::vector<v1::Inquiry>> then) {
  const PageKey key(after);
  reactor_.Read(
      limit, "inquiry_list",
      {TextArrayParam(filter.offices), TextArrayParam(filter.states),
       filter.due_by ? std::optional<std::string>(DayText(*filter.due_by))
                     : std::nullopt,
       key.FirstParam(), key.SecondParam(), std::to_string(max_rows)},
      EveryRow(std::move(then), [](const PgRow& row, int) {
        return InquiryFromRow(row, row.Text("id"));
      }));
}

}  // namespace mobility::inquiries
