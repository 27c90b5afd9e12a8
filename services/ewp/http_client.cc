#include "services/ewp/http_client.h"

#include <curl/curl.h>

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace mobility::ewp {
namespace {

struct Receiving {
  HttpMessage* response;
  size_t limit;
  bool over = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* receiving = static_cast<Receiving*>(user);
  const size_t n = size * count;
  if (receiving->response->body.size() + n > receiving->limit) {
    receiving->over = true;
    return 0;  // Stops the transfer.
  }
  receiving->response->body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* receiving = static_cast<Receiving*>(user);
  const absl::string_view line(data, size * count);
  if (absl::StartsWith(line, "HTTP/")) {
    // A new response (after a 100 Continue): its headers alone count.
    receiving->response->headers.clear();
    return size * count;
  }
  const size_t colon = line.find(':');
  if (colon != absl::string_view::npos) {
    receiving->response->headers.emplace_back(
        absl::AsciiStrToLower(
            absl::StripAsciiWhitespace(line.substr(0, colon))),
        std::string(absl::StripAsciiWhitespace(line.substr(colon + 1))));
  }
  return size * count;
}

}  // namespace

std::string HostOf(const std::string& url) {
  absl::string_view rest = url;
  const size_t scheme = rest.find("://");
  if (scheme != absl::string_view::npos) rest.remove_prefix(scheme + 3);
  return std::string(rest.substr(0, rest.find_first_of("/?#")));
}

absl::StatusOr<HttpMessage> Send(const std::string& url,
                                 const HttpMessage& request,
                                 const HttpLimits& limits) {
  if (!absl::StartsWith(url, "https://") &&
      !(limits.allow_plain_http && absl::StartsWith(url, "http://"))) {
    return absl::InvalidArgumentError(
        absl::StrCat("EWP endpoints are reached over https only, not ", url));
  }
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(),
                                                           curl_easy_cleanup);
  if (curl == nullptr) return absl::InternalError("libcurl did not start");
  CURL* c = curl.get();
  HttpMessage response;
  Receiving receiving{&response, limits.max_response_bytes};
  curl_slist* headers = nullptr;
  // Every header as signed, Host too (libcurl would take it from the URL,
  // which a balancer in front of replicas does not change).
  for (const auto& [name, value] : request.headers) {
    headers =
        curl_slist_append(headers, absl::StrCat(name, ": ", value).c_str());
  }
  // No "Expect: 100-continue" round trip.
  headers = curl_slist_append(headers, "Expect:");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(
      headers, curl_slist_free_all);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(
      c, CURLOPT_TIMEOUT_MS,
      static_cast<long>(absl::ToInt64Milliseconds(limits.timeout)));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &receiving);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &receiving);
  if (request.method != "GET" && request.method != "POST")
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE,
                     static_cast<long>(request.body.size()));
  }
  const CURLcode code = curl_easy_perform(c);
  if (receiving.over) {
    return absl::ResourceExhaustedError(absl::StrCat(
        url, " answered more than ", limits.max_response_bytes, " bytes"));
  }
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return absl::DeadlineExceededError(
        absl::StrCat(url, " did not answer within the deadline"));
  }
  if (code != CURLE_OK) {
    return absl::UnavailableError(
        absl::StrCat(url, ": ", curl_easy_strerror(code)));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace mobility::ewp
