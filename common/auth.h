// Identity: every call carries "authorization: Bearer <JWT>" signed RS256 by
// the university's identity provider; the services verify it with the
// configured public key. Each service declares which roles may call each RPC.
#ifndef MOBILITY_COMMON_AUTH_H_
#define MOBILITY_COMMON_AUTH_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

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
// Audience a token must name unless a service is configured otherwise.
inline constexpr absl::string_view kDefaultAudience = "mobility-office";

struct Principal {
  std::string subject;
  std::set<Role> roles;
  // The institution the person or system acts for ("institutions/{id}"); empty
  // when the token names none.
  std::string institution;
  bool Has(Role role) const { return roles.count(role) > 0; }
  // No token, on an RPC open to the public: a visitor of the university's
  // pages.
  bool IsPublic() const { return subject.empty(); }
  // The international office's own people, as opposed to applicants and
  // systems: they may see the personal data their work needs (signing
  // contacts, other people's grants). A service acts for a person and sees
  // what that person's token allows, so `service` alone is not staff.
  bool IsStaff() const {
    return Has(Role::kCoordinator) || Has(Role::kFinance) || Has(Role::kAdmin);
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
  // empty: only the identity provider's tokens are accepted.
  std::string applicant_issuer_key_pem;
};

class TokenVerifier {
 public:
  // INVALID_ARGUMENT unless `public_key_pem` is an RSA public key in PEM. The
  // key is parsed here, once.
  static absl::StatusOr<TokenVerifier> FromPublicKeyPem(
      absl::string_view public_key_pem, TokenPolicy policy = {});

  // UNAUTHENTICATED unless `token` is an RS256 JWT signed by the key, issued by
  // kTokenIssuer for the policy's audience, with a subject, known roles, iat
  // and exp within the maximum lifetime, and valid at `now` (nbf..exp). A
  // token of kApplicantTokenIssuer is checked with the policy's applicant key
  // instead and may carry the applicant role only, for no institution.
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
  std::string institution;  // Optional "institutions/{id}".
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

// PERMISSION_DENIED unless the principal holds one of `allowed`.
absl::Status Authorize(const Principal& principal,
                       const std::set<Role>& allowed, absl::string_view method);

}  // namespace mobility

#endif  // MOBILITY_COMMON_AUTH_H_
