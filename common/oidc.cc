#include "common/oidc.h"

#include <google/protobuf/util/json_util.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/auth.h"
#include "common/status.h"

namespace mobility {
namespace {

absl::Status InvalidToken(absl::string_view message) {
  return Error(absl::StatusCode::kUnauthenticated, "TOKEN_INVALID", message);
}

// A big-endian unsigned integer from base64url, as JWK writes n and e.
BIGNUM* Number(const google::protobuf::Struct& jwk, const std::string& name) {
  auto it = jwk.fields().find(name);
  std::string bytes;
  if (it == jwk.fields().end() ||
      !absl::WebSafeBase64Unescape(it->second.string_value(), &bytes) ||
      bytes.empty()) {
    return nullptr;
  }
  return BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                   static_cast<int>(bytes.size()), nullptr);
}

SharedKey RsaKey(const google::protobuf::Struct& jwk) {
  std::unique_ptr<BIGNUM, decltype(&BN_free)> n(Number(jwk, "n"), &BN_free);
  std::unique_ptr<BIGNUM, decltype(&BN_free)> e(Number(jwk, "e"), &BN_free);
  if (n == nullptr || e == nullptr || BN_num_bits(n.get()) < 2048) {
    return nullptr;
  }
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> build(
      OSSL_PARAM_BLD_new(), &OSSL_PARAM_BLD_free);
  if (build == nullptr ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) !=
          1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) !=
          1) {
    return nullptr;
  }
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(
      OSSL_PARAM_BLD_to_param(build.get()), &OSSL_PARAM_free);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> context(
      EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr), &EVP_PKEY_CTX_free);
  EVP_PKEY* key = nullptr;
  if (params == nullptr || context == nullptr ||
      EVP_PKEY_fromdata_init(context.get()) != 1 ||
      EVP_PKEY_fromdata(context.get(), &key, EVP_PKEY_PUBLIC_KEY,
                        params.get()) != 1) {
    return nullptr;
  }
  return SharedKey(key, &EVP_PKEY_free);
}

// The value at a dotted path ("realm_access.roles"), or null.
const google::protobuf::Value* At(const google::protobuf::Struct& claims,
                                  absl::string_view path) {
  const google::protobuf::Struct* object = &claims;
  const google::protobuf::Value* value = nullptr;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (object == nullptr) return nullptr;
    auto it = object->fields().find(std::string(part));
    if (it == object->fields().end()) return nullptr;
    value = &it->second;
    object = value->has_struct_value() ? &value->struct_value() : nullptr;
  }
  return value;
}

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> ParseRoleNames(
    absl::string_view setting) {
  std::map<std::string, std::string> out;
  for (absl::string_view pair :
       absl::StrSplit(setting, ',', absl::SkipWhitespace())) {
    std::pair<std::string, std::string> names = absl::StrSplit(
        absl::StripAsciiWhitespace(pair), absl::MaxSplits('=', 1));
    if (names.first.empty() || !ParseRole(names.second).has_value() ||
        names.second == RoleName(Role::kService)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--oidc_role_names: \"", pair,
          "\" is not theirs=ours with ours a role a person may hold"));
    }
    out.insert(std::move(names));
  }
  return out;
}

absl::StatusOr<std::map<std::string, SharedKey>> ParseJwks(
    absl::string_view json) {
  google::protobuf::Struct set;
  if (!google::protobuf::util::JsonStringToMessage(std::string(json), &set)
           .ok())
    return absl::InvalidArgumentError("the JWK Set is not JSON");
  auto keys = set.fields().find("keys");
  if (keys == set.fields().end() || !keys->second.has_list_value())
    return absl::InvalidArgumentError("the JWK Set has no \"keys\" list");
  std::map<std::string, SharedKey> out;
  for (const auto& value : keys->second.list_value().values()) {
    const google::protobuf::Struct& jwk = value.struct_value();
    auto field = [&](const char* name) {
      auto it = jwk.fields().find(name);
      return it == jwk.fields().end() ? std::string()
                                      : it->second.string_value();
    };
    if (field("kty") != "RSA" || field("kid").empty()) continue;
    if (!field("use").empty() && field("use") != "sig") continue;
    SharedKey key = RsaKey(jwk);
    if (key == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("the JWK Set's key ", field("kid"),
                       " is not an RSA key of 2048 bits or more"));
    }
    out[field("kid")] = std::move(key);
  }
  return out;
}

