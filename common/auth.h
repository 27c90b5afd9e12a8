// Identity: every call carries "authorization: Bearer <JWT>" signed RS256 by
// the university's identity provider; the services verify it with the
// configured public key. Each service declares in one table which roles may
// call each RPC.
#ifndef MOBILITY_COMMON_AUTH_H_
#define MOBILITY_COMMON_AUTH_H_

#include <initializer_list>
#include <map>
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
  kAdmin,
  kService
};

absl::string_view RoleName(Role role);
std::optional<Role> ParseRole(absl::string_view name);

// Issuer every token must name.
inline constexpr absl::string_view kTokenIssuer = "mobility-office";

struct Principal {
  std::string subject;
  std::set<Role> roles;
  bool Has(Role role) const { return roles.count(role) > 0; }
  // The university's own people and systems, as opposed to applicants: they may
  // see personal data their work needs (signing contacts, other people's
  // grants).
  bool IsStaff() const {
    return Has(Role::kCoordinator) || Has(Role::kFinance) ||
           Has(Role::kAdmin) || Has(Role::kService);
  }
};

class TokenVerifier {
 public:
  // INVALID_ARGUMENT unless `public_key_pem` is an RSA public key in PEM.
  static absl::StatusOr<TokenVerifier> FromPublicKeyPem(
      std::string public_key_pem);

  // UNAUTHENTICATED unless `token` is an RS256 JWT signed by the key, issued by
  // kTokenIssuer, with a subject, known roles and an expiry after `now`.
  absl::StatusOr<Principal> Verify(absl::string_view token,
                                   absl::Time now) const;

 private:
  explicit TokenVerifier(std::string pem) : public_key_pem_(std::move(pem)) {}
  std::string public_key_pem_;
};

// Signs a token for development and tests; production tokens come from the
// identity provider.
absl::StatusOr<std::string> MintToken(absl::string_view private_key_pem,
                                      absl::string_view subject,
                                      const std::vector<Role>& roles,
                                      absl::Time issued_at,
                                      absl::Duration lifetime);

// The token from an "authorization" header value "Bearer <token>",
// UNAUTHENTICATED otherwise.
absl::StatusOr<std::string> BearerToken(absl::string_view header);

// RPC method name (e.g. "CreateAgreement") -> the roles that may call it. A
// method missing from the table is refused: access is granted only where it is
// written down.
class MethodRoles {
 public:
  MethodRoles(
      std::initializer_list<std::pair<const std::string, std::set<Role>>> table)
      : table_(table) {}
  // PERMISSION_DENIED unless the principal holds one of the method's roles.
  absl::Status Authorize(const Principal& principal,
                         absl::string_view method) const;

 private:
  std::map<std::string, std::set<Role>, std::less<>> table_;
};

// Every role: for methods any authenticated caller may use.
std::set<Role> AnyRole();

}  // namespace mobility

#endif  // MOBILITY_COMMON_AUTH_H_
