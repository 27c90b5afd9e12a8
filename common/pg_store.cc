#include "common/pg_store.h"

#include "common/common_words.h"
#include "common/status.h"

namespace mobility {

const char kRequestRecordsDdl[] =
    "CREATE TABLE IF NOT EXISTS request_records ("
    " method text NOT NULL,"
    " request_id uuid NOT NULL,"
    " request_hash text NOT NULL,"
    " response bytea,"
    " created_at timestamptz NOT NULL DEFAULT now(),"
    " PRIMARY KEY (method, request_id))";

std::vector<PreparedStatement> RequestRecordStatements() {
  return {
      {"request_claim",
       "INSERT INTO request_records (method, request_id, request_hash) VALUES "
       "($1, $2, $3) "
       "ON CONFLICT DO NOTHING RETURNING 1"},
      {"request_find",
       "SELECT request_hash, response FROM request_records WHERE method = $1 "
       "AND "
       "request_id = $2"},
      {"request_record",
       "UPDATE request_records SET response = $3 WHERE method = $1 AND "
       "request_id = $2"},
      {"request_purge",
       "DELETE FROM request_records WHERE created_at < now() - $1 * interval "
       "'1 second'"},
  };
}

namespace {

// The committed record of (method, request_id): nullopt when there is none,
// REQUEST_IN_FLIGHT when `in_flight_if_unanswered` and it has no response yet.
absl::StatusOr<std::optional<std::string>> RecordedResponse(
    pqxx::transaction_base& txn, const std::string& method,
    const std::string& request_id, absl::string_view request_hash,
    bool in_flight_if_unanswered) {
  pqxx::result prior = txn.exec_prepared("request_find", method, request_id);
  if (prior.empty() || prior[0][1].is_null()) {
    if (!in_flight_if_unanswered) return std::nullopt;
    return Error(absl::StatusCode::kAborted, "REQUEST_IN_FLIGHT",
                 Text(common_words::REQUEST_IN_FLIGHT));
  }
  if (prior[0][0].as<std::string>() != request_hash) {
    Violations reused;
    reused.Add("request_id", Text(common_words::REQUEST_ID_REUSED));
    return reused.ToStatus("REQUEST_ID_REUSED");
  }
  pqxx::binarystring response(prior[0][1]);
  return std::optional<std::string>(response.str());
}

}  // namespace

absl::StatusOr<std::optional<std::string>> ClaimRequestRecord(
    pqxx::transaction_base& txn, absl::string_view method,
    absl::string_view request_id, absl::string_view request_hash) {
  std::string m(method), id(request_id), hash(request_hash);
  if (!txn.exec_prepared("request_claim", m, id, hash).empty())
    return std::nullopt;
  return RecordedResponse(txn, m, id, hash, /*in_flight_if_unanswered=*/true);
}

absl::StatusOr<std::optional<std::string>> FindRequestRecord(
    pqxx::transaction_base& txn, absl::string_view method,
    absl::string_view request_id, absl::string_view request_hash) {
  return RecordedResponse(txn, std::string(method), std::string(request_id),
                          request_hash, /*in_flight_if_unanswered=*/false);
}

absl::StatusOr<int64_t> PurgeRequestRecords(Database& db, absl::Duration keep) {
  return db.TransactValue(
      CallLimit::Within(absl::Minutes(5)),
      [&](pqxx::transaction_base& txn) -> absl::StatusOr<int64_t> {
        return txn.exec_prepared("request_purge", absl::ToInt64Seconds(keep))
            .affected_rows();
      });
}

absl::Status RecordResponseRecord(pqxx::transaction_base& txn,
                                  absl::string_view method,
                                  absl::string_view request_id,
                                  const std::string& response) {
  return StoreCall([&] {
    txn.exec_prepared("request_record", std::string(method),
                      std::string(request_id), pqxx::binarystring(response));
  });
}

}  // namespace mobility
