// HTTP Signatures as EWP uses them (draft-cavage-http-signatures-07,
// rsa-sha256): a client signs each request (ewp-specs-sec-cliauth-httpsig) and
// a server its response (ewp-specs-sec-srvauth-httpsig), each with a SHA-256
// Digest of the body (RFC 3230, RFC 5843). The signature binds the body, the
// date and a request id, so a signed request cannot be altered, and with a
// replay guard not replayed either.
#ifndef MOBILITY_SERVICES_EWP_HTTP_SIGNATURE_H_
#define MOBILITY_SERVICES_EWP_HTTP_SIGNATURE_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/ewp/keys.h"

namespace mobility::ewp {

// A request or response as signed: header names in lowercase, in the order
// sent (a name may repeat).
struct HttpMessage {
  std::string method;  // Requests: "GET", "POST".
  std::string target;  // Requests: the path and query, "/ewp/iias?x=1".
  int status = 200;    // Responses.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The value of the first header named `name` (lowercase), "" when none.
  std::string Header(absl::string_view name) const;
  void SetHeader(absl::string_view name, std::string value);
};

// The signatures' clock skew: the specifications recommend 5 minutes and
// forbid less.
inline constexpr absl::Duration kMaxClockSkew = absl::Minutes(5);

// "SHA-256=<base64>" of `body`.
std::string BodyDigest(absl::string_view body);
// An HTTP date (RFC 7231 IMF-fixdate): "Wed, 02 Dec 2026 19:45:00 GMT".
std::string HttpDate(absl::Time time);

// Adds Date, Digest, X-Request-Id (a random UUID v4), Accept-Signature and
// the Authorization signature over (request-target), host, date, digest and
// x-request-id. `request` must already carry its Host.
void SignRequest(const RsaPrivateKey& key, absl::Time now,
                 HttpMessage* request);

// Refuses a request whose X-Request-Id was seen before within the
// signatures' clock skew, by the same client key. A request older than the
// skew is refused by its date, so an id need not be remembered for longer
// than twice the skew.
class ReplayGuard {
 public:
  virtual ~ReplayGuard() = default;
  // False when (key_id, request_id) was seen before within the window; an
  // error when that cannot be told (the request is then refused).
  virtual absl::StatusOr<bool> FirstUse(const std::string& key_id,
                                        const std::string& request_id,
                                        absl::Time now) = 0;
};

// The ids one process has seen: for a single replica and the tests. The
// service keeps them in PostgreSQL, so every replica sees each id
// (partner_copies.h).
class InMemoryReplayGuard : public ReplayGuard {
 public:
  absl::StatusOr<bool> FirstUse(const std::string& key_id,
                                const std::string& request_id,
                                absl::Time now) override
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, absl::Time> seen_ ABSL_GUARDED_BY(mu_);
  absl::Time next_sweep_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

// How long a request id is remembered: twice kMaxClockSkew.
inline constexpr absl::Duration kReplayWindow = absl::Minutes(10);

// The key a keyId names, or nullptr when none is known.
using KeyLookup = std::function<const RsaPublicKey*(absl::string_view key_id)>;

// Verifies a request signed by a client, in the order of
// ewp-specs-sec-cliauth-httpsig ("Implementing a server"), and returns the
// client key's fingerprint. The code says which answer the specification
// asks for: UNAUTHENTICATED (401) without a usable Signature authorization,
// PERMISSION_DENIED (403) for a key the catalogue does not list,
// INVALID_ARGUMENT (400) for a wrong host, a date off by more than
// kMaxClockSkew, a replayed request id, a bad signature or a digest that is
// not the body's.
absl::StatusOr<std::string> VerifyRequest(const HttpMessage& request,
                                          absl::string_view host,
                                          absl::Time now,
                                          const KeyLookup& client_keys,
                                          ReplayGuard& replays);

// Adds Date, Digest, X-Request-Id and X-Request-Signature (from `request`) and
// the Signature header over them.
void SignResponse(const RsaPrivateKey& key, const HttpMessage& request,
                  absl::Time now, HttpMessage* response);

// Verifies the response to our signed `request` (ewp-specs-sec-srvauth-
// httpsig, "Implementing a client"): signed by a key `server_keys` knows,
// over the date, digest, x-request-id and x-request-signature of our request,
// dated within kMaxClockSkew, with the body's digest. UNAUTHENTICATED naming
// what is wrong otherwise. Returns the server key's fingerprint.
absl::StatusOr<std::string> VerifyResponse(const HttpMessage& request,
                                           const HttpMessage& response,
                                           absl::Time now,
                                           const KeyLookup& server_keys);

}  // namespace mobility::ewp

#endif  // MOBILITY_SERVICES_EWP_HTTP_SIGNATURE_H_
