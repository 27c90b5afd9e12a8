#include "common/oidc.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/rsa.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/auth.h"
#include "common/status.h"
#include "common/test_support.h"

namespace mobility {
namespace {

constexpr char kIssuer[] = "https://idp.kuam.kz/realms/staff";
constexpr char kClient[] = "mobility-office-pages";

// A key of the provider's, with its JWK and a way to sign with it.
struct ProviderKey {
  explicit ProviderKey(std::string id)
      : kid(std::move(id)), key(EVP_RSA_gen(2048), &EVP_PKEY_free) {}

  std::string Jwk() const {
    auto part = [&](const char* name) {
      BIGNUM* number = nullptr;
      EVP_PKEY_get_bn_param(key.get(), name, &number);
      std::string bytes(BN_num_bytes(number), '\0');
      BN_bn2bin(number, reinterpret_cast<unsigned char*>(&bytes[0]));
      BN_free(number);
      return absl::WebSafeBase64Escape(bytes);
    };
    return absl::StrCat(R"({"kty":"RSA","use":"sig","alg":"RS256","kid":")",
                        kid, R"(","n":")", part(OSSL_PKEY_PARAM_RSA_N),
                        R"(","e":")", part(OSSL_PKEY_PARAM_RSA_E), R"("})");
  }

  // An RS256 JWT of `claims` (JSON) naming this key.
  std::string Sign(const std::string& claims) const {
    const std::string signed_part =
        absl::StrCat(absl::WebSafeBase64Escape(absl::StrCat(
                         R"({"alg":"RS256","typ":"JWT","kid":")", kid, "\"}")),
                     ".", absl::WebSafeBase64Escape(claims));
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(
        EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    size_t length = 0;
    EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get());
    EVP_DigestSign(ctx.get(), nullptr, &length,
                   reinterpret_cast<const unsigned char*>(signed_part.data()),
                   signed_part.size());
    std::string signature(length, '\0');
    EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(&signature[0]),
                   &length,
                   reinterpret_cast<const unsigned char*>(signed_part.data()),
                   signed_part.size());
    signature.resize(length);
    return absl::StrCat(signed_part, ".", absl::WebSafeBase64Escape(signature));
  }

  std::string kid;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key;
};

std::string Jwks(const std::vector<const ProviderKey*>& keys) {
  std::string out = R"({"keys":[)";
  for (size_t i = 0; i < keys.size(); ++i)
    absl::StrAppend(&out, i ? "," : "", keys[i]->Jwk());
  return out + "]}";
}

// A provider as Keycloak writes its tokens: roles under realm_access, the
// institution as a bare id, group-like role names.
class OidcTest : public ::testing::Test {
 protected:
  OidcTest() {
    published_ = Jwks({&first_});
    IdentityProviderSettings settings;
    settings.issuer = kIssuer;
    settings.audience = kClient;
    settings.roles_claim = "realm_access.roles";
    settings.institution_claim = "home_institution";
    settings.role_names = {{"mobility-coordinators", "coordinator"}};
    provider_ = std::make_shared<IdentityProvider>(
        settings,
        [this](const std::string& url) -> absl::StatusOr<std::string> {
          fetched_.push_back(url);
          if (down_) return absl::UnavailableError("connection refused");
          if (url == absl::StrCat(kIssuer, "/.well-known/openid-configuration"))
            return R"({"issuer":")" + std::string(kIssuer) +
                   R"(","jwks_uri":"https://idp.kuam.kz/certs"})";
          if (url == "https://idp.kuam.kz/certs") return published_;
          return absl::UnavailableError("404");
        });
    TokenPolicy policy;
    policy.identity_provider = provider_;
    verifier_ = *TokenVerifier::FromPublicKeyPem(testing::TestKeys().public_pem,
                                                 policy);
  }

  std::string Claims(
      const std::string& roles,
      const std::string& extra = R"("home_institution":"kokshetau-amu")",
      absl::Duration lifetime = absl::Minutes(5)) const {
    const int64_t now = absl::ToUnixSeconds(absl::Now());
    return absl::StrCat(R"({"iss":")", kIssuer, R"(","aud":[")", kClient,
                        R"(","account"],"sub":"f1e2-aigerim","iat":)", now,
                        R"(,"exp":)", now + absl::ToInt64Seconds(lifetime),
                        R"(,"realm_access":{"roles":[)", roles, "]}",
                        extra.empty() ? "" : ",", extra, "}");
  }

  ProviderKey first_{"2026-11"}, second_{"2026-12"};
  std::string published_;
  bool down_ = false;
  std::vector<std::string> fetched_;
  std::shared_ptr<IdentityProvider> provider_;
  std::optional<TokenVerifier> verifier_;
};

