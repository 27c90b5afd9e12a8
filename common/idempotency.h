// Request-id idempotency (AIP-155) kept in the same transaction as the change
// it guards: a retry with the same request_id returns the first response and
// changes nothing, even when the retries run concurrently (the second one waits
// on the first one's row, then reads its response).
#ifndef MOBILITY_COMMON_IDEMPOTENCY_H_
#define MOBILITY_COMMON_IDEMPOTENCY_H_

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api.h"
#include "common/db.h"

namespace mobility {

// DDL of the table every service schema holds; ApplyMigrations creates it.
extern const char kRequestRecordsDdl[];
// Statements Database prepares on every connection besides the service's own.
std::vector<PreparedStatement> RequestRecordStatements();

// Claims (method, request_id). Returns the stored response when an earlier call
// with this id committed, nullopt when this call is the first. INVALID_ARGUMENT
// when the id was used for a different request.
absl::StatusOr<std::optional<std::string>> ClaimRequest(
    pqxx::transaction_base& txn, absl::string_view method, absl::string_view request_id,
    absl::string_view request_hash);
// How long a request id is honoured: a retry later than this runs as a new
// request.
inline constexpr absl::Duration kRequestIdRetention = absl::Hours(24 * 30);

// Deletes request records older than `keep`; returns how many went.
absl::StatusOr<int64_t> PurgeRequestRecords(Database& db, absl::Duration keep);

void RecordResponse(pqxx::transaction_base& txn, absl::string_view method,
                    absl::string_view request_id, const std::string& response);

// The hash that ties a request id to its request: the request with its
// request_id in lowercase, since a UUID's case does not make it another id.
std::string RequestHash(const google::protobuf::Message& request);

// Runs `change` (which fills *response) once per request id. Without a request
// id it just runs.
template <typename Request, typename Response, typename Change>
absl::Status RunIdempotent(pqxx::transaction_base& txn, absl::string_view method,
                           const std::string& request_id,
                           const Request& request, Response* response,
                           Change&& change) {
  if (request_id.empty()) return change();
  auto prior = ClaimRequest(txn, method, request_id, RequestHash(request));
  if (!prior.ok()) return prior.status();
  if (prior->has_value()) {
    response->ParseFromString(**prior);
    return absl::OkStatus();
  }
  absl::Status status = change();
  if (status.ok())
    RecordResponse(txn, method, request_id, response->SerializeAsString());
  return status;
}

}  // namespace mobility

#endif  // MOBILITY_COMMON_IDEMPOTENCY_H_
