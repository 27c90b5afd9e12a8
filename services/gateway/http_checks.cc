#include "services/gateway/http_checks.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "common/status.h"
#include "services/gateway/words.h"

namespace mobility::gateway {

namespace http = boost::beast::http;
namespace beast = boost::beast;

absl::Status UnreadableRequest(const boost::beast::error_code& error,
                               uint64_t max_body_bytes) {
  if (error == boost::beast::http::error::body_limit) {
    return Error(absl::StatusCode::kInvalidArgument, "BODY_TOO_LARGE",
                 Text(words::BODY_TOO_LARGE,
                      {{"max", static_cast<int64_t>(max_body_bytes)}}));
  }
  return Error(absl::StatusCode::kInvalidArgument, "MALFORMED_HTTP",
               absl::StrCat("not an HTTP/1.1 request: ", error.message()));
}

std::string Header(const Request& request, http::field field) {
  auto it = request.find(field);
  return it == request.end() ? "" : std::string(it->value());
}

std::string Header(const Request& request, std::string_view name) {
  auto it = request.find(beast::string_view(name.data(), name.size()));
  return it == request.end() ? "" : std::string(it->value());
}

bool HasPlainFraming(const Request& request) {
  const size_t codings = request.count(http::field::transfer_encoding);
  if (codings == 0) return true;
  return codings == 1 &&
         absl::EqualsIgnoreCase(
             absl::StripAsciiWhitespace(absl::string_view(
                 request[http::field::transfer_encoding].data(),
                 request[http::field::transfer_encoding].size())),
             "chunked");
}

bool IsJsonOrNoBody(const Request& request) {
  const std::string type(request[http::field::content_type].data(),
                         request[http::field::content_type].size());
  if (type.empty()) return request.body().empty();
  const absl::string_view media = absl::StripAsciiWhitespace(
      absl::string_view(type).substr(0, std::min(type.find(';'), type.size())));
  return absl::EqualsIgnoreCase(media, "application/json");
}

void SetSecurityHeaders(Response& response, absl::string_view also_connect_to) {
  response.set(
      "Content-Security-Policy",
      absl::StrCat(
          "default-src 'self'; ",
          also_connect_to.empty()
              ? ""
              : absl::StrCat("connect-src 'self' ", also_connect_to, "; "),
          "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; "
          "object-src 'none'"));
  response.set(http::field::x_frame_options, "DENY");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
}

std::string ClientAddress(const Request& request, const std::string& peer,
                          const std::set<std::string>& trusted_proxies) {
  if (trusted_proxies.count(peer) == 0) return peer;
  const auto forwarded = request["x-forwarded-for"];
  std::vector<std::string> hops =
      absl::StrSplit(absl::string_view(forwarded.data(), forwarded.size()), ',',
                     absl::SkipWhitespace());
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    std::string hop(absl::StripAsciiWhitespace(*it));
    if (trusted_proxies.count(hop) == 0) return hop;
  }
  return peer;
}

bool HasForwardingHeader(const Request& request) {
  for (const char* forwarding :
       {"x-forwarded-for", "forwarded", "x-real-ip", "x-forwarded-host"}) {
    if (request.find(forwarding) != request.end()) return true;
  }
  return false;
}

void SetCorsHeaders(Response& response, const std::string& origin,
                    const std::set<std::string>& allowed) {
  if (origin.empty() || (allowed.count("*") == 0 && allowed.count(origin) == 0))
    return;
  response.set(http::field::access_control_allow_origin, origin);
  response.set(http::field::vary, "Origin");
  response.set(http::field::access_control_expose_headers,
               "x-request-id, retry-after");
}

}  // namespace mobility::gateway
