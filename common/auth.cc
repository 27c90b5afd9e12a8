#include "common/auth.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cmath>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "common/api.h"
#include "common/status.h"

namespace mobility {
namespace {

constexpr std::pair<Role, absl::string_view> kRoleNames[] = {
    {Role::kApplicant, "applicant"},
    {Role::kCoordinator, "coordinator"},
    {Role::kFinance, "finance"},
    {Role::kInquiryHandler, "inquiry_handler"},
    {Role::kRectorOffice, "rector_office"},
    {Role::kAdmin, "admin"},
    {Role::kPartnerSystem, "partner_system"},
    {Role::kService, "service"},
};

// Roles of people who act for an institution, whose tokens must name it.
bool IsStaffRole(Role role) {
  return role == Role::kCoordinator || role == Role::kFinance ||
         role == Role::kInquiryHandler || role == Role::kRectorOffice ||
         role == Role::kAdmin;
}

constexpr size_t kMaxTokenSize = 8192;
constexpr char kRs256Header[] = R"({"alg":"RS256","typ":"JWT"})";

using PKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using MdContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
using Md = std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)>;

absl::Status Unauthenticated(absl::string_view reason,
                             absl::string_view message) {
  return Error(absl::StatusCode::kUnauthenticated, reason, message);
}

absl::Status InvalidToken(absl::string_view message) {
  return Unauthenticated("TOKEN_INVALID", message);
}

PKey ReadKey(absl::string_view pem, bool is_private) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  PKey key(is_private
               ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
               : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr),
           &EVP_PKEY_free);
  if (key != nullptr && EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA)
    key.reset();
  return key;
}

// A claim that must be a whole number of seconds; nullopt when absent.
absl::StatusOr<std::optional<int64_t>> SecondsClaim(
    const google::protobuf::Struct& claims, const std::string& name) {
  auto it = claims.fields().find(name);
  if (it == claims.fields().end()) return std::optional<int64_t>();
  double value = it->second.number_value();
  if (it->second.kind_case() != google::protobuf::Value::kNumberValue ||
      value != std::floor(value) || std::fabs(value) > 1e15) {
    return InvalidToken(absl::StrCat("the token's ", name, " is not a time"));
  }
  return std::optional<int64_t>(static_cast<int64_t>(value));
}

std::string StringClaim(const google::protobuf::Struct& claims,
                        const std::string& name) {
  auto it = claims.fields().find(name);
  return it == claims.fields().end() ? "" : it->second.string_value();
}

bool NamesAudience(const google::protobuf::Struct& claims,
                   absl::string_view audience) {
  auto it = claims.fields().find("aud");
  if (it == claims.fields().end()) return false;
  if (it->second.has_list_value()) {
    for (const auto& v : it->second.list_value().values()) {
      if (v.string_value() == audience) return true;
    }
    return false;
  }
  return it->second.string_value() == audience;
}

}  // namespace

// A token checked once, kept for its lifetime (outside the anonymous
// namespace: State, which holds them, is a member of an exported class).
struct VerifiedToken {
  Principal principal;
  absl::Time not_before;
  absl::Time expires;
};

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

struct TokenVerifier::State {
  State(PKey k, PKey applicant_k, PKey internal_k, PKey ewp_k, TokenPolicy p)
      : key(std::move(k)),
        applicant_key(std::move(applicant_k)),
        internal_key(std::move(internal_k)),
        ewp_key(std::move(ewp_k)),
        policy(std::move(p)) {}
  PKey key;
  PKey applicant_key;  // Null when applicant tokens are not trusted.
  PKey internal_key;   // Null when no caller is one of our services.
  PKey ewp_key;        // Null when no partner calls through EWP.
  const TokenPolicy policy;

  absl::StatusOr<VerifiedToken> VerifyUncached(absl::string_view token) const;
  bool CheckSignature(EVP_PKEY* signer, absl::string_view signed_part,
                      absl::string_view signature) const;

  mutable absl::Mutex mu;
  mutable absl::flat_hash_map<std::string, VerifiedToken> cache
      ABSL_GUARDED_BY(mu);
};

