// What the gateway checks of every HTTP exchange before a service sees it,
// and the headers every answer carries: framing, media type, the origin of a
// development sign-in, and the pages' security headers.
#ifndef MOBILITY_SERVICES_GATEWAY_HTTP_CHECKS_H_
#define MOBILITY_SERVICES_GATEWAY_HTTP_CHECKS_H_

#include <boost/beast/http.hpp>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace mobility::gateway {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// The refusal of bytes that did not read as a request: a body over
// `max_body_bytes` (in the reader's words: an upload too large), or not
// HTTP/1.1 at all.
absl::Status UnreadableRequest(const boost::beast::error_code& error,
                               uint64_t max_body_bytes);

// A header's value, "" when the request has none.
std::string Header(const Request& request, boost::beast::http::field field);
std::string Header(const Request& request, std::string_view name);

// Only "chunked" alone frames a body the way every proxy in front reads it
// too; with "chunked, identity" and no length the body would be taken for a
// second request.
bool HasPlainFraming(const Request& request);

// A body is JSON, said so: a browser's cross-site form post (text/plain,
// urlencoded or multipart) is refused before it reaches a service. A request
// without a body needs no type.
bool IsJsonOrNoBody(const Request& request);

// The end user's address: the `peer`, or, when the peer is a trusted proxy,
// the last address X-Forwarded-For names that is not one.
std::string ClientAddress(const Request& request, const std::string& peer,
                          const std::set<std::string>& trusted_proxies);

// Whether a proxy says it carries the request for someone else.
bool HasForwardingHeader(const Request& request);

// Headers on every answer: pages load only their own scripts and styles, are
// never framed, and never name their address to another site; nothing is
// sniffed into another type.
// `also_connect_to`: an origin the pages may fetch from besides our own (the
// identity provider's, whose keys and token endpoint the office pages call);
// empty: none.
void SetSecurityHeaders(Response& response, absl::string_view also_connect_to);

// CORS headers for a request from `origin` when `allowed` names it or holds
// "*"; none for a request without an Origin.
void SetCorsHeaders(Response& response, const std::string& origin,
                    const std::set<std::string>& allowed);

}  // namespace mobility::gateway

#endif  // MOBILITY_SERVICES_GATEWAY_HTTP_CHECKS_H_
