#include "common/auth.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/status.h"
#include "common/test_support.h"

namespace mobility {
namespace {

using testing::TestKeys;

TokenVerifier Verifier(TokenPolicy policy = {}) {
  return *TokenVerifier::FromPublicKeyPem(TestKeys().public_pem, policy);
}

absl::StatusOr<std::string> Mint(const std::string& private_pem,
                                 TokenClaims claims) {
  auto signer = TokenSigner::FromPrivateKeyPem(private_pem);
  if (!signer.ok()) return signer.status();
  return signer->Sign(claims);
}

TokenClaims ClaimsFor(std::string subject, std::vector<Role> roles,
                      absl::Time issued_at, absl::Duration lifetime) {
  TokenClaims claims;
  claims.subject = std::move(subject);
  claims.roles = std::move(roles);
  claims.issued_at = issued_at;
  claims.lifetime = lifetime;
  return claims;
}

TEST(TokenTest, VerifiesSubjectAndRoles) {
  absl::Time now = absl::Now();
  TokenClaims claims =
      ClaimsFor("coordinator-7", {Role::kCoordinator, Role::kAdmin}, now,
                absl::Minutes(5));
  claims.institution = "institutions/kokshetau-amu";
  auto token = Mint(TestKeys().private_pem, claims);
  ASSERT_TRUE(token.ok()) << token.status();
  auto principal = Verifier().Verify(*token, now);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, "coordinator-7");
  EXPECT_TRUE(principal->Has(Role::kCoordinator));
  EXPECT_TRUE(principal->Has(Role::kAdmin));
  EXPECT_FALSE(principal->Has(Role::kService));
  EXPECT_EQ(principal->institution, "institutions/kokshetau-amu");
  // The second verification comes from the cache and says the same.
  auto again = Verifier().Verify(*token, now);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->subject, "coordinator-7");
}

TEST(TokenTest, ExpiredAtTheExpirySecond) {
  absl::Time issued = absl::FromUnixSeconds(1'800'000'000);
  auto token =
      Mint(TestKeys().private_pem,
           ClaimsFor("s", {Role::kApplicant}, issued, absl::Minutes(5)));
  // One verifier: the first check caches the token, the second must still
  // see that it expired.
  TokenVerifier verifier = Verifier();
  EXPECT_TRUE(
      verifier.Verify(*token, issued + absl::Minutes(5) - absl::Seconds(1))
          .ok());
  auto expired = verifier.Verify(*token, issued + absl::Minutes(5));
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ErrorReason(expired.status()), "TOKEN_EXPIRED");
}

std::string Claims() {
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  return absl::WebSafeBase64Escape(absl::StrCat(
      R"({"iss":"mobility-office","aud":"mobility-office","sub":"x",)",
      R"("roles":["admin"],"iat":)", now, R"(,"exp":)", now + 600, "}"));
}