bool TokenVerifier::State::CheckSignature(EVP_PKEY* signer,
                                          absl::string_view signed_part,
                                          absl::string_view signature) const {
  MdContext ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  return ctx != nullptr &&
         EVP_DigestVerifyInit(ctx.get(), nullptr, Sha256Algorithm(), nullptr,
                              signer) == 1 &&
         EVP_DigestVerify(
             ctx.get(),
             reinterpret_cast<const unsigned char*>(signature.data()),
             signature.size(),
             reinterpret_cast<const unsigned char*>(signed_part.data()),
             signed_part.size()) == 1;
}

absl::StatusOr<VerifiedToken> TokenVerifier::State::VerifyUncached(
    absl::string_view token) const {
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  std::string header_json, claims_json, signature;
  if (parts.size() != 3 ||
      !absl::WebSafeBase64Unescape(parts[0], &header_json) ||
      !absl::WebSafeBase64Unescape(parts[1], &claims_json) ||
      !absl::WebSafeBase64Unescape(parts[2], &signature)) {
    return InvalidToken("the bearer token is not a JWT");
  }
  google::protobuf::Struct header, claims;
  if (!google::protobuf::util::JsonStringToMessage(header_json, &header).ok() ||
      !google::protobuf::util::JsonStringToMessage(claims_json, &claims).ok()) {
    return InvalidToken("the bearer token is not a JWT");
  }
  // The issuer chooses the key; what an applicant token may claim is checked
  // below, once its signature holds.
  const std::string issuer = StringClaim(claims, "iss");
  const bool applicant_issuer =
      issuer == kApplicantTokenIssuer && applicant_key != nullptr;
  const bool internal_issuer =
      issuer == kInternalTokenIssuer && internal_key != nullptr;
  const bool ewp_issuer = issuer == kEwpTokenIssuer && ewp_key != nullptr;
  IdentityProvider* provider = policy.identity_provider.get();
  const bool provider_issuer =
      provider != nullptr && issuer == provider->settings().issuer;
  if (issuer != kTokenIssuer && !applicant_issuer && !internal_issuer &&
      !ewp_issuer && !provider_issuer)
    return InvalidToken("the bearer token has the wrong issuer");
  SharedKey provider_key;
  if (provider_issuer) {
    auto found = provider->Key(StringClaim(header, "kid"), absl::Now());
    if (!found.ok()) return found.status();
    provider_key = *std::move(found);
    auto ours = provider->OurClaims(claims);
    if (!ours.ok()) return ours.status();
    claims = *std::move(ours);
  }
  EVP_PKEY* signer = applicant_issuer  ? applicant_key.get()
                     : internal_issuer ? internal_key.get()
                     : ewp_issuer      ? ewp_key.get()
                     : provider_issuer ? provider_key.get()
                                       : key.get();
  // Pinning RS256 matters: a token claiming HS256 would otherwise be checked
  // as an HMAC keyed with the (public) key text, which anyone can forge.
  if (StringClaim(header, "alg") != "RS256" ||
      !CheckSignature(signer,
                      token.substr(0, parts[0].size() + 1 + parts[1].size()),
                      signature)) {
    return InvalidToken("the bearer token's signature is not valid");
  }
  if (!NamesAudience(claims, provider_issuer ? provider->settings().audience
                                             : policy.audience))
    return InvalidToken("the bearer token is not meant for this service");
  auto exp = SecondsClaim(claims, "exp");
  auto iat = SecondsClaim(claims, "iat");
  auto nbf = SecondsClaim(claims, "nbf");
  if (!exp.ok()) return exp.status();
  if (!iat.ok()) return iat.status();
  if (!nbf.ok()) return nbf.status();
  if (!exp->has_value() || !iat->has_value())
    return InvalidToken("the bearer token has no iat or exp");
  const absl::Time issued = absl::FromUnixSeconds(**iat);
  VerifiedToken verified;
  verified.expires = absl::FromUnixSeconds(**exp);
  if (verified.expires - issued > policy.max_lifetime) {
    return InvalidToken("the bearer token's lifetime is longer than allowed");
  }
  // A token is not used before it was issued or before its nbf.
  verified.not_before = std::max(
      issued, nbf->has_value() ? absl::FromUnixSeconds(**nbf) : issued);
  Principal& principal = verified.principal;
  principal.subject = StringClaim(claims, "sub");
  if (principal.subject.empty())
    return InvalidToken("the bearer token has no subject");
  principal.institution = StringClaim(claims, "institution");
  if (!principal.institution.empty() &&
      !ParseResourceName("institution", principal.institution, "institutions")
           .ok()) {
    return InvalidToken("the bearer token's institution is not valid");
  }
  if (auto offices = claims.fields().find("offices");
      offices != claims.fields().end()) {
    if (!offices->second.has_list_value())
      return InvalidToken("the bearer token's offices are not a list");
    for (const auto& value : offices->second.list_value().values()) {
      if (!ParseResourceName("offices", value.string_value(), "offices").ok())
        return InvalidToken("the bearer token names an office not valid");
      principal.offices.push_back(value.string_value());
    }
  }
  auto roles = claims.fields().find("roles");
  if (roles == claims.fields().end() || !roles->second.has_list_value())
    return InvalidToken("the bearer token's roles are not a list");
  for (const auto& value : roles->second.list_value().values()) {
    auto role = ParseRole(value.string_value());
    if (!role.has_value())
      return InvalidToken("the bearer token names an unknown role");
    principal.roles.insert(*role);
  }
  if (applicant_issuer &&
      (principal.roles != std::set<Role>{Role::kApplicant} ||
       !principal.institution.empty())) {
    return InvalidToken(
        "an applicant sign-in token may carry the applicant role only");
  }
  if (ewp_issuer && (principal.roles != std::set<Role>{Role::kPartnerSystem})) {
    return InvalidToken("an EWP token may carry the partner_system role only");
  }
  // Only the internal key makes one of our services, and it makes nothing
  // else.
  if (internal_issuer != principal.Has(Role::kService) ||
      (internal_issuer &&
       (principal.roles.size() != 1 || !principal.institution.empty()))) {
    return InvalidToken(
        "the service role is our own services' alone, in internal tokens "
        "carrying no other role and no institution");
  }
  if (!principal.offices.empty() && !principal.Has(Role::kInquiryHandler)) {
    return InvalidToken("only an inquiry handler's token names offices");
  }
  if (principal.Has(Role::kPartnerSystem) &&
      (principal.roles.size() != 1 || principal.institution.empty())) {
    return InvalidToken(
        "a partner system's token carries that role alone and names the "
        "partner's institution");
  }
  for (Role role : principal.roles) {
    if (IsStaffRole(role) && principal.institution.empty()) {
      return InvalidToken(
          "a staff token must name the institution its holder acts for");
    }
  }
  return verified;
}

