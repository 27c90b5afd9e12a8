#include "common/api.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "common/common_words.h"
#include "common/status.h"

namespace mobility {

const EVP_MD* Sha256Algorithm() {
  // Fetched once: OpenSSL 3 looks an implicitly named algorithm up under a
  // global lock on every use.
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

std::string Sha256(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, Sha256Algorithm(),
             nullptr);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string Sha256Hex(absl::string_view data) {
  return absl::BytesToHexString(Sha256(data));
}

std::string MessageHash(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return Sha256Hex(bytes);
}

std::string NewResourceId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1)
    std::abort();  // No entropy: nothing safe to do.
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

std::string NewRequestId() {
  thread_local std::mt19937_64 random(std::random_device{}());
  return absl::StrFormat("%016x%016x", random(), random());
}

namespace {

bool IsControl(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}

// The free texts written in several lines; every other text is one line.
bool IsMultiLineField(absl::string_view name) {
  static const auto* fields =
      new std::set<std::string, std::less<>>{"answer",
                                             "appeal_procedure",
                                             "body",
                                             "change_reason",
                                             "description",
                                             "detail",
                                             "motivation",
                                             "not_considered_reason",
                                             "not_eligible_reason",
                                             "other_info",
                                             "postal_address",
                                             "protocol",
                                             "question",
                                             "reason",
                                             "termination_reason",
                                             "text"};
  return fields->count(name) > 0;
}

bool HasForbiddenControl(absl::string_view text, bool multi_line) {
  for (char c : text) {
    if (IsControl(c) && !(multi_line && (c == '\n' || c == '\r' || c == '\t')))
      return true;
  }
  return false;
}

}  // namespace

bool IsPlausibleEmail(absl::string_view email) {
  const size_t at = email.find('@');
  return email.size() <= 254 && at != absl::string_view::npos && at > 0 &&
         email.find('.', at) != absl::string_view::npos &&
         email.find_first_of(" <>,;") == absl::string_view::npos &&
         std::none_of(email.begin(), email.end(), IsControl) &&
         email.back() != '.';
}

void CheckTexts(const google::protobuf::Message& message,
                const std::string& prefix, Violations& violations) {
  using google::protobuf::FieldDescriptor;
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const std::string path = absl::StrCat(prefix, field->name());
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      const bool multi_line = IsMultiLineField(field->name());
      const int n =
          field->is_repeated() ? reflection->FieldSize(message, field) : 1;
      for (int i = 0; i < n; ++i) {
        std::string scratch;
        const std::string& text =
            field->is_repeated()
                ? reflection->GetRepeatedStringReference(message, field, i,
                                                         &scratch)
                : reflection->GetStringReference(message, field, &scratch);
        if (HasForbiddenControl(text, multi_line)) {
          violations.Add(
              field->is_repeated() ? absl::StrCat(path, "[", i, "]") : path,
              Text(multi_line ? common_words::NO_CONTROL_CHARACTERS
                              : common_words::ONE_LINE));
        }
      }
    } else if (field->type() == FieldDescriptor::TYPE_MESSAGE &&
               !field->is_map()) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          CheckTexts(reflection->GetRepeatedMessage(message, field, i),
                     absl::StrCat(path, "[", i, "]."), violations);
        }
      } else {
        CheckTexts(reflection->GetMessage(message, field),
                   absl::StrCat(path, "."), violations);
      }
    }
  }
}

bool IsGeneratedId(absl::string_view id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
           return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f');
         });
}

bool IsValidResourceId(absl::string_view id) {
  if (id.size() < 4 || id.size() > 63) return false;
  if (!absl::ascii_islower(id.front()) || id.back() == '-') return false;
  for (char c : id) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '-')
      return false;
  }
  return true;
}

absl::StatusOr<std::string> ParseResourceName(absl::string_view field,
                                              absl::string_view name,
                                              absl::string_view collection) {
  std::string prefix = absl::StrCat(collection, "/");
  if (!absl::StartsWith(name, prefix)) {
    return InvalidField(
        field, Text(common_words::RESOURCE_NAME, {{"collection", collection}}));
  }
  absl::string_view id = name.substr(prefix.size());
  // Generated ids are 32 hex digits, which IsValidResourceId also accepts
  // unless they start with a digit, so hex ids are checked on their own.
  if (!IsGeneratedId(id) && !IsValidResourceId(id)) {
    return InvalidField(
        field, Text(common_words::MALFORMED_ID, {{"collection", collection}}));
  }
  return std::string(id);
}

bool IsAcceptableRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!(absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.'))
      return false;
  }
  return true;
}

std::string StepRequestId(absl::string_view step) {
  const std::string hex = Sha256Hex(step).substr(0, 32);
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-",
                      hex.substr(12, 4), "-", hex.substr(16, 4), "-",
                      hex.substr(20, 12));
}

absl::Status ValidateRequestId(absl::string_view field,
                               absl::string_view request_id) {
  if (request_id.empty()) return absl::OkStatus();
  static constexpr int kGroups[] = {8, 4, 4, 4, 12};
  std::vector<absl::string_view> parts = absl::StrSplit(request_id, '-');
  bool ok = parts.size() == 5;
  for (size_t i = 0; ok && i < parts.size(); ++i) {
    ok = static_cast<int>(parts[i].size()) == kGroups[i] &&
         std::all_of(parts[i].begin(), parts[i].end(),
                     [](char c) { return absl::ascii_isxdigit(c); });
  }
  return ok ? absl::OkStatus()
            : InvalidField(field, Text(common_words::REQUEST_ID));
}

