// Identity: every call carries "authorization: Bearer <JWT>" signed RS256; the
// services verify it with the configured public keys. Three kinds of caller,
// never confused (DOMAIN.md, "Who acts for whom"):
// - people: staff acting for one institution, or applicants, with tokens of
//   the university's identity provider (applicants also of the applications
//   service's sign-in);
// - partner systems: a partner university's system, with a token of the
//   identity provider for the `partner_system` role and its institution; it
//   may do what that partner's coordinator may, for that partner only;
// - our own services: the `service` role, only in tokens of the internal
//   issuer, signed with a key that only the deployment holds.
// Each service declares which roles may call each RPC; its domain then checks
// the caller's relation to the resource.
#ifndef MOBILITY_COMMON_AUTH_H_
#define MOBILITY_COMMON_AUTH_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/oidc.h"

namespace mobility {

enum class Role {
  kApplicant,
  kCoordinator,
  kFinance,
  kInquiryHandler,
  // The rector and deputies: decide what the law reserves to the head, such
  // as extending an inquiry's legal due date.
  kRectorOffice,
  kAdmin,
  // A partner university's system, acting as that partner's coordinator.
  kPartnerSystem,
  // Our own services calling each other: takes and releases places, makes,
  // cancels and settles the grants of a selection, vouches for an end user's
  // address. Held by no person and no partner.
  kService
};

absl::string_view RoleName(Role role);
std::optional<Role> ParseRole(absl::string_view name);

// Issuer of the identity provider's tokens: every role.
inline constexpr absl::string_view kTokenIssuer = "mobility-office";
// Issuer of the tokens applicants get for an e-mailed sign-in code: the
// applications service signs them with a key of its own, trusted for the
// applicant role only, so that its key can mint nothing more.
inline constexpr absl::string_view kApplicantTokenIssuer =
    "mobility-office/applicants";
// Issuer of our own services' tokens, the only ones that may carry the
// `service` role: signed with the internal key, which no identity provider,
// partner or person holds.
inline constexpr absl::string_view kInternalTokenIssuer =
    "mobility-office/internal";
// Issuer of the tokens our EWP service (services/ewp) gives a partner's
// system once its HTTP signature holds: signed with a key of its own, trusted
// for the partner_system role only, so that key can mint no staff or service.
inline constexpr absl::string_view kEwpTokenIssuer = "mobility-office/ewp";
// The internal identity of the gateway: the only caller believed when it
// vouches for the end user's address.
inline constexpr absl::string_view kGatewaySubject = "gateway";
// Audience a token must name unless a service is configured otherwise.
inline constexpr absl::string_view kDefaultAudience = "mobility-office";

struct Principal {
  Principal() = default;
  Principal(std::string subject, std::set<Role> roles, std::string institution)
      : subject(std::move(subject)),
        roles(std::move(roles)),
        institution(std::move(institution)) {}

