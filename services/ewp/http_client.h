// Our requests to partners' EWP endpoints and to the registry, with libcurl:
// bounded in time and in the size of what comes back.
#ifndef MOBILITY_SERVICES_EWP_HTTP_CLIENT_H_
#define MOBILITY_SERVICES_EWP_HTTP_CLIENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/ewp/http_signature.h"

namespace mobility::ewp {

struct HttpLimits {
  absl::Duration timeout = absl::Seconds(20);
  size_t max_response_bytes = 8 * 1024 * 1024;
  // EWP runs over HTTPS. Plain http:// is refused unless allowed: for two
  // instances on one machine, where no TLS proxy stands in front.
  bool allow_plain_http = false;
};

// The URL's host[:port], as a Host header names it.
std::string HostOf(const std::string& url);

// Sends `request` (method, headers and body; the target is taken from `url`)
// and returns the response with lowercase header names. UNAVAILABLE when the
// partner cannot be reached, DEADLINE_EXCEEDED past the timeout,
// RESOURCE_EXHAUSTED when the answer is over the limit, INVALID_ARGUMENT for
// a URL that is not https (or http when allowed).
absl::StatusOr<HttpMessage> Send(const std::string& url,
                                 const HttpMessage& request,
                                 const HttpLimits& limits);

}  // namespace mobility::ewp

#endif  // MOBILITY_SERVICES_EWP_HTTP_CLIENT_H_
