#include "services/ewp/http_signature.h"

#include <openssl/rand.h>

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/api.h"
#include "common/status.h"

namespace mobility::ewp {
namespace {

constexpr char kAlgorithm[] = "rsa-sha256";
constexpr char kRequestTarget[] = "(request-target)";
constexpr char kHttpDateFormat[] = "%a, %d %b %Y %H:%M:%S GMT";
// The headers our requests sign, in this order.
constexpr char kRequestHeaders[] =
    "(request-target) host date digest x-request-id";

// The parameters of a Signature: keyId="…",algorithm="…",headers="…",
// signature="…" (draft-cavage-http-signatures-07, 2.1).
struct SignatureParameters {
  std::string key_id;
  std::string algorithm;
  std::vector<std::string> headers;
  std::string signature;  // Decoded from base64.
};

absl::StatusOr<SignatureParameters> ParseParameters(absl::string_view text) {
  std::map<std::string, std::string> values;
  while (!text.empty()) {
    text = absl::StripLeadingAsciiWhitespace(text);
    const size_t equals = text.find("=\"");
    if (equals == absl::string_view::npos) break;
    const std::string name = absl::AsciiStrToLower(
        absl::StripAsciiWhitespace(text.substr(0, equals)));
    const size_t end = text.find('"', equals + 2);
    if (end == absl::string_view::npos)
      return absl::InvalidArgumentError("an unterminated parameter");
    values[name] = std::string(text.substr(equals + 2, end - equals - 2));
    text.remove_prefix(end + 1);
    text = absl::StripLeadingAsciiWhitespace(text);
    if (!absl::ConsumePrefix(&text, ",") && !text.empty())
      return absl::InvalidArgumentError("parameters not separated by commas");
  }
  SignatureParameters out;
  out.key_id = values["keyid"];
  out.algorithm = absl::AsciiStrToLower(values["algorithm"]);
  // Without `headers`, only the date is signed (2.1.3): never enough here.
  out.headers = absl::StrSplit(absl::AsciiStrToLower(values["headers"]), ' ',
                               absl::SkipEmpty());
  if (out.key_id.empty() || values["signature"].empty() ||
      !absl::Base64Unescape(values["signature"], &out.signature)) {
    return absl::InvalidArgumentError("no keyId or no base64 signature");
  }
  return out;
}

// The signing string (2.3): one "name: value" line per signed header.
absl::StatusOr<std::string> SigningString(
    const HttpMessage& message, const std::vector<std::string>& headers) {
  std::vector<std::string> lines;
  for (const std::string& name : headers) {
    if (name == kRequestTarget) {
      lines.push_back(absl::StrCat(name, ": ",
                                   absl::AsciiStrToLower(message.method), " ",
                                   message.target));
      continue;
    }
    std::vector<absl::string_view> values;
    for (const auto& [header, value] : message.headers) {
      if (header == name) values.push_back(value);
    }
    if (values.empty())
      return absl::InvalidArgumentError(
          absl::StrCat("the signed header ", name, " is missing"));
    lines.push_back(absl::StrCat(name, ": ", absl::StrJoin(values, ", ")));
  }
  return absl::StrJoin(lines, "\n");
}

std::string Parameters(const RsaPrivateKey& key, absl::string_view headers,
                       absl::string_view signing_string) {
  return absl::StrFormat(
      R"(keyId="%s",algorithm="%s",headers="%s",signature="%s")",
      key.public_key().fingerprint(), kAlgorithm, headers,
      absl::Base64Escape(key.Sign(signing_string)));
}

bool Contains(const std::vector<std::string>& list, absl::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// The SHA-256 value of a Digest header, which may list several algorithms.
std::string Sha256Digest(absl::string_view header) {
  for (absl::string_view item : absl::StrSplit(header, ',')) {
    item = absl::StripAsciiWhitespace(item);
    const size_t equals = item.find('=');
    if (equals != absl::string_view::npos &&
        absl::EqualsIgnoreCase(item.substr(0, equals), "SHA-256")) {
      return std::string(item.substr(equals + 1));
    }
  }
  return "";
}

// The Date and Original-Date a message carries each parse and lie within the
// skew of `now`; one of them at least is signed.
absl::Status CheckDates(const HttpMessage& message,
                        const std::vector<std::string>& signed_headers,
                        absl::Time now) {
  if (!Contains(signed_headers, "date") &&
      !Contains(signed_headers, "original-date")) {
    return absl::UnauthenticatedError("neither date nor original-date signed");
  }
  for (const char* name : {"date", "original-date"}) {
    const std::string value = message.Header(name);
    if (value.empty()) continue;
    absl::Time time;
    std::string error;
    if (!absl::ParseTime(kHttpDateFormat, value, absl::UTCTimeZone(), &time,
                         &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat("the ", name, " header is not an HTTP date"));
    }
    if (absl::AbsDuration(time - now) > kMaxClockSkew) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the ", name, " header is more than 5 minutes from our clock"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckDigest(const HttpMessage& message) {
  const std::string digest = Sha256Digest(message.Header("digest"));
  if (digest.empty())
    return absl::InvalidArgumentError("no SHA-256 Digest header");
  if (digest != BodyDigest(message.body).substr(sizeof("SHA-256=") - 1))
    return absl::InvalidArgumentError("the Digest is not the body's");
  return absl::OkStatus();
}

// A random UUID version 4 in canonical form: unpredictable, as the
// specification asks of X-Request-Id.
std::string NewUuid() {
  unsigned char bytes[16];
  RAND_bytes(bytes, sizeof bytes);
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);
  const std::string hex = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-",
                      hex.substr(12, 4), "-", hex.substr(16, 4), "-",
                      hex.substr(20));
}

}  // namespace

std::string HttpMessage::Header(absl::string_view name) const {
  for (const auto& [header, value] : headers) {
    if (header == name) return value;
  }
  return "";
}

void HttpMessage::SetHeader(absl::string_view name, std::string value) {
  for (auto& [header, old] : headers) {
    if (header == name) {
      old = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::string(name), std::move(value));
}

std::string BodyDigest(absl::string_view body) {
  return absl::StrCat("SHA-256=", absl::Base64Escape(Sha256(body)));
}

std::string HttpDate(absl::Time time) {
  return absl::FormatTime(kHttpDateFormat, time, absl::UTCTimeZone());
}

void SignRequest(const RsaPrivateKey& key, absl::Time now,
                 HttpMessage* request) {
  request->SetHeader("date", HttpDate(now));
  request->SetHeader("digest", BodyDigest(request->body));
  request->SetHeader("x-request-id", NewUuid());
  request->SetHeader("accept-signature", kAlgorithm);
  const auto signing = SigningString(
      *request, absl::StrSplit(kRequestHeaders, ' ', absl::SkipEmpty()));
  request->SetHeader(
      "authorization",
      absl::StrCat("Signature ",
                   Parameters(key, kRequestHeaders, signing.value_or(""))));
}

absl::StatusOr<bool> InMemoryReplayGuard::FirstUse(
    const std::string& key_id, const std::string& request_id, absl::Time now) {
  absl::MutexLock lock(&mu_);
  if (now >= next_sweep_) {
    absl::erase_if(seen_, [&](const auto& entry) {
      return now - entry.second > kReplayWindow;
    });
    next_sweep_ = now + absl::Seconds(30);
  }
  return seen_.try_emplace(absl::StrCat(key_id, " ", request_id), now).second;
}

absl::StatusOr<std::string> VerifyRequest(const HttpMessage& request,
                                          absl::string_view host,
                                          absl::Time now,
                                          const KeyLookup& client_keys,
                                          ReplayGuard& replays) {
  const std::string header = request.Header("authorization");
  absl::string_view authorization = header;
  if (!absl::ConsumePrefix(&authorization, "Signature ") &&
      !absl::ConsumePrefix(&authorization, "signature ")) {
    return absl::UnauthenticatedError(
        "an HTTP Signature (Authorization: Signature …) is required");
  }
  auto parameters = ParseParameters(authorization);
  if (!parameters.ok())
    return absl::UnauthenticatedError(parameters.status().message());
  if (parameters->algorithm != kAlgorithm)
    return absl::UnauthenticatedError("the algorithm must be rsa-sha256");
  for (const char* required :
       {kRequestTarget, "host", "digest", "x-request-id"}) {
    if (!Contains(parameters->headers, required)) {
      return absl::UnauthenticatedError(
          absl::StrCat("the signature must cover ", required));
    }
  }
  if (!absl::EqualsIgnoreCase(request.Header("host"), host)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the Host header is not ", host));
  }
  const RsaPublicKey* key = client_keys(parameters->key_id);
  if (key == nullptr) {
    return absl::PermissionDeniedError(
        "the keyId is not a client key the registry lists");
  }
  if (auto dates = CheckDates(request, parameters->headers, now); !dates.ok())
    return dates;
  const std::string request_id = request.Header("x-request-id");
  if (request_id.empty() || request_id.size() > 64)
    return absl::InvalidArgumentError("a missing or overlong X-Request-Id");
  auto signing = SigningString(request, parameters->headers);
  if (!signing.ok()) return signing.status();
  if (!key->Verifies(*signing, parameters->signature))
    return absl::InvalidArgumentError("the signature does not verify");
  if (auto digest = CheckDigest(request); !digest.ok()) return digest;
  // Only a verified request spends its id: unsigned noise cannot block one.
  MOBILITY_ASSIGN_OR_RETURN(
      bool first, replays.FirstUse(key->fingerprint(), request_id, now));
  if (!first)
    return absl::InvalidArgumentError("this X-Request-Id was used before");
  return key->fingerprint();
}

void SignResponse(const RsaPrivateKey& key, const HttpMessage& request,
                  absl::Time now, HttpMessage* response) {
  response->SetHeader("date", HttpDate(now));
  response->SetHeader("digest", BodyDigest(response->body));
  if (!request.Header("x-request-id").empty())
    response->SetHeader("x-request-id", request.Header("x-request-id"));
  const std::string header = request.Header("authorization");
  absl::string_view authorization = header;
  std::string request_signature;
  if (absl::ConsumePrefix(&authorization, "Signature ")) {
    // The value as sent, base64: the specification copies the parameter.
    const size_t at = authorization.find("signature=\"");
    if (at != absl::string_view::npos) {
      const size_t start = at + sizeof("signature=\"") - 1;
      request_signature = std::string(
          authorization.substr(start, authorization.find('"', start) - start));
    }
  }
  // The request's id and signature only when it had them (an unsigned
  // request is refused, and its refusal signed over date and digest).
  std::string headers = "date digest";
  if (!request.Header("x-request-id").empty()) headers += " x-request-id";
  if (!request_signature.empty()) {
    response->SetHeader("x-request-signature", request_signature);
    headers += " x-request-signature";
  }
  const auto signing =
      SigningString(*response, absl::StrSplit(headers, ' ', absl::SkipEmpty()));
  response->SetHeader("signature",
                      Parameters(key, headers, signing.value_or("")));
}

absl::StatusOr<std::string> VerifyResponse(const HttpMessage& request,
                                           const HttpMessage& response,
                                           absl::Time now,
                                           const KeyLookup& server_keys) {
  const auto refuse = [](absl::string_view why) {
    return absl::UnauthenticatedError(
        absl::StrCat("the partner's response is refused: ", why));
  };
  auto parameters = ParseParameters(response.Header("signature"));
  if (!parameters.ok()) return refuse("it carries no usable Signature");
  if (parameters->algorithm != kAlgorithm)
    return refuse("its signature is not rsa-sha256");
  for (const char* required :
       {"digest", "x-request-id", "x-request-signature"}) {
    if (!Contains(parameters->headers, required))
      return refuse(absl::StrCat("its signature does not cover ", required));
  }
  if (response.Header("x-request-id") != request.Header("x-request-id"))
    return refuse("it answers another request id");
  auto ours = ParseParameters(
      absl::StripPrefix(request.Header("authorization"), "Signature "));
  if (!ours.ok() || response.Header("x-request-signature") !=
                        absl::Base64Escape(ours->signature)) {
    return refuse("it names another request's signature");
  }
  const RsaPublicKey* key = server_keys(parameters->key_id);
  if (key == nullptr) return refuse("its key is not the partner's server key");
  if (auto dates = CheckDates(response, parameters->headers, now); !dates.ok())
    return refuse(dates.message());
  auto signing = SigningString(response, parameters->headers);
  if (!signing.ok()) return refuse(signing.status().message());
  if (!key->Verifies(*signing, parameters->signature))
    return refuse("its signature does not verify");
  if (auto digest = CheckDigest(response); !digest.ok())
    return refuse(digest.message());
  return key->fingerprint();
}

}  // namespace mobility::ewp
