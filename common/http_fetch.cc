#include "common/http_fetch.h"

#include <curl/curl.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace mobility {
namespace {

// A JWK Set or a discovery document is a few kilobytes; more is not one.
constexpr size_t kMaxDocumentSize = 1 << 20;

size_t Append(char* data, size_t size, size_t count, void* out) {
  auto* body = static_cast<std::string*>(out);
  if (body->size() + size * count > kMaxDocumentSize) return 0;
  body->append(data, size * count);
  return size * count;
}

}  // namespace

HttpFetch CurlFetch(absl::Duration timeout) {
  return [timeout](const std::string& url) -> absl::StatusOr<std::string> {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(
        curl_easy_init(), &curl_easy_cleanup);
    if (curl == nullptr) return absl::InternalError("cannot start libcurl");
    std::string body;
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS,
                     static_cast<long>(absl::ToInt64Milliseconds(timeout)));
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &Append);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
    const CURLcode code = curl_easy_perform(curl.get());
    long status = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
    if (code != CURLE_OK || status < 200 || status > 299) {
      return absl::UnavailableError(
          absl::StrCat("no answer from ", url, ": ",
                       code != CURLE_OK ? curl_easy_strerror(code)
                                        : absl::StrCat("HTTP ", status)));
    }
    return body;
  };
}

}  // namespace mobility