IdentityProvider::IdentityProvider(IdentityProviderSettings settings,
                                   HttpFetch fetch)
    : settings_(std::move(settings)), fetch_(std::move(fetch)) {
  absl::MutexLock lock(&fetch_mu_);
  jwks_url_ = settings_.jwks_url;
}

absl::Status IdentityProvider::Refetch(absl::Time now) {
  last_fetch_ = now;
  if (jwks_url_.empty()) {
    const std::string discovery =
        absl::StrCat(absl::StripSuffix(settings_.issuer, "/"),
                     "/.well-known/openid-configuration");
    auto document = fetch_(discovery);
    if (!document.ok()) return document.status();
    google::protobuf::Struct metadata;
    if (!google::protobuf::util::JsonStringToMessage(*document, &metadata)
             .ok()) {
      return absl::UnavailableError(
          absl::StrCat(discovery, " is not a discovery document"));
    }
    auto uri = metadata.fields().find("jwks_uri");
    if (uri == metadata.fields().end() || uri->second.string_value().empty()) {
      return absl::UnavailableError(
          absl::StrCat(discovery, " names no jwks_uri"));
    }
    jwks_url_ = uri->second.string_value();
  }
  auto document = fetch_(jwks_url_);
  if (!document.ok()) return document.status();
  auto keys = ParseJwks(*document);
  if (!keys.ok()) {
    return absl::UnavailableError(
        absl::StrCat(jwks_url_, ": ", keys.status().message()));
  }
  absl::MutexLock lock(&mu_);
  keys_ = *std::move(keys);
  return absl::OkStatus();
}

absl::StatusOr<SharedKey> IdentityProvider::Key(absl::string_view kid,
                                                absl::Time now) {
  auto held = [&]() -> SharedKey {
    absl::ReaderMutexLock lock(&mu_);
    auto it = keys_.find(std::string(kid));
    return it == keys_.end() ? nullptr : it->second;
  };
  if (SharedKey key = held()) return key;
  {
    absl::MutexLock lock(&fetch_mu_);
    // Another caller may have fetched while this one waited.
    if (SharedKey key = held()) return key;
    if (now - last_fetch_ >= settings_.refetch_interval) {
      if (absl::Status fetched = Refetch(now); !fetched.ok()) return fetched;
    }
  }
  if (SharedKey key = held()) return key;
  return InvalidToken(
      "the bearer token's key is not one the identity "
      "provider publishes");
}

absl::StatusOr<google::protobuf::Struct> IdentityProvider::OurClaims(
    const google::protobuf::Struct& claims) const {
  google::protobuf::Struct out;
  auto& fields = *out.mutable_fields();
  for (const char* kept : {"iss", "sub", "aud", "exp", "iat", "nbf"}) {
    auto it = claims.fields().find(kept);
    if (it != claims.fields().end()) fields[kept] = it->second;
  }
  auto* roles = fields["roles"].mutable_list_value();
  if (const auto* value = At(claims, settings_.roles_claim)) {
    std::vector<std::string> names;
    if (value->has_list_value()) {
      for (const auto& v : value->list_value().values())
        names.push_back(v.string_value());
    } else {
      names = absl::StrSplit(value->string_value(), ' ', absl::SkipEmpty());
    }
    for (const std::string& name : names) {
      auto mapped = settings_.role_names.find(name);
      roles->add_values()->set_string_value(
          mapped == settings_.role_names.end() ? name : mapped->second);
    }
  }
  if (const auto* value = At(claims, settings_.institution_claim)) {
    const std::string& id = value->string_value();
    fields["institution"].set_string_value(
        id.empty() || absl::StartsWith(id, "institutions/")
            ? id
            : absl::StrCat("institutions/", id));
  }
  if (const auto* value = At(claims, settings_.offices_claim)) {
    if (!value->has_list_value())
      return InvalidToken("the bearer token's offices are not a list");
    fields["offices"] = *value;
  }
  return out;
}

}  // namespace mobility