  std::string subject;
  std::set<Role> roles;
  // The institution the person or system acts for ("institutions/{id}"); empty
  // when the token names none.
  std::string institution;
  // The offices ("offices/{id}") an inquiry handler is limited to; empty: no
  // limit (the registry's handlers, who take appeals in and assign them).
  std::vector<std::string> offices;
  bool Has(Role role) const { return roles.count(role) > 0; }
  // No token, on an RPC open to the public: a visitor of the university's
  // pages.
  bool IsPublic() const { return subject.empty(); }
  // One of our own services, by its internal identity.
  bool IsInternal() const { return Has(Role::kService); }
  // Acts for `institution` ("institutions/{id}"): its staff or its system.
  bool ActsFor(absl::string_view of) const {
    return !institution.empty() && institution == of;
  }
  // May act as a coordinator of `of`: its coordinator, or its system.
  bool IsCoordinatorOf(absl::string_view of) const {
    return (Has(Role::kCoordinator) || Has(Role::kPartnerSystem)) &&
           ActsFor(of);
  }
  // The office of `of`: its coordinators, finance officers and admins, and its
  // system (which may do what its coordinators may). They see the personal
  // data their work needs (signing contacts, the institution's grants).
  bool IsOfficeOf(absl::string_view of) const {
    return (Has(Role::kCoordinator) || Has(Role::kFinance) ||
            Has(Role::kAdmin) || Has(Role::kPartnerSystem)) &&
           ActsFor(of);
  }
};

struct TokenPolicy {
  std::string audience = std::string(kDefaultAudience);
  // exp - iat may not exceed this: a stolen token is useful for a bounded time.
  absl::Duration max_lifetime = absl::Hours(24);
  // Clock skew tolerated on iat and nbf.
  absl::Duration leeway = absl::Seconds(30);
  // Verified tokens kept, by digest, so a caller's next call skips the RSA
  // check; expiry and roles are still checked on every call.
  size_t cache_capacity = 10000;
  // The applications service's public key (PEM) for kApplicantTokenIssuer;
  // empty: no applicant sign-in tokens are accepted.
  std::string applicant_issuer_key_pem;
  // The internal public key (PEM) for kInternalTokenIssuer; empty: no
  // caller is one of our services.
  std::string internal_issuer_key_pem;
  // The EWP service's public key (PEM) for kEwpTokenIssuer; empty: no
  // partner calls through EWP.
  std::string ewp_issuer_key_pem;
  // The university's identity provider (OpenID Connect), whose tokens are
  // checked with the keys it publishes, for its own audience, their claims
  // read as its settings say; null: none.
  std::shared_ptr<IdentityProvider> identity_provider;
};

class TokenVerifier {
 public:
  // INVALID_ARGUMENT unless `public_key_pem` is an RSA public key in PEM. The
  // key is parsed here, once.
  static absl::StatusOr<TokenVerifier> FromPublicKeyPem(
      absl::string_view public_key_pem, TokenPolicy policy = {});

  // UNAUTHENTICATED unless `token` is an RS256 JWT signed by the key, issued by
  // kTokenIssuer for the policy's audience, with a subject, known roles, iat
  // and exp within the maximum lifetime, and valid at `now` (nbf..exp). Staff
  // and partner-system tokens must name their institution, a partner system
  // holds no other role, and no such token carries `service`. A token of
  // kApplicantTokenIssuer is checked with the policy's applicant key instead
  // and may carry the applicant role only, for no institution; one of
  // kInternalTokenIssuer with the internal key, and carries `service` alone,
  // for no institution; one of kEwpTokenIssuer with the EWP key, and carries
  // partner_system alone, for its institution. One of the identity provider's
  // issuer with the provider's key its kid names, for the provider's
  // audience, its roles, institution and offices read from the claims the
  // provider's settings name; it may carry any role but `service`.
  absl::StatusOr<Principal> Verify(absl::string_view token,
                                   absl::Time now) const;

 private:
  struct State;
  explicit TokenVerifier(std::shared_ptr<State> state)
      : state_(std::move(state)) {}
  // Copies share the parsed key and the cache.
  std::shared_ptr<State> state_;
};

// What a token says; Mint signs it.
struct TokenClaims {
  std::string issuer = std::string(kTokenIssuer);
  std::string subject;
  std::vector<Role> roles;
  std::string institution;           // Optional "institutions/{id}".
  std::vector<std::string> offices;  // Optional "offices/{id}", handlers'.
  std::string audience = std::string(kDefaultAudience);
  absl::Time issued_at;
  absl::Duration lifetime = absl::Hours(1);
};

// Signs RS256 tokens: the applicants' tokens in the applications service, and
// staff tokens for development and tests (in production those come from the
// identity provider).
class TokenSigner {
 public:
  // INVALID_ARGUMENT unless `private_key_pem` is an RSA private key in PEM.
  static absl::StatusOr<TokenSigner> FromPrivateKeyPem(
      absl::string_view private_key_pem);
  absl::StatusOr<std::string> Sign(const TokenClaims& claims) const;

 private:
  struct State;
  explicit TokenSigner(std::shared_ptr<State> state)
      : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

// The token from an "authorization" header value "Bearer <token>",
// UNAUTHENTICATED otherwise.
absl::StatusOr<std::string> BearerToken(absl::string_view header);

// Every role: for methods any authenticated caller may use.
std::set<Role> AnyRole();

// PERMISSION_DENIED unless the principal holds one of `allowed`; a partner
// system may call what a coordinator may.
absl::Status Authorize(const Principal& principal,
                       const std::set<Role>& allowed, absl::string_view method);

}  // namespace mobility

#endif  // MOBILITY_COMMON_AUTH_H_
