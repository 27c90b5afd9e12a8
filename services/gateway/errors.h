// Errors over HTTP in the AIP-193 shape, {"error": {"code", "message",
// "status", "details"}}, with gRPC's codes mapped as google.api does.
#ifndef MOBILITY_SERVICES_GATEWAY_ERRORS_H_
#define MOBILITY_SERVICES_GATEWAY_ERRORS_H_

#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"

namespace mobility::gateway {

// INVALID_ARGUMENT, FAILED_PRECONDITION and OUT_OF_RANGE 400,
// UNAUTHENTICATED 401, PERMISSION_DENIED 403, NOT_FOUND 404, ALREADY_EXISTS
// and ABORTED 409, RESOURCE_EXHAUSTED 429, CANCELLED 499, UNIMPLEMENTED 501,
// UNAVAILABLE 503, DEADLINE_EXCEEDED 504, the rest 500.
int HttpStatusOf(absl::StatusCode code);

struct HttpError {
  int status = 500;
  std::string json;
  // Whole seconds to wait (Retry-After), 0 for none.
  int retry_after_seconds = 0;
};

// `status` with its details (ErrorInfo, BadRequest, RetryInfo) as JSON.
HttpError ToHttpError(const absl::Status& status);

}  // namespace mobility::gateway

#endif  // MOBILITY_SERVICES_GATEWAY_ERRORS_H_
