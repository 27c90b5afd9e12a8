// The university's identity provider (OpenID Connect): staff sign in there,
// and the services trust its tokens by the keys it publishes (a JWK Set at
// its jwks_uri), found by each token's key id. The keys are fetched when
// first needed and again when a token names a key id not in the set held (the
// provider rotated its keys), at most once per refetch interval, so a stream
// of forged key ids cannot make us hammer the provider. The claims that carry
// roles, institution and offices are configurable, as providers name them
// differently ("roles", "groups", "realm_access.roles").
#ifndef MOBILITY_COMMON_OIDC_H_
#define MOBILITY_COMMON_OIDC_H_

#include <openssl/evp.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "google/protobuf/struct.pb.h"

namespace mobility {

struct IdentityProviderSettings {
  // "iss" of its tokens, exactly as the provider writes it.
  std::string issuer;
  // Its JWK Set; empty: read from the discovery document at
  // issuer + "/.well-known/openid-configuration".
  std::string jwks_url;
  // What "aud" must name: our client id at the provider.
  std::string audience;
  // Claims, each a dotted path into the token. Roles: a list or a
  // space-separated string; institution: "institutions/{id}" or the bare id;
  // offices: a list of "offices/{id}".
  std::string roles_claim = "roles";
  std::string institution_claim = "institution";
  std::string offices_claim = "offices";
  // The provider's role or group names that mean ours ("mobility-finance" ->
  // "finance"); names not in the map pass as they are, and a name that is no
  // role of ours makes the token invalid.
  std::map<std::string, std::string> role_names;
  absl::Duration refetch_interval = absl::Seconds(10);
};

// The provider's role names for ours from "theirs=ours,..." (--oidc_role_names,
// read by the services and the gateway alike); INVALID_ARGUMENT naming the
// pair whose "ours" is no role a person may hold.
absl::StatusOr<std::map<std::string, std::string>> ParseRoleNames(
    absl::string_view setting);

// GET `url`: the body of a 2xx answer, UNAVAILABLE otherwise
// (common/http_fetch.h).
using HttpFetch =
    std::function<absl::StatusOr<std::string>(const std::string& url)>;

using SharedKey = std::shared_ptr<EVP_PKEY>;

// The RSA signing keys of a JWK Set by key id ("kty":"RSA"; keys for
// encryption and of other types are left out). INVALID_ARGUMENT when the
// document is not a JWK Set.
absl::StatusOr<std::map<std::string, SharedKey>> ParseJwks(
    absl::string_view json);

class IdentityProvider {
 public:
  IdentityProvider(IdentityProviderSettings settings, HttpFetch fetch);
  const IdentityProviderSettings& settings() const { return settings_; }

  // The key `kid` names, fetching the set again when it is unknown and the
  // last fetch is older than the refetch interval. UNAUTHENTICATED when the
  // provider has no such key; UNAVAILABLE when it cannot be reached.
  absl::StatusOr<SharedKey> Key(absl::string_view kid, absl::Time now);

  // The token's claims in our names: "roles" a list of our role names,
  // "institution" a resource name, "offices" a list, and "sub", "aud", "exp",
  // "iat", "nbf" as they came.
  absl::StatusOr<google::protobuf::Struct> OurClaims(
      const google::protobuf::Struct& claims) const;

 private:
  absl::Status Refetch(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(fetch_mu_);

  const IdentityProviderSettings settings_;
  const HttpFetch fetch_;
  // Held while fetching, so that one caller fetches and the others wait.
  absl::Mutex fetch_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  std::string jwks_url_ ABSL_GUARDED_BY(fetch_mu_);
  absl::Time last_fetch_ ABSL_GUARDED_BY(fetch_mu_) = absl::InfinitePast();
  mutable absl::Mutex mu_;
  std::map<std::string, SharedKey> keys_ ABSL_GUARDED_BY(mu_);
};

}  // namespace mobility

#endif  // MOBILITY_COMMON_OIDC_H_