absl::StatusOr<int> EffectivePageSize(int32_t requested) {
  if (requested < 0)
    return InvalidField("page_size", Text(common_words::NOT_NEGATIVE));
  if (requested == 0) return kDefaultPageSize;
  return std::min<int>(requested, kMaxPageSize);
}

int CharCount(absl::string_view text) {
  // Every byte but a UTF-8 continuation byte starts a character.
  return static_cast<int>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

void CheckTranslations(
    const google::protobuf::Map<std::string, std::string>& translations,
    absl::string_view field, int max_chars, Violations& violations) {
  for (const auto& [tag, text] : translations) {
    const std::string at = absl::StrCat(field, "[", tag, "]");
    if (tag != "kk" && tag != "ru" && tag != "en") {
      violations.Add(at, Text(common_words::PAGE_LANGUAGE));
    } else if (absl::StripAsciiWhitespace(text).empty() ||
               CharCount(text) > max_chars) {
      violations.Add(
          at, Text(common_words::REQUIRED_AT_MOST, {{"max", max_chars}}));
    }
  }
}

namespace {

absl::Mutex page_token_mu;
std::string* page_token_key ABSL_GUARDED_BY(page_token_mu) = [] {
  // Until a key is configured: one of this process's own, fine for a single
  // replica and for tests.
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) std::abort();
  return new std::string(reinterpret_cast<const char*>(bytes), sizeof(bytes));
}();

// HMAC-SHA256 of `payload` under the page token key, the deployment's secret.
std::string DeploymentMac(absl::string_view payload) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  absl::MutexLock lock(&page_token_mu);
  HMAC(Sha256Algorithm(), page_token_key->data(),
       static_cast<int>(page_token_key->size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(),
       mac, &length);
  return std::string(reinterpret_cast<const char*>(mac), length);
}

// The first 16 bytes: a page token stays short.
std::string PageTokenMac(absl::string_view payload) {
  return DeploymentMac(payload).substr(0, 16);
}

std::string Fingerprint(absl::string_view query) {
  return Sha256Hex(query).substr(0, 16);
}

}  // namespace

void SetPageTokenKey(absl::string_view key) {
  absl::MutexLock lock(&page_token_mu);
  *page_token_key = std::string(key);
}

std::string KeyedDigest(absl::string_view purpose, absl::string_view value) {
  return absl::BytesToHexString(
      DeploymentMac(absl::StrCat(purpose, "\n", value)));
}

std::string EncodePageToken(absl::string_view query_fingerprint,
                            absl::string_view last_key) {
  const std::string payload =
      absl::StrCat("v1\n", Fingerprint(query_fingerprint), "\n", last_key);
  return absl::StrCat(absl::WebSafeBase64Escape(payload), ".",
                      absl::WebSafeBase64Escape(PageTokenMac(payload)));
}

absl::StatusOr<std::string> DecodePageToken(
    absl::string_view token, absl::string_view query_fingerprint) {
  if (token.empty()) return std::string();
  const absl::Status foreign =
      InvalidField("page_token", Text(common_words::PAGE_TOKEN));
  std::vector<absl::string_view> halves = absl::StrSplit(token, '.');
  std::string payload, mac;
  if (token.size() > 1024 || halves.size() != 2 ||
      !absl::WebSafeBase64Unescape(halves[0], &payload) ||
      !absl::WebSafeBase64Unescape(halves[1], &mac)) {
    return foreign;
  }
  const std::string expected = PageTokenMac(payload);
  if (mac.size() != expected.size() ||
      CRYPTO_memcmp(mac.data(), expected.data(), mac.size()) != 0) {
    return foreign;
  }
  std::vector<std::string> parts =
      absl::StrSplit(payload, absl::MaxSplits('\n', 2));
  if (parts.size() != 3 || parts[0] != "v1" || parts[2].empty()) return foreign;
  if (parts[1] != Fingerprint(query_fingerprint)) {
    return InvalidField("page_token", Text(common_words::PAGE_TOKEN_FILTERS));
  }
  return parts[2];
}

absl::StatusOr<std::set<std::string>> UpdateMaskPaths(
    const google::protobuf::FieldMask& mask,
    const std::set<std::string>& allowed) {
  if (mask.paths_size() == 0) return allowed;
  Violations violations;
  std::set<std::string> paths;
  for (int i = 0; i < mask.paths_size(); ++i) {
    if (mask.paths(i) == "*") return allowed;
    if (allowed.count(mask.paths(i)) == 0) {
      violations.Add(absl::StrCat("update_mask.paths[", i, "]"),
                     Text(common_words::ONE_OF,
                          {{"allowed", absl::StrJoin(allowed, ", ")}}));
    }
    paths.insert(mask.paths(i));
  }
  if (!violations.empty()) return violations.ToStatus("INVALID_UPDATE_MASK");
  return paths;
}

std::string Etag(absl::string_view name, int64_t revision) {
  return Sha256Hex(absl::StrCat(name, "@", revision)).substr(0, 20);
}

absl::Status CheckEtag(absl::string_view sent, absl::string_view current) {
  if (sent.empty() || sent == current) return absl::OkStatus();
  return Error(absl::StatusCode::kAborted, "ETAG_MISMATCH",
               Text(common_words::CHANGED_SINCE_READ));
}

}  // namespace mobility
