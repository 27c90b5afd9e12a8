#include "common/auth.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <jwt.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace mobility {
namespace {

constexpr std::pair<Role, absl::string_view> kRoleNames[] = {
    {Role::kApplicant, "applicant"}, {Role::kCoordinator, "coordinator"},
    {Role::kFinance, "finance"},     {Role::kInquiryHandler, "inquiry_handler"},
    {Role::kAdmin, "admin"},         {Role::kService, "service"},
};

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};
using CString = std::unique_ptr<char, FreeDeleter>;

absl::Status Unauthenticated(absl::string_view reason,
                             absl::string_view message) {
  return Error(absl::StatusCode::kUnauthenticated, reason, message);
}

}  // namespace

absl::string_view RoleName(Role role) {
  for (const auto& [r, name] : kRoleNames) {
    if (r == role) return name;
  }
  return "";
}

std::optional<Role> ParseRole(absl::string_view name) {
  for (const auto& [r, n] : kRoleNames) {
    if (n == name) return r;
  }
  return std::nullopt;
}

std::set<Role> AnyRole() {
  std::set<Role> all;
  for (const auto& [r, name] : kRoleNames) all.insert(r);
  return all;
}

absl::StatusOr<TokenVerifier> TokenVerifier::FromPublicKeyPem(
    std::string public_key_pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(public_key_pem.data(),
                      static_cast<int>(public_key_pem.size())),
      &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr),
      &EVP_PKEY_free);
  if (key == nullptr || EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA) {
    return absl::InvalidArgumentError(
        "the JWT public key is not an RSA public key in PEM");
  }
  return TokenVerifier(std::move(public_key_pem));
}

absl::StatusOr<Principal> TokenVerifier::Verify(absl::string_view token,
                                                absl::Time now) const {
  if (token.empty() || token.size() > 8192) {
    return Unauthenticated("TOKEN_INVALID",
                           "the bearer token is missing or too long");
  }
  jwt_t* raw = nullptr;
  std::string token_str(token);
  int rc =
      jwt_decode(&raw, token_str.c_str(),
                 reinterpret_cast<const unsigned char*>(public_key_pem_.data()),
                 static_cast<int>(public_key_pem_.size()));
  JwtPtr jwt(raw);
  // Pinning RS256 matters: a token claiming HS256 would otherwise be checked as
  // an HMAC keyed with the (public) key text, which anyone can forge.
  if (rc != 0 || jwt == nullptr || jwt_get_alg(jwt.get()) != JWT_ALG_RS256) {
    return Unauthenticated("TOKEN_INVALID",
                           "the bearer token's signature is not valid");
  }
  const char* issuer = jwt_get_grant(jwt.get(), "iss");
  if (issuer == nullptr || kTokenIssuer != issuer) {
    return Unauthenticated("TOKEN_INVALID",
                           "the bearer token has the wrong issuer");
  }
  errno = 0;
  long exp = jwt_get_grant_int(jwt.get(), "exp");
  if (errno != 0 || absl::FromUnixSeconds(exp) <= now) {
    return Unauthenticated("TOKEN_EXPIRED", "the bearer token has expired");
  }
  const char* subject = jwt_get_grant(jwt.get(), "sub");
  if (subject == nullptr || *subject == '\0') {
    return Unauthenticated("TOKEN_INVALID", "the bearer token has no subject");
  }
  Principal principal;
  principal.subject = subject;
  CString roles_json(jwt_get_grants_json(jwt.get(), "roles"));
  google::protobuf::ListValue roles;
  if (roles_json == nullptr ||
      !google::protobuf::util::JsonStringToMessage(roles_json.get(), &roles)
           .ok()) {
    return Unauthenticated("TOKEN_INVALID",
                           "the bearer token's roles are not a list");
  }
  for (const auto& value : roles.values()) {
    auto role = ParseRole(value.string_value());
    if (!role.has_value()) {
      return Unauthenticated("TOKEN_INVALID",
                             "the bearer token names an unknown role");
    }
    principal.roles.insert(*role);
  }
  return principal;
}

absl::StatusOr<std::string> MintToken(absl::string_view private_key_pem,
                                      absl::string_view subject,
                                      const std::vector<Role>& roles,
                                      absl::Time issued_at,
                                      absl::Duration lifetime) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("jwt_new failed");
  JwtPtr jwt(raw);
  std::string key(private_key_pem);
  if (jwt_set_alg(jwt.get(), JWT_ALG_RS256,
                  reinterpret_cast<const unsigned char*>(key.data()),
                  static_cast<int>(key.size())) != 0) {
    return absl::InvalidArgumentError(
        "the signing key is not usable for RS256");
  }
  google::protobuf::ListValue role_list;
  for (Role r : roles)
    role_list.add_values()->set_string_value(std::string(RoleName(r)));
  std::string roles_json;
  (void)google::protobuf::util::MessageToJsonString(role_list, &roles_json);
  std::string grants = absl::StrCat("{\"roles\":", roles_json, "}");
  if (jwt_add_grant(jwt.get(), "iss", std::string(kTokenIssuer).c_str()) != 0 ||
      jwt_add_grant(jwt.get(), "sub", std::string(subject).c_str()) != 0 ||
      jwt_add_grant_int(jwt.get(), "iat", absl::ToUnixSeconds(issued_at)) !=
          0 ||
      jwt_add_grant_int(jwt.get(), "exp",
                        absl::ToUnixSeconds(issued_at + lifetime)) != 0 ||
      jwt_add_grants_json(jwt.get(), grants.c_str()) != 0) {
    return absl::InvalidArgumentError("cannot build the token's claims");
  }
  CString encoded(jwt_encode_str(jwt.get()));
  if (encoded == nullptr)
    return absl::InvalidArgumentError("cannot sign the token");
  return std::string(encoded.get());
}

absl::StatusOr<std::string> BearerToken(absl::string_view header) {
  constexpr absl::string_view kPrefix = "Bearer ";
  if (!absl::StartsWithIgnoreCase(header, kPrefix) ||
      header.size() == kPrefix.size()) {
    return Unauthenticated(
        "TOKEN_MISSING",
        "send \"authorization: Bearer <token>\" with every call");
  }
  return std::string(header.substr(kPrefix.size()));
}

absl::Status MethodRoles::Authorize(const Principal& principal,
                                    absl::string_view method) const {
  auto it = table_.find(method);
  if (it != table_.end()) {
    for (Role r : it->second) {
      if (principal.Has(r)) return absl::OkStatus();
    }
  }
  return Error(absl::StatusCode::kPermissionDenied, "ROLE_NOT_ALLOWED",
               absl::StrCat("the caller's roles may not call ", method));
}

}  // namespace mobility
