#include "tools/mobilityctl/ctl.h"

namespace mobility::ctl {

int Token() {
  std::vector<Role> roles;
  for (absl::string_view name :
       absl::StrSplit(absl::GetFlag(FLAGS_role), ',', absl::SkipEmpty())) {
    auto role = ParseRole(name);
    if (!role.has_value()) return Usage(absl::StrCat("unknown role ", name));
    roles.push_back(*role);
  }
  if (roles.empty() || absl::GetFlag(FLAGS_subject).empty()) {
    return Usage("token needs --role and --subject");
  }
  // The services refuse tokens that live longer than a day.
  if (absl::GetFlag(FLAGS_ttl_hours) < 1 || absl::GetFlag(FLAGS_ttl_hours) > 24)
    return Usage("--ttl_hours must be between 1 and 24");
  // Our services' identity comes from the internal key alone; the services
  // refuse it from any other.
  const bool internal = roles == std::vector<Role>{Role::kService};
  const std::string key_file =
      absl::GetFlag(internal ? FLAGS_internal_signing_key : FLAGS_signing_key);
  if (key_file.empty()) {
    return Usage(internal ? "token --role service needs "
                            "--internal_signing_key or "
                            "MOBILITY_INTERNAL_JWT_PRIVATE_KEY_FILE"
                          : "token needs --signing_key or "
                            "MOBILITY_JWT_PRIVATE_KEY_FILE");
  }
  auto pem = ReadInput(key_file);
  if (!pem.ok()) return Fail(pem.status());
  auto signer = TokenSigner::FromPrivateKeyPem(*pem);
  if (!signer.ok()) return Fail(signer.status());
  TokenClaims claims;
  if (internal) claims.issuer = std::string(kInternalTokenIssuer);
  claims.subject = absl::GetFlag(FLAGS_subject);
  claims.roles = roles;
  claims.institution = absl::GetFlag(FLAGS_institution);
  claims.offices =
      absl::StrSplit(absl::GetFlag(FLAGS_office), ',', absl::SkipEmpty());
  claims.issued_at = absl::Now();
  claims.lifetime = absl::Hours(absl::GetFlag(FLAGS_ttl_hours));
  auto token = signer->Sign(claims);
  if (!token.ok()) return Fail(token.status());
  std::cerr << "# a development token; export it as MOBILITY_TOKEN\n";
  std::cout << *token << "\n";
  return 0;
}

}  // namespace mobility::ctl