TEST_F(OidcTest, AProviderTokenActsForTheInstitutionItsClaimsName) {
  auto principal = verifier_->Verify(
      first_.Sign(Claims(R"("mobility-coordinators","offline_access")")),
      absl::Now());
  // offline_access is no role of ours: a token naming one is refused, so that
  // a provider's roles reach us only through the map.
  EXPECT_EQ(principal.status().code(), absl::StatusCode::kUnauthenticated);

  principal = verifier_->Verify(
      first_.Sign(Claims(R"("mobility-coordinators","finance")")), absl::Now());
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, "f1e2-aigerim");
  EXPECT_EQ(principal->roles,
            (std::set<Role>{Role::kCoordinator, Role::kFinance}));
  EXPECT_EQ(principal->institution, "institutions/kokshetau-amu");
  // The key set came by discovery, once.
  EXPECT_EQ(fetched_,
            (std::vector<std::string>{
                absl::StrCat(kIssuer, "/.well-known/openid-configuration"),
                "https://idp.kuam.kz/certs"}));
}

TEST_F(OidcTest, ARotatedKeyIsFetchedOnceWhenATokenFirstNamesIt) {
  ASSERT_TRUE(
      verifier_->Verify(first_.Sign(Claims(R"("finance")")), absl::Now()).ok());
  // The provider publishes its new key beside the old and signs with it.
  published_ = Jwks({&first_, &second_});
  auto principal =
      verifier_->Verify(second_.Sign(Claims(R"("finance")")), absl::Now());
  // Within the refetch interval of the first fetch: not fetched yet.
  EXPECT_EQ(principal.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(fetched_.size(), 2u);
  auto later = provider_->Key("2026-12", absl::Now() + absl::Seconds(11));
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_EQ(fetched_.size(), 3u);  // No second discovery.
  EXPECT_TRUE(
      verifier_
          ->Verify(second_.Sign(Claims(R"("finance", "admin")")), absl::Now())
          .ok());
  // A forged key id asks the provider at most once per interval.
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(provider_->Key("forged", absl::Now() + absl::Seconds(12))
                  .status()
                  .code(),
              absl::StatusCode::kUnauthenticated);
  }
  EXPECT_EQ(fetched_.size(), 3u);
}

TEST_F(OidcTest, AProviderThatCannotBeReachedMakesTheCallUnavailable) {
  down_ = true;
  EXPECT_EQ(verifier_->Verify(first_.Sign(Claims(R"("finance")")), absl::Now())
                .status()
                .code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(OidcTest, WhatTheProviderMayNotSayIsRefused) {
  const absl::Time now = absl::Now();
  auto code = [&](const std::string& token) {
    return verifier_->Verify(token, now).status().code();
  };
  // Signed by a key it does not publish, under a kid it does.
  ProviderKey impostor("2026-11");
  EXPECT_EQ(code(impostor.Sign(Claims(R"("finance")"))),
            absl::StatusCode::kUnauthenticated);
  // For another client.
  EXPECT_EQ(code(first_.Sign(absl::StrReplaceAll(
                Claims(R"("finance")"), {{kClient, "another-client"}}))),
            absl::StatusCode::kUnauthenticated);
  // Our services' role, which only our internal key grants.
  EXPECT_EQ(code(first_.Sign(Claims(R"("service")", ""))),
            absl::StatusCode::kUnauthenticated);
  // Staff for no institution.
  EXPECT_EQ(code(first_.Sign(Claims(R"("finance")", ""))),
            absl::StatusCode::kUnauthenticated);
  // Expired.
  auto expired = verifier_->Verify(first_.Sign(Claims(R"("finance")")),
                                   now + absl::Minutes(6));
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ErrorReason(expired.status()), "TOKEN_EXPIRED");
  // Another issuer, not trusted at all.
  EXPECT_EQ(code(first_.Sign(absl::StrReplaceAll(
                Claims(R"("finance")"), {{kIssuer, "https://evil.example"}}))),
            absl::StatusCode::kUnauthenticated);
}

TEST(RoleNamesTest, TheirsMapToARoleAPersonMayHold) {
  auto names = ParseRoleNames(
      "mobility-coordinators=coordinator, mobility-finance=finance");
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_EQ(*names, (std::map<std::string, std::string>{
                        {"mobility-coordinators", "coordinator"},
                        {"mobility-finance", "finance"}}));
  EXPECT_TRUE(ParseRoleNames("")->empty());
  for (const char* bad : {"staff=service", "staff=rector", "=admin", "staff"}) {
    EXPECT_EQ(ParseRoleNames(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(JwksTest, OnlyRsaSigningKeysWithAnIdAreKept) {
  ProviderKey key("a");
  const std::string jwk = key.Jwk();
  auto keys = ParseJwks(absl::StrCat(
      R"({"keys":[)", jwk, ",",
      absl::StrReplaceAll(jwk, {{R"("use":"sig")", R"("use":"enc")"},
                                {R"("kid":"a")", R"("kid":"b")"}}),
      R"(,{"kty":"EC","kid":"c","crv":"P-256","x":"AA","y":"AA"}]})"));
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ(keys->begin()->first, "a");
  EXPECT_FALSE(ParseJwks("[]").ok());
  EXPECT_FALSE(
      ParseJwks(R"({"keys":[{"kty":"RSA","kid":"x","n":"AQAB","e":"AQAB"}]})")
          .ok());  // 17 bits: no RSA key we would trust.
}

}  // namespace
}  // namespace mobility
