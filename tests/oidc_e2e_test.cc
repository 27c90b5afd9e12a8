// Issue 26's sign-in through the university's identity provider: a real
// OpenID Connect provider (LemonLDAP::NG from Debian, tests/oidc/llng.sh)
// signs staff in with the authorization code flow and PKCE
// (tests/oidc/sign_in.py, as the office pages do), and the services trust its
// access tokens by the keys it publishes, reading roles and institution from
// its claims (--oidc_*). The office pages sign in there and out again in
// Chromium (tests/browser/provider_sign_in.py). A key the provider rotates is
// fetched when a token first names it; an expired token is refused.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/test_support.h"
#include "tests/e2e_support.h"

namespace mobility {
namespace {

// Where sign_in.py says it is sent back to.
constexpr char kRedirect[] = "http://localhost:8080/office/";

class OidcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/var/tmp/mobility-oidc-test.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    chmod(dir, 0755);  // The portal runs as www-data.
    // The office pages, where the browser comes back to.
    std::string redirects = kRedirect;
    for (const char* page : {"applications", "inquiries", "budgets"}) {
      absl::StrAppend(&redirects, " http://", stack_.gateway(), "/office/",
                      page, " http://", stack_.gateway(), "/office/", page,
                      "/");
    }
    auto [code, output] = Llng(absl::StrCat(
        "start ", dir_, "/llng ", e2e::FreePort(), " '", redirects, "'"));
    ASSERT_EQ(code, 0) << output;
    issuer_ = std::string(absl::StripAsciiWhitespace(output));
    const std::string roles =
        "--oidc_role_names=mobility-coordinators=coordinator";
    stack_.service_args() = {"--oidc_issuer=" + issuer_,
                             "--oidc_audience=mobility-office", roles};
    ASSERT_TRUE(
        stack_.Start({absl::StrCat("--static_dir=", PROJECT_SOURCE_DIR, "/web"),
                      "--oidc_issuer=" + issuer_,
                      "--oidc_client_id=mobility-office", roles}));
    ASSERT_TRUE(stack_.LoadDemo());
  }
  void TearDown() override {
    Llng(absl::StrCat("stop ", dir_, "/llng"));
    e2e::RunCommand("rm -rf " + dir_);
  }

  static std::pair<int, std::string> Llng(const std::string& args) {
    return e2e::RunCommand(absl::StrCat(PROJECT_SOURCE_DIR,
                                        "/tests/oidc/llng.sh ", args, " 2>&1"));
  }
  // The access token of `user` (whose password is the same, as in the
  // provider's demo backend), signed in for `client`.
  std::string SignIn(const std::string& user,
                     const std::string& client = "mobility-office") {
    auto [code, output] = e2e::RunCommand(
        absl::StrCat(PROJECT_SOURCE_DIR, "/tests/oidc/sign_in.py ", issuer_,
                     " ", client, " ", kRedirect, " ", user, " ", user));
    EXPECT_EQ(code, 0) << output;
    return e2e::JsonField(output, "access_token");
  }
  e2e::HttpReply Get(const std::string& path, const std::string& token) {
    return e2e::Http("GET", absl::StrCat("http://", stack_.gateway(), path), "",
                     {"Authorization: Bearer " + token});
  }
  static std::string KeyId(const std::string& token) {
    std::string header;
    absl::WebSafeBase64Unescape(
        std::vector<std::string>(absl::StrSplit(token, '.'))[0], &header);
    return e2e::JsonField(header, "kid");
  }

  std::string dir_, issuer_;
  testing::TestDatabase database_;
  std::string workspace_ = e2e::MakeWorkspace();
  e2e::Stack stack_{database_.url(), workspace_};
};

TEST_F(OidcTest, StaffSignedInAtTheProviderActForTheirInstitution) {
  // dwho: "mobility-coordinators finance" of kokshetau-amu.
  const std::string coordinator = SignIn("dwho");
  ASSERT_FALSE(coordinator.empty());
  e2e::HttpReply reserves =
      Get("/v1/applications?call=calls/spring-2027&state=RESERVE", coordinator);
  ASSERT_EQ(reserves.status, 200) << reserves.body;
  const std::string reserve = e2e::JsonField(reserves.body, "name");
  ASSERT_FALSE(reserve.empty()) << reserves.body;
  e2e::HttpReply decided = e2e::Http(
      "POST",
      absl::StrCat("http://", stack_.gateway(), "/v1/", reserve, ":decide"),
      R"({"decision": "REJECTED"})",
      {"Content-Type: application/json",
       "Authorization: Bearer " + coordinator});
  ASSERT_EQ(decided.status, 200) << decided.body;
  EXPECT_EQ(e2e::JsonField(decided.body, "state"), "REJECTED");
  e2e::HttpReply report = Get("/v1/budgets/ka171-2024-kz/report", coordinator);
  EXPECT_EQ(report.status, 200) << report.body;

  // rtyler: an inquiry handler, who may not read applications.
  const std::string handler = SignIn("rtyler");
  EXPECT_EQ(Get("/v1/inquiries", handler).status, 200);
  e2e::HttpReply refused = Get("/v1/applications", handler);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(refused.body.find("ROLE_NOT_ALLOWED"), std::string::npos);
  // msmith: signed in, but no role of ours.
  EXPECT_EQ(Get("/v1/applications", SignIn("msmith")).status, 403);
}

TEST_F(OidcTest, TheOfficePagesSignInAtTheProviderAndOutInEveryLanguage) {
  auto [code, output] = e2e::RunCommand(absl::StrCat(
      // Debian's Python, which has python3-selenium.
      "/usr/bin/python3 ", BROWSER_TESTS, "/provider_sign_in.py --base http://",
      stack_.gateway(), " --provider ", issuer_, " --artifacts ",
      SCREENSHOTS_DIR, " --axe ", BROWSER_TESTS,
      "/node_modules/axe-core/axe.min.js 2>&1"));
  EXPECT_EQ(code, 0)
      << output << "\ngateway log:\n"
      << e2e::ReadFile(workspace_ + "/gateway.log").substr(0, 4000);
  std::cout << output;
}

TEST_F(OidcTest, ARotatedKeyIsFetchedWhenATokenFirstNamesIt) {
  const std::string before = SignIn("dwho");
  ASSERT_EQ(Get("/v1/applications", before).status, 200);
  auto [code, output] = Llng(absl::StrCat("rotate ", dir_, "/llng"));
  ASSERT_EQ(code, 0) << output;
  const std::string after = SignIn("dwho");
  ASSERT_NE(KeyId(after), KeyId(before));
  // The services fetch the provider's keys again when a token names one they
  // do not hold, at most every 10 s: the first calls may come before then.
  int status = 0;
  EXPECT_TRUE(testing::Eventually(absl::Seconds(20), [&] {
    status = Get("/v1/applications", after).status;
    return status == 200;
  })) << status;
}

TEST_F(OidcTest, AnExpiredTokenIsRefused) {
  // The provider's brief client gives tokens valid 3 s.
  const std::string token = SignIn("dwho", "mobility-office-brief");
  ASSERT_EQ(Get("/v1/applications", token).status, 200);
  absl::SleepFor(absl::Seconds(4));
  e2e::HttpReply expired = Get("/v1/applications", token);
  EXPECT_EQ(expired.status, 401) << expired.body;
  EXPECT_NE(expired.body.find("TOKEN_EXPIRED"), std::string::npos)
      << expired.body;
}

}  // namespace
}  // namespace mobility