absl::StatusOr<TokenVerifier> TokenVerifier::FromPublicKeyPem(
    absl::string_view public_key_pem, TokenPolicy policy) {
  PKey key = ReadKey(public_key_pem, /*is_private=*/false);
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        "the JWT public key is not an RSA public key in PEM");
  }
  // The other issuers' keys are optional: none, no such tokens.
  PKey issuer_keys[3] = {PKey(nullptr, &EVP_PKEY_free),
                         PKey(nullptr, &EVP_PKEY_free),
                         PKey(nullptr, &EVP_PKEY_free)};
  const std::pair<const std::string*, const char*> optional[3] = {
      {&policy.applicant_issuer_key_pem, "applicant"},
      {&policy.internal_issuer_key_pem, "internal"},
      {&policy.ewp_issuer_key_pem, "EWP"}};
  for (int i = 0; i < 3; ++i) {
    if (optional[i].first->empty()) continue;
    issuer_keys[i] = ReadKey(*optional[i].first, /*is_private=*/false);
    if (issuer_keys[i] == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("the ", optional[i].second,
                       " token public key is not an RSA public key in PEM"));
    }
  }
  return TokenVerifier(std::make_shared<State>(
      std::move(key), std::move(issuer_keys[0]), std::move(issuer_keys[1]),
      std::move(issuer_keys[2]), std::move(policy)));
}

