#include "common/test_support.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <cstdlib>
#include <pqxx/pqxx>
#include <set>

#include "absl/time/clock.h"
#include "common/api.h"

namespace mobility::testing {
namespace {

std::string AdminUrl() {
  const char* url = std::getenv("MOBILITY_TEST_DATABASE_URL");
  if (url == nullptr || *url == '\0') {
    ADD_FAILURE() << "MOBILITY_TEST_DATABASE_URL is not set: run the tests "
                     "with deploy/test.sh";
    return "";
  }
  return url;
}

std::string PemOf(EVP_PKEY* key, bool private_key) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (private_key) {
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  } else {
    PEM_write_bio_PUBKEY(bio, key);
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, size);
  BIO_free(bio);
  return pem;
}

}  // namespace

std::unique_ptr<Database> OpenSchema(const std::string& url,
                                     const std::string& schema,
                                     std::vector<PreparedStatement> statements,
                                     const std::vector<Migration>& migrations) {
  DatabaseOptions options;
  options.url = url;
  options.schema = schema;
  options.pool_size = 8;
  auto db = Database::Open(options, std::move(statements));
  EXPECT_TRUE(db.ok()) << db.status();
  if (!db.ok()) return nullptr;
  if (!migrations.empty()) {
    absl::Status migrated = ApplyMigrations(**db, migrations);
    EXPECT_TRUE(migrated.ok()) << migrated;
  }
  return *std::move(db);
}

bool Eventually(absl::Duration within, const std::function<bool()>& holds) {
  const absl::Time end = absl::Now() + within;
  while (!holds()) {
    if (absl::Now() > end) return false;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return true;
}

std::string WithDatabase(const std::string& url, const std::string& database) {
  size_t authority = url.find("://");
  size_t slash =
      url.find('/', authority == std::string::npos ? 0 : authority + 3);
  size_t query = url.find('?', slash == std::string::npos ? 0 : slash);
  std::string base =
      slash == std::string::npos ? url.substr(0, query) : url.substr(0, slash);
  std::string rest = query == std::string::npos ? "" : url.substr(query);
  return base + "/" + database + rest;
}

TestDatabase::TestDatabase() : admin_url_(AdminUrl()) {
  if (admin_url_.empty()) return;
  name_ = "test_" + NewResourceId();
  pqxx::connection conn(admin_url_);
  pqxx::nontransaction txn(conn);
  txn.exec("CREATE DATABASE " + txn.quote_name(name_));
  url_ = WithDatabase(admin_url_, name_);
}

TestDatabase::~TestDatabase() {
  if (name_.empty()) return;
  try {
    pqxx::connection conn(admin_url_);
    pqxx::nontransaction txn(conn);
    txn.exec("DROP DATABASE IF EXISTS " + txn.quote_name(name_) +
             " WITH (FORCE)");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "dropping the test database: " << e.what();
  }
}

namespace {
const KeyPair* NewKeyPair() { return new KeyPair(NewRsaKeyPair()); }
}  // namespace

KeyPair NewRsaKeyPair() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  KeyPair pair{PemOf(key, true), PemOf(key, false)};
  EVP_PKEY_free(key);
  return pair;
}

const KeyPair& TestKeys() {
  static const KeyPair* keys = NewKeyPair();
  return *keys;
}

const KeyPair& ApplicantIssuerKeys() {
  static const KeyPair* keys = NewKeyPair();
  return *keys;
}

const KeyPair& InternalIssuerKeys() {
  static const KeyPair* keys = NewKeyPair();
  return *keys;
}

const KeyPair& EwpIssuerKeys() {
  static const KeyPair* keys = NewKeyPair();
  return *keys;
}

const KeyPair& EwpClientKeys() {
  static const KeyPair* keys = NewKeyPair();
  return *keys;
}

const KeyPair& EwpServerKeys() {
  static const KeyPair* keys = NewKeyPair();
  return *keys;
}

TokenPolicy TestTokenPolicy() {
  TokenPolicy policy;
  policy.applicant_issuer_key_pem = ApplicantIssuerKeys().public_pem;
  policy.internal_issuer_key_pem = InternalIssuerKeys().public_pem;
  policy.ewp_issuer_key_pem = EwpIssuerKeys().public_pem;
  return policy;
}

std::shared_ptr<const RpcDispatcher> TestDispatcher(DispatchOptions options) {
  return std::make_shared<RpcDispatcher>(
      *TokenVerifier::FromPublicKeyPem(TestKeys().public_pem,
                                       TestTokenPolicy()),
      options);
}

namespace {
std::string Signed(const KeyPair& keys, TokenClaims claims) {
  // Each key parsed once: the role tests mint many tokens.
  static const TokenSigner* provider =
      new TokenSigner(*TokenSigner::FromPrivateKeyPem(TestKeys().private_pem));
  static const TokenSigner* internal = new TokenSigner(
      *TokenSigner::FromPrivateKeyPem(InternalIssuerKeys().private_pem));
  const TokenSigner& signer = &keys == &TestKeys() ? *provider : *internal;
  claims.issued_at = absl::Now();
  auto token = signer.Sign(claims);
  EXPECT_TRUE(token.ok()) << token.status();
  return token.value_or("");
}
}  // namespace

std::string SignedByIdentityProvider(TokenClaims claims) {
  return Signed(TestKeys(), std::move(claims));
}

std::string TokenFor(const std::string& subject, const std::vector<Role>& roles,
                     const std::string& institution) {
  TokenClaims claims;
  claims.subject = subject;
  claims.roles = roles;
  claims.institution = institution;
  if (roles == std::vector<Role>{Role::kService}) {
    claims.issuer = std::string(kInternalTokenIssuer);
    return Signed(InternalIssuerKeys(), std::move(claims));
  }
  const bool acts_for_an_institution = std::any_of(
      roles.begin(), roles.end(), [](Role r) { return r != Role::kApplicant; });
  if (claims.institution.empty() && acts_for_an_institution)
    claims.institution = kHomeInstitution;
  return Signed(TestKeys(), std::move(claims));
}

std::string OfficeHandlerToken(const std::string& subject,
                               std::vector<std::string> offices) {
  TokenClaims claims;
  claims.subject = subject;
  claims.roles = {Role::kInquiryHandler};
  claims.institution = kHomeInstitution;
  claims.offices = std::move(offices);
  return Signed(TestKeys(), std::move(claims));
}

}  // namespace mobility::testing
