// AIP conventions shared by every service: resource ids and names, page sizes
// and opaque keyset page tokens (AIP-158), etags (AIP-154) and request ids
// (AIP-155).
#ifndef MOBILITY_COMMON_API_H_
#define MOBILITY_COMMON_API_H_

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/map.h>
#include <google/protobuf/message.h>
#include <openssl/evp.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/status.h"

namespace mobility {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

// SHA-256, fetched from OpenSSL once for the process.
const EVP_MD* Sha256Algorithm();
// The raw 32-byte SHA-256 of `data`, and its lowercase hex.
std::string Sha256(absl::string_view data);
std::string Sha256Hex(absl::string_view data);
// SHA-256 of the deterministic serialization: equal messages hash alike within
// one build.
std::string MessageHash(const google::protobuf::Message& message);

// A new random resource id: 32 lowercase hex digits.
std::string NewResourceId();
// Whether `id` is one NewResourceId could have made.
bool IsGeneratedId(absl::string_view id);
// An address SMTP can deliver to and no header can be smuggled in: up to 254
// characters, a local part, '@', a domain with a dot, no spaces, separators
// or control characters.
bool IsPlausibleEmail(absl::string_view email);

// Adds a violation, at the field's path ("author.full_name", "items[2].id"),
// for every text of `message` holding a control character: none at all in a
// single-line text (a name, an address, an id, a title), and none but tab,
// CR and LF in the free texts people write in several lines (an inquiry's
// text, a reason, an answer). A NUL would be cut by PostgreSQL after a check
// saw the whole string; CR and LF would start a new header in an e-mail.
void CheckTexts(const google::protobuf::Message& message,
                const std::string& prefix, Violations& violations);

// A client-chosen id (AIP-122): 4-63 of [a-z0-9-], starting with a letter, not
// ending with '-'.
bool IsValidResourceId(absl::string_view id);
// The id in "collection/{id}", or INVALID_ARGUMENT naming `field`.
absl::StatusOr<std::string> ParseResourceName(absl::string_view field,
                                              absl::string_view name,
                                              absl::string_view collection);
// Whether a caller's x-request-id is kept as it came: up to 64 of
// [A-Za-z0-9-_.], so log lines stay clean; otherwise a new one is made.
bool IsAcceptableRequestId(absl::string_view id);
// A new x-request-id: 32 lowercase hex digits from a generator of the
// thread's own. It only ties log lines together, so it need not be secret,
// and it costs no system call (OpenSSL's generator checks its pid per call).
std::string NewRequestId();
// A request id (UUID form) for one step of a larger change, derived from
// `step`, e.g. "applications/abc:grant": every retry of the change sends the
// same id, so the service called applies the step once.
std::string StepRequestId(absl::string_view step);
// INVALID_ARGUMENT naming `field` unless `request_id` is empty or a UUID.
absl::Status ValidateRequestId(absl::string_view field,
                               absl::string_view request_id);

// 0 -> default, above the maximum -> maximum, negative -> INVALID_ARGUMENT on
// page_size.
absl::StatusOr<int> EffectivePageSize(int32_t requested);

// Characters of UTF-8 `text`, as people count them.
int CharCount(absl::string_view text);
// A text's translations (DOMAIN.md: pages in kk, ru and en): each keyed by
// "kk", "ru" or "en", 1 to `max_chars` characters; violations as
// "field[ru]".
void CheckTranslations(
    const google::protobuf::Map<std::string, std::string>& translations,
    absl::string_view field, int max_chars, Violations& violations);

// A page token carries the last key returned and a fingerprint of the query it
// belongs to, so a token used with other filters is refused rather than
// silently skipping rows; an HMAC under the page token key makes a forged or
// altered token INVALID_ARGUMENT.
//
// Sets the HMAC key; every replica of a service must share it. Until it is
// called, each process uses a random key of its own. It is the deployment's
// secret: KeyedDigest uses it too.
void SetPageTokenKey(absl::string_view key);

// HMAC-SHA256 of `value` under the deployment's secret, for `purpose`, in
// hex: what rate limits count and lookups match personal data by (an address,
// a client), which a bare SHA-256 would give back to anyone trying the few
// addresses there are.
std::string KeyedDigest(absl::string_view purpose, absl::string_view value);
std::string EncodePageToken(absl::string_view query_fingerprint,
                            absl::string_view last_key);
// The last key in `token` ("" for an empty token), or INVALID_ARGUMENT on
// page_token.
absl::StatusOr<std::string> DecodePageToken(
    absl::string_view token, absl::string_view query_fingerprint);

// Keyset paging: a store fetches page_size + 1 rows after the token's key. The
// first page_size rows go to `add`; the extra one, when there is one, says
// another page follows. Returns the next page token, "" on the last page; `key`
// gives a row's keyset key.
template <typename Row, typename Add, typename Key>
std::string TakePage(std::vector<Row>& rows, int page_size,
                     absl::string_view query, Add add, Key key) {
  const bool more = static_cast<int>(rows.size()) > page_size;
  if (more) rows.resize(page_size);
  std::string next = more ? EncodePageToken(query, key(rows.back())) : "";
  for (auto& row : rows) add(std::move(row));
  return next;
}

// The id in a resource name "collection/{id}" that ParseResourceName accepted.
inline std::string ResourceIdOf(absl::string_view name) {
  return std::string(name.substr(name.find('/') + 1));
}

// The paths of an update mask (AIP-134): all of `allowed` when the mask is
// empty or "*", else its paths, each of which must be in `allowed`
// (INVALID_ARGUMENT naming update_mask.paths[i]).
absl::StatusOr<std::set<std::string>> UpdateMaskPaths(
    const google::protobuf::FieldMask& mask,
    const std::set<std::string>& allowed);

// The etag of revision `revision` of the resource `name`.
std::string Etag(absl::string_view name, int64_t revision);
// ABORTED when the caller sent an etag that is not the current one; an empty
// etag always passes.
absl::Status CheckEtag(absl::string_view sent, absl::string_view current);

}  // namespace mobility

#endif  // MOBILITY_COMMON_API_H_
