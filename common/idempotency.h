// Request-id idempotency (AIP-155) kept in the same transaction as the change
// it guards: a retry with the same request_id returns the first response and
// changes nothing, even when the retries run concurrently (the second one waits
// on the first one's record, then reads its response). The record is the
// caller's: another caller sending the same request_id learns nothing of the
// first answer.
#ifndef MOBILITY_COMMON_IDEMPOTENCY_H_
#define MOBILITY_COMMON_IDEMPOTENCY_H_

#include <google/protobuf/message.h>

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/status.h"

namespace mobility {

// How long a request id is honoured: a retry later than this runs as a new
// request.
inline constexpr absl::Duration kRequestIdRetention = absl::Hours(24 * 30);

// The records of request ids, part of every service's store.
class RequestLedger {
 public:
  virtual ~RequestLedger() = default;
  // Claims (method, request_id). Returns the stored response when an earlier
  // call with this id committed, nullopt when this call is the first.
  // INVALID_ARGUMENT on request_id when the id was used for a different
  // request or by another caller.
  virtual absl::StatusOr<std::optional<std::string>> ClaimRequest(
      absl::string_view method, absl::string_view request_id,
      absl::string_view request_hash) = 0;
  virtual absl::Status RecordResponse(absl::string_view method,
                                      absl::string_view request_id,
                                      const std::string& response) = 0;
  // The response an earlier call with this id committed, without claiming the
  // id: nullopt when there is none. INVALID_ARGUMENT on request_id as above.
  virtual absl::StatusOr<std::optional<std::string>> FindResponse(
      absl::string_view method, absl::string_view request_id,
      absl::string_view request_hash) = 0;
};

// The hash that ties a request id to its request and its caller: the request
// with its request_id in lowercase, since a UUID's case does not make it
// another id, and who made it (subject and institution).
std::string RequestHash(const google::protobuf::Message& request,
                        const Principal& caller);

// INTERNAL for a recorded response that does not parse, logged with the
// method and request id.
absl::Status DamagedRequestRecord(absl::string_view method,
                                  absl::string_view request_id);

// Runs `change` (which fills *response) once per request id. Without a request
// id it just runs.
template <typename Request, typename Response, typename Change>
absl::Status RunIdempotent(RequestLedger& ledger, absl::string_view method,
                           const Principal& caller,
                           const std::string& request_id,
                           const Request& request, Response* response,
                           Change&& change) {
  if (request_id.empty()) return change();
  auto prior =
      ledger.ClaimRequest(method, request_id, RequestHash(request, caller));
  if (!prior.ok()) return prior.status();
  if (prior->has_value()) {
    if (!response->ParseFromString(**prior))
      return DamagedRequestRecord(method, request_id);
    return absl::OkStatus();
  }
  MOBILITY_RETURN_IF_ERROR(change());
  return ledger.RecordResponse(method, request_id,
                               response->SerializeAsString());
}

// Fills *response with what an earlier call with this request id answered and
// returns true; false when there was none (or no request id). For a call that
// asks other services or reads what may change before its transaction: a
// retry finds its answer first, whatever changed since (an agreement that left
// force, a rate an admin corrected), rather than a refusal of what was done.
template <typename Request, typename Response>
absl::StatusOr<bool> FindAnswer(RequestLedger& ledger, absl::string_view method,
                                const Principal& caller,
                                const std::string& request_id,
                                const Request& request, Response* response) {
  if (request_id.empty()) return false;
  auto prior =
      ledger.FindResponse(method, request_id, RequestHash(request, caller));
  if (!prior.ok()) return prior.status();
  if (!prior->has_value()) return false;
  if (!response->ParseFromString(**prior))
    return DamagedRequestRecord(method, request_id);
  return true;
}

}  // namespace mobility

#endif  // MOBILITY_COMMON_IDEMPOTENCY_H_