TEST(TokenTest, RefusesATamperedSignature) {
  auto token =
      Mint(TestKeys().private_pem,
           ClaimsFor("s", {Role::kApplicant}, absl::Now(), absl::Minutes(5)));
  ASSERT_TRUE(token.ok());
  std::vector<std::string> parts = absl::StrSplit(*token, '.');
  ASSERT_EQ(parts.size(), 3u);
  // Same signature over claims that now say admin.
  std::string forged = absl::StrCat(parts[0], ".", Claims(), ".", parts[2]);
  EXPECT_EQ(Verifier().Verify(forged, absl::Now()).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(TokenTest, RefusesAnotherKeysSignature) {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string other_private(data, size);
  BIO_free(bio);
  EVP_PKEY_free(key);
  auto token = Mint(other_private, ClaimsFor("s", {Role::kAdmin}, absl::Now(),
                                             absl::Minutes(5)));
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(Verifier().Verify(*token, absl::Now()).status().code(),
            absl::StatusCode::kUnauthenticated);
}

// The applications service's key signs applicant tokens and nothing more:
// not staff roles, not the identity provider's issuer, and only where the
// verifier was given its public key.
TEST(TokenTest, TheApplicantIssuerVouchesForApplicantsOnly) {
  const absl::Time now = absl::Now();
  TokenPolicy policy;
  policy.applicant_issuer_key_pem = testing::ApplicantIssuerKeys().public_pem;
  const TokenVerifier verifier = Verifier(policy);
  auto mint = [&](std::vector<Role> roles, absl::string_view issuer,
                  const std::string& institution = "") {
    TokenClaims claims =
        ClaimsFor("applicants/a1", std::move(roles), now, absl::Minutes(30));
    claims.issuer = std::string(issuer);
    claims.institution = institution;
    return *Mint(testing::ApplicantIssuerKeys().private_pem, claims);
  };
  auto applicant =
      verifier.Verify(mint({Role::kApplicant}, kApplicantTokenIssuer), now);
  ASSERT_TRUE(applicant.ok()) << applicant.status();
  EXPECT_EQ(applicant->subject, "applicants/a1");
  EXPECT_EQ(applicant->roles, std::set<Role>{Role::kApplicant});
  for (const std::string& token :
       {mint({Role::kApplicant, Role::kAdmin}, kApplicantTokenIssuer),
        mint({Role::kCoordinator}, kApplicantTokenIssuer),
        mint({Role::kApplicant}, kApplicantTokenIssuer,
             "institutions/kokshetau-amu"),
        mint({Role::kApplicant}, kTokenIssuer)}) {
    EXPECT_EQ(verifier.Verify(token, now).status().code(),
              absl::StatusCode::kUnauthenticated);
  }
  // The identity provider's key does not sign for the applicant issuer.
  TokenClaims forged =
      ClaimsFor("applicants/a1", {Role::kApplicant}, now, absl::Minutes(30));
  forged.issuer = std::string(kApplicantTokenIssuer);
  EXPECT_FALSE(
      verifier.Verify(*Mint(TestKeys().private_pem, forged), now).ok());
  // A verifier without the applicant key knows no such issuer.
  EXPECT_EQ(Verifier()
                .Verify(mint({Role::kApplicant}, kApplicantTokenIssuer), now)
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(TokenTest, RefusesHmacTokenKeyedWithThePublicKey) {
  // The classic algorithm-confusion forgery: HS256 with the public key text as
  // the secret.
  std::string signing_input =
      absl::StrCat(absl::WebSafeBase64Escape(R"({"alg":"HS256","typ":"JWT"})"),
                   ".", Claims());
  const std::string& secret = TestKeys().public_pem;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()),
       signing_input.size(), mac, &mac_length);
  std::string token =
      absl::StrCat(signing_input, ".",
                   absl::WebSafeBase64Escape(absl::string_view(
                       reinterpret_cast<char*>(mac), mac_length)));
  auto result = Verifier().Verify(token, absl::Now());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(TokenTest, RefusesUnsignedTokens) {
  std::string header =
      absl::WebSafeBase64Escape(R"({"alg":"none","typ":"JWT"})");
  EXPECT_EQ(Verifier()
                .Verify(absl::StrCat(header, ".", Claims(), "."), absl::Now())
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Verifier().Verify("", absl::Now()).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Verifier().Verify("a.b.c", absl::Now()).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(TokenTest, RefusesUnknownRole) {
  EXPECT_FALSE(ParseRole("superuser").has_value());
  EXPECT_EQ(ParseRole("inquiry_handler"), Role::kInquiryHandler);
  EXPECT_EQ(ParseRole("rector_office"), Role::kRectorOffice);
}

TEST(VerifierTest, RefusesANonRsaKey) {
  EXPECT_FALSE(TokenVerifier::FromPublicKeyPem("not a key").ok());
  EXPECT_FALSE(TokenVerifier::FromPublicKeyPem(TestKeys().private_pem).ok());
}

TEST(BearerTest, NeedsTheBearerScheme) {
  EXPECT_EQ(*BearerToken("Bearer abc"), "abc");
  EXPECT_EQ(BearerToken("").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(BearerToken("Basic abc").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(BearerToken("Bearer ").status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(TokenTest, NotBeforeItsTimeBeyondTheLeeway) {
  const absl::Time issued = absl::FromUnixSeconds(1'800'000'000);
  auto token = Mint(TestKeys().private_pem,
                    ClaimsFor("s", {Role::kApplicant}, issued, absl::Hours(1)));
  TokenVerifier verifier = Verifier();  // Leeway 30 s.
  EXPECT_TRUE(verifier.Verify(*token, issued - absl::Seconds(30)).ok());
  auto early = verifier.Verify(*token, issued - absl::Seconds(31));
  EXPECT_EQ(early.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(TokenTest, MustNameThisAudience) {
  TokenClaims claims =
      ClaimsFor("s", {Role::kApplicant}, absl::Now(), absl::Minutes(5));
  claims.audience = "another-system";
  auto token = Mint(TestKeys().private_pem, claims);
  EXPECT_EQ(Verifier().Verify(*token, absl::Now()).status().code(),
            absl::StatusCode::kUnauthenticated);
  TokenPolicy policy;
  policy.audience = "another-system";
  EXPECT_TRUE(Verifier(policy).Verify(*token, absl::Now()).ok());
}

TEST(TokenTest, LivesNoLongerThanTheMaximum) {
  const absl::Time now = absl::Now();
  auto day = Mint(TestKeys().private_pem,
                  ClaimsFor("s", {Role::kApplicant}, now, absl::Hours(24)));
  EXPECT_TRUE(Verifier().Verify(*day, now).ok());
  auto longer = Mint(TestKeys().private_pem,
                     ClaimsFor("s", {Role::kApplicant}, now,
                               absl::Hours(24) + absl::Seconds(1)));
  EXPECT_EQ(Verifier().Verify(*longer, now).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(TokenTest, RefusesAMalformedInstitution) {
  TokenClaims claims =
      ClaimsFor("s", {Role::kCoordinator}, absl::Now(), absl::Minutes(5));
  claims.institution = "kokshetau";
  auto token = Mint(TestKeys().private_pem, claims);
  EXPECT_EQ(Verifier().Verify(*token, absl::Now()).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(TokenTest, AHandlerMayBeLimitedToNamedOffices) {
  TokenClaims claims =
      ClaimsFor("h", {Role::kInquiryHandler}, absl::Now(), absl::Minutes(5));
  claims.institution = "institutions/kokshetau-amu";
  claims.offices = {"offices/international-office", "offices/finance"};
  auto principal =
      Verifier().Verify(*Mint(TestKeys().private_pem, claims), absl::Now());
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->offices, claims.offices);

  claims.offices = {"international-office"};  // Not a resource name.
  EXPECT_EQ(Verifier()
                .Verify(*Mint(TestKeys().private_pem, claims), absl::Now())
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
  claims.offices = {"offices/finance"};
  claims.roles = {Role::kCoordinator};  // Offices limit handlers alone.
  EXPECT_EQ(Verifier()
                .Verify(*Mint(TestKeys().private_pem, claims), absl::Now())
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(AuthorizeTest, GrantsOnlyWhatIsWrittenDown) {
  Principal applicant{"a", {Role::kApplicant}, ""};
  Principal coordinator{"c", {Role::kCoordinator}, ""};
  EXPECT_TRUE(Authorize(applicant, AnyRole(), "Read").ok());
  EXPECT_EQ(Authorize(applicant, {Role::kCoordinator}, "Write").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Authorize(coordinator, {Role::kCoordinator}, "Write").ok());
  EXPECT_EQ(Authorize(coordinator, {}, "Unlisted").code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(AuthorizeTest, SeveralRolesGetWhatEachRoleIsGranted) {
  Principal both{"x", {Role::kApplicant, Role::kCoordinator}, ""};
  EXPECT_TRUE(Authorize(both, {Role::kCoordinator}, "CreateCall").ok());
  EXPECT_TRUE(Authorize(both, {Role::kApplicant}, "GetGrant").ok());
  EXPECT_EQ(Authorize(both, {Role::kFinance}, "SettleGrant").code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(PrincipalTest, StaffActOnlyForTheirInstitution) {
  const std::string kz = "institutions/kokshetau-amu";
  const std::string lv = "institutions/vidzeme-va";
  EXPECT_FALSE((Principal{"s", {Role::kService}, ""}).IsOfficeOf(kz));
  EXPECT_TRUE((Principal{"f", {Role::kFinance}, kz}).IsOfficeOf(kz));
  EXPECT_FALSE((Principal{"f", {Role::kFinance}, lv}).IsOfficeOf(kz));
  EXPECT_FALSE((Principal{"a", {Role::kApplicant}, kz}).IsOfficeOf(kz));
  EXPECT_FALSE((Principal{"f", {Role::kFinance}, ""}).IsOfficeOf(""));
  // A partner's system acts as its coordinator, for its institution only.
  Principal system{"ewp:va.lv", {Role::kPartnerSystem}, lv};
  EXPECT_TRUE(system.IsCoordinatorOf(lv));
  EXPECT_FALSE(system.IsCoordinatorOf(kz));
  EXPECT_TRUE(system.IsOfficeOf(lv));
  EXPECT_FALSE(system.IsOfficeOf(kz));
}

TEST(AuthorizeTest, APartnerSystemMayCallWhatACoordinatorMay) {
  Principal system{
      "ewp:va.lv", {Role::kPartnerSystem}, "institutions/vidzeme-va"};
  EXPECT_TRUE(Authorize(system, {Role::kCoordinator}, "Approve").ok());
  EXPECT_EQ(Authorize(system, {Role::kService}, "AllocateMobility").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Authorize(system, {Role::kFinance}, "AgreeGrant").code(),
            absl::StatusCode::kPermissionDenied);
}

// Issue 20: a `service` token naming an unrelated institution took places and
// settled a student's grant to zero. Only the internal key makes one of our
// services, and the identity provider's key (which also signs partner
// systems' and the demo's tokens) cannot.
TEST(TokenTest, OnlyTheInternalKeyMakesOneOfOurServices) {
  const absl::Time now = absl::Now();
  TokenVerifier verifier = *TokenVerifier::FromPublicKeyPem(
      TestKeys().public_pem, testing::TestTokenPolicy());
  auto claims_for = [&](std::vector<Role> roles, std::string institution) {
    TokenClaims claims = ClaimsFor("x", std::move(roles), now, absl::Hours(1));
    claims.institution = std::move(institution);
    return claims;
  };
  const std::string lv = "institutions/vidzeme-va";
  auto internal = [&](TokenClaims claims) {
    claims.issuer = std::string(kInternalTokenIssuer);
    return *Mint(testing::InternalIssuerKeys().private_pem, claims);
  };
  // The internal key: `service` alone, for no institution.
  auto ours = verifier.Verify(internal(claims_for({Role::kService}, "")), now);
  ASSERT_TRUE(ours.ok()) << ours.status();
  EXPECT_TRUE(ours->IsInternal());
  for (const TokenClaims& refused :
       {claims_for({Role::kService}, lv),
        claims_for({Role::kService, Role::kAdmin}, ""),
        claims_for({Role::kCoordinator}, lv)}) {
    EXPECT_EQ(verifier.Verify(internal(refused), now).status().code(),
              absl::StatusCode::kUnauthenticated);
  }
  // The identity provider's key: never `service`.
  for (const TokenClaims& refused :
       {claims_for({Role::kService}, ""), claims_for({Role::kService}, lv)}) {
    EXPECT_EQ(verifier.Verify(*Mint(TestKeys().private_pem, refused), now)
                  .status()
                  .code(),
              absl::StatusCode::kUnauthenticated);
  }
  // Without the internal key configured, an internal token is nobody's.
  EXPECT_EQ(Verifier()
                .Verify(internal(claims_for({Role::kService}, "")), now)
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
}

// Issue 24: the EWP service turns a partner's verified HTTP signature into a
// token for that partner's system; its key makes nothing else.
TEST(TokenTest, TheEwpKeyMakesPartnerSystemsOnly) {
  const absl::Time now = absl::Now();
  TokenVerifier verifier = *TokenVerifier::FromPublicKeyPem(
      TestKeys().public_pem, testing::TestTokenPolicy());
  auto ewp = [&](std::vector<Role> roles, std::string institution) {
    TokenClaims claims =
        ClaimsFor("ewp:va.lv", std::move(roles), now, absl::Minutes(5));
    claims.issuer = std::string(kEwpTokenIssuer);
    claims.institution = std::move(institution);
    return *Mint(testing::EwpIssuerKeys().private_pem, claims);
  };
  const std::string lv = "institutions/vidzeme-va";
  auto system = verifier.Verify(ewp({Role::kPartnerSystem}, lv), now);
  ASSERT_TRUE(system.ok()) << system.status();
  EXPECT_TRUE(system->IsCoordinatorOf(lv));
  for (const std::string& refused :
       {ewp({Role::kCoordinator}, lv), ewp({Role::kAdmin}, lv),
        ewp({Role::kService}, ""), ewp({Role::kPartnerSystem}, "")}) {
    EXPECT_EQ(verifier.Verify(refused, now).status().code(),
              absl::StatusCode::kUnauthenticated);
  }
  // Without the EWP key configured, no partner calls through EWP.
  EXPECT_EQ(
      Verifier().Verify(ewp({Role::kPartnerSystem}, lv), now).status().code(),
      absl::StatusCode::kUnauthenticated);
}

// DOMAIN.md: a staff token without an institution is refused; a partner
// system names its institution and is nothing else.
TEST(TokenTest, StaffAndSystemsNameTheirInstitution) {
  const absl::Time now = absl::Now();
  auto verify = [&](std::vector<Role> roles, std::string institution) {
    TokenClaims claims = ClaimsFor("x", std::move(roles), now, absl::Hours(1));
    claims.institution = std::move(institution);
    return Verifier().Verify(*Mint(TestKeys().private_pem, claims), now);
  };
  const std::string kz = "institutions/kokshetau-amu";
  for (Role staff : {Role::kCoordinator, Role::kFinance, Role::kInquiryHandler,
                     Role::kRectorOffice, Role::kAdmin, Role::kPartnerSystem}) {
    EXPECT_EQ(verify({staff}, "").status().code(),
              absl::StatusCode::kUnauthenticated)
        << RoleName(staff);
    EXPECT_TRUE(verify({staff}, kz).ok()) << RoleName(staff);
  }
  EXPECT_EQ(verify({Role::kPartnerSystem, Role::kFinance}, kz).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(verify({Role::kApplicant}, "").ok());
}

}  // namespace
}  // namespace mobility
