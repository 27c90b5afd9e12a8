// The public web pages in headless Chromium (tests/browser/public_pages.py)
// against the real inquiries_server behind the real gateway, which serves the
// pages from web/: ask the Rector, fix a field error, keep the code, track,
// see the office's answer; a wrong code shows nothing; axe-core finds no
// violation on any page. Screenshots go to the test's workspace.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include "absl/strings/str_cat.h"
#include "common/test_support.h"
#include "tests/e2e_support.h"

namespace mobility {
namespace {

class WebPagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = e2e::MakeWorkspace();
    const std::string inquiries = absl::StrCat("127.0.0.1:", e2e::FreePort());
    gateway_ = absl::StrCat("127.0.0.1:", e2e::FreePort());
    pids_.push_back(
        e2e::Spawn({INQUIRIES_SERVER, "--listen=" + inquiries,
                    "--database_url=" + database_.url(),
                    "--jwt_public_key_file=" + dir_ + "/public.pem"},
                   dir_ + "/inquiries.log"));
    ASSERT_TRUE(e2e::WaitUntilServing(inquiries))
        << e2e::ReadFile(dir_ + "/inquiries.log");
    // Only inquiries runs: the other services' routes lead there too, and
    // the pages here call none of them.
    std::vector<std::string> gateway = {GATEWAY, "--listen=" + gateway_,
                                        std::string("--static_dir=") + WEB_DIR};
    for (const char* s : {"agreements", "applications", "grants", "inquiries"})
      gateway.push_back(absl::StrCat("--", s, "_address=", inquiries));
    pids_.push_back(e2e::Spawn(gateway, dir_ + "/gateway.log"));
    e2e::HttpClient client;
    for (int i = 0; i < 100; ++i) {
      if (client.Call("GET", absl::StrCat("http://", gateway_, "/readyz"))
              .status == 200) {
        return;
      }
      absl::SleepFor(absl::Milliseconds(100));
    }
    FAIL() << e2e::ReadFile(dir_ + "/gateway.log");
  }
  void TearDown() override {
    for (pid_t pid : pids_) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }

  testing::TestDatabase database_;
  std::string dir_, gateway_;
  std::vector<pid_t> pids_;
};

TEST_F(WebPagesTest, AskTheRectorTrackTheAnswerInEveryLanguage) {
  const std::string artifacts = dir_ + "/screenshots";
  auto [code, output] = e2e::RunCommand(absl::StrCat(
      // Debian's Python, which has python3-selenium.
      "/usr/bin/python3 ", BROWSER_TESTS, "/public_pages.py --base http://",
      gateway_, " --handler_token ",
      testing::TokenFor("handler", {Role::kInquiryHandler}), " --admin_token ",
      testing::TokenFor("admin", {Role::kAdmin}), " --artifacts ", artifacts,
      " --axe ", BROWSER_TESTS, "/node_modules/axe-core/axe.min.js 2>&1"));
  EXPECT_EQ(code, 0) << output << "\ngateway log:\n"
                     << e2e::ReadFile(dir_ + "/gateway.log").substr(0, 4000);
  std::cout << output;
}

}  // namespace
}  // namespace mobility
