// Helpers for tests: a fresh PostgreSQL database per test fixture, and signing
// keys and tokens.
#ifndef MOBILITY_COMMON_TEST_SUPPORT_H_
#define MOBILITY_COMMON_TEST_SUPPORT_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/auth.h"
#include "common/db.h"
#include "common/migrations.h"
#include "common/server.h"

namespace mobility::testing {

// A database created for one test from the cluster in
// MOBILITY_TEST_DATABASE_URL (deploy/test.sh starts it) and dropped afterwards.
// Fails the test when the variable is unset: a database test that silently
// skips would pass without testing anything.
class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  const std::string& url() const { return url_; }

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

// A pool on `schema` of the test database at `url` with `statements`
// prepared, migrated through `migrations` (none when empty).
std::unique_ptr<Database> OpenSchema(const std::string& url,
                                     const std::string& schema,
                                     std::vector<PreparedStatement> statements,
                                     const std::vector<Migration>& migrations);

// Whether `holds` comes true within `within`, asked every 10 ms: for what
// another process or thread makes true at its own pace (a NOTIFY arriving, a
// query starting to wait).
bool Eventually(absl::Duration within, const std::function<bool()>& holds);

// `url` with its database name replaced by `database`.
std::string WithDatabase(const std::string& url, const std::string& database);

struct KeyPair {
  std::string private_pem;
  std::string public_pem;
};
// A fresh 2048-bit RSA key pair.
KeyPair NewRsaKeyPair();
// One RSA key pair per test process: the identity provider's.
const KeyPair& TestKeys();
// Another, for the applications service's applicant sign-in tokens.
const KeyPair& ApplicantIssuerKeys();
// Another, for our own services' internal tokens.
const KeyPair& InternalIssuerKeys();

// Another, for the EWP service's partner-system tokens.
const KeyPair& EwpIssuerKeys();
// An EWP instance's client and server keys (HTTP signatures).
const KeyPair& EwpClientKeys();
const KeyPair& EwpServerKeys();

// The policy trusting all four, with the default audience.
TokenPolicy TestTokenPolicy();

// A dispatcher that verifies tokens signed with TestKeys(), applicant tokens
// signed with ApplicantIssuerKeys() and internal ones with
// InternalIssuerKeys().
std::shared_ptr<const RpcDispatcher> TestDispatcher(
    DispatchOptions options = {});

// The institution the demo's staff act for, and the tests' where they name
// none.
inline constexpr char kHomeInstitution[] = "institutions/kokshetau-amu";

// A token valid for an hour: for `service` alone, an internal token signed
// with InternalIssuerKeys(); otherwise the identity provider's, signed with
// TestKeys(). `institution` is the one the bearer acts for,
// "institutions/{id}"; staff and partner systems given none act for
// kHomeInstitution.
std::string TokenFor(const std::string& subject, const std::vector<Role>& roles,
                     const std::string& institution = "");

// An inquiry handler of kHomeInstitution limited to `offices`
// ("offices/{id}").
std::string OfficeHandlerToken(const std::string& subject,
                               std::vector<std::string> offices);

// `claims` signed as they are with TestKeys(), for tokens the services refuse.
std::string SignedByIdentityProvider(TokenClaims claims);

}  // namespace mobility::testing

#endif  // MOBILITY_COMMON_TEST_SUPPORT_H_