absl::StatusOr<Principal> TokenVerifier::Verify(absl::string_view token,
                                                absl::Time now) const {
  if (token.empty() || token.size() > kMaxTokenSize) {
    return InvalidToken("the bearer token is missing or too long");
  }
  const std::string digest = Sha256(token);
  std::optional<VerifiedToken> verified;
  {
    absl::ReaderMutexLock lock(&state_->mu);
    auto it = state_->cache.find(digest);
    if (it != state_->cache.end()) verified = it->second;
  }
  if (!verified.has_value()) {
    auto fresh = state_->VerifyUncached(token);
    if (!fresh.ok()) return fresh.status();
    verified = *std::move(fresh);
    absl::MutexLock lock(&state_->mu);
    // Bounded: when full, start afresh; a cache miss costs one RSA check.
    if (state_->cache.size() >= state_->policy.cache_capacity)
      state_->cache.clear();
    state_->cache.emplace(digest, *verified);
  }
  if (verified->expires <= now)
    return Unauthenticated("TOKEN_EXPIRED", "the bearer token has expired");
  if (verified->not_before > now + state_->policy.leeway)
    return InvalidToken("the bearer token is not valid yet");
  return verified->principal;
}

struct TokenSigner::State {
  PKey key{nullptr, &EVP_PKEY_free};
};

absl::StatusOr<TokenSigner> TokenSigner::FromPrivateKeyPem(
    absl::string_view private_key_pem) {
  auto state = std::make_shared<State>();
  state->key = ReadKey(private_key_pem, /*is_private=*/true);
  if (state->key == nullptr) {
    return absl::InvalidArgumentError(
        "the signing key is not an RSA private key in PEM");
  }
  return TokenSigner(std::move(state));
}

absl::StatusOr<std::string> TokenSigner::Sign(const TokenClaims& claims) const {
  google::protobuf::Struct body;
  auto& fields = *body.mutable_fields();
  fields["iss"].set_string_value(claims.issuer);
  fields["sub"].set_string_value(claims.subject);
  fields["aud"].set_string_value(claims.audience);
  const int64_t iat = absl::ToUnixSeconds(claims.issued_at);
  fields["iat"].set_number_value(static_cast<double>(iat));
  fields["nbf"].set_number_value(static_cast<double>(iat));
  fields["exp"].set_number_value(
      static_cast<double>(iat + absl::ToInt64Seconds(claims.lifetime)));
  if (!claims.institution.empty())
    fields["institution"].set_string_value(claims.institution);
  if (!claims.offices.empty()) {
    auto* offices = fields["offices"].mutable_list_value();
    for (const std::string& o : claims.offices)
      offices->add_values()->set_string_value(o);
  }
  auto* roles = fields["roles"].mutable_list_value();
  for (Role r : claims.roles)
    roles->add_values()->set_string_value(std::string(RoleName(r)));
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(body, &json).ok())
    return absl::InternalError("cannot encode the token's claims");
  std::string signed_part =
      absl::StrCat(absl::WebSafeBase64Escape(kRs256Header), ".",
                   absl::WebSafeBase64Escape(json));
  MdContext ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  size_t length = 0;
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, Sha256Algorithm(), nullptr,
                         state_->key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(signed_part.data()),
                     signed_part.size()) != 1) {
    return absl::InternalError("cannot sign the token");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(&signature[0]),
                     &length,
                     reinterpret_cast<const unsigned char*>(signed_part.data()),
                     signed_part.size()) != 1) {
    return absl::InternalError("cannot sign the token");
  }
  signature.resize(length);
  return absl::StrCat(signed_part, ".", absl::WebSafeBase64Escape(signature));
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

absl::Status Authorize(const Principal& principal,
                       const std::set<Role>& allowed,
                       absl::string_view method) {
  for (Role r : allowed) {
    if (principal.Has(r)) return absl::OkStatus();
  }
  if (principal.Has(Role::kPartnerSystem) && allowed.count(Role::kCoordinator))
    return absl::OkStatus();
  return Error(absl::StatusCode::kPermissionDenied, "ROLE_NOT_ALLOWED",
               absl::StrCat("the caller's roles may not call ", method));
}

}  // namespace mobility
