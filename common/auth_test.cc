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

TokenVerifier Verifier() {
  return *TokenVerifier::FromPublicKeyPem(TestKeys().public_pem);
}

TEST(TokenTest, VerifiesSubjectAndRoles) {
  absl::Time now = absl::Now();
  auto token =
      MintToken(TestKeys().private_pem, "coordinator-7",
                {Role::kCoordinator, Role::kAdmin}, now, absl::Minutes(5));
  ASSERT_TRUE(token.ok()) << token.status();
  auto principal = Verifier().Verify(*token, now);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, "coordinator-7");
  EXPECT_TRUE(principal->Has(Role::kCoordinator));
  EXPECT_TRUE(principal->Has(Role::kAdmin));
  EXPECT_FALSE(principal->Has(Role::kService));
}

TEST(TokenTest, ExpiredAtTheExpirySecond) {
  absl::Time issued = absl::FromUnixSeconds(1'800'000'000);
  auto token = MintToken(TestKeys().private_pem, "s", {Role::kApplicant},
                         issued, absl::Minutes(5));
  EXPECT_TRUE(Verifier()
                  .Verify(*token, issued + absl::Minutes(5) - absl::Seconds(1))
                  .ok());
  auto expired = Verifier().Verify(*token, issued + absl::Minutes(5));
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ErrorReason(expired.status()), "TOKEN_EXPIRED");
}

std::string Claims() {
  return absl::WebSafeBase64Escape(absl::StrCat(
      R"({"iss":"mobility-office","sub":"x","roles":["admin"],"exp":)",
      absl::ToUnixSeconds(absl::Now()) + 600, "}"));
}

TEST(TokenTest, RefusesATamperedSignature) {
  auto token = MintToken(TestKeys().private_pem, "s", {Role::kApplicant},
                         absl::Now(), absl::Minutes(5));
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
  auto token = MintToken(other_private, "s", {Role::kAdmin}, absl::Now(),
                         absl::Minutes(5));
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(Verifier().Verify(*token, absl::Now()).status().code(),
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

TEST(MethodRolesTest, GrantsOnlyWhatIsWrittenDown) {
  MethodRoles table = {{"Write", {Role::kCoordinator}}, {"Read", AnyRole()}};
  Principal applicant{"a", {Role::kApplicant}};
  Principal coordinator{"c", {Role::kCoordinator}};
  EXPECT_TRUE(table.Authorize(applicant, "Read").ok());
  EXPECT_EQ(table.Authorize(applicant, "Write").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(table.Authorize(coordinator, "Write").ok());
  EXPECT_EQ(table.Authorize(coordinator, "Unlisted").code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace mobility
