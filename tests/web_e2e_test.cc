// The web pages in headless Chromium (tests/browser/public_pages.py) against
// every real service behind the real gateway, which serves the pages from
// web/, with the demo data loaded by deploy/demo/load.sh: the agreements in
// force, a grant estimate, asking the Rector with a field error fixed, the
// office answering from its queue, tracking the answer; a wrong code shows
// nothing; a student signs in with the e-mailed code and applies, a
// coordinator scores and selects; axe-core finds no violation on any page.
// Screenshots of every page go to build/tests/web-screenshots.
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/test_support.h"
#include "tests/e2e_support.h"

namespace mobility {
namespace {

class WebPagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sink_.Start();
    ASSERT_TRUE(stack_.Start(
        {absl::StrCat("--static_dir=", PROJECT_SOURCE_DIR, "/web"),
         absl::StrCat("--dev_signing_key_file=", dir_, "/private.pem")},
        sink_.url()));
    ASSERT_TRUE(stack_.LoadDemo());
  }

  testing::TestDatabase database_;
  e2e::SmtpSink sink_;
  std::string dir_ = e2e::MakeWorkspace();
  e2e::Stack stack_{database_.url(), dir_};
};

TEST_F(WebPagesTest, ProgrammeEstimateAskAnswerAndTrackInEveryLanguage) {
  // Kept in the build folder after the run, to look at.
  const std::string artifacts = SCREENSHOTS_DIR;
  auto [code, output] = e2e::RunCommand(absl::StrCat(
      // Debian's Python, which has python3-selenium.
      "/usr/bin/python3 ", BROWSER_TESTS, "/public_pages.py --base http://",
      stack_.gateway(), " --artifacts ", artifacts, " --maildir ", sink_.dir(),
      " --axe ", BROWSER_TESTS, "/node_modules/axe-core/axe.min.js 2>&1"));
  EXPECT_EQ(code, 0) << output << "\ngateway log:\n"
                     << e2e::ReadFile(dir_ + "/gateway.log").substr(0, 4000);
  std::cout << output;
}

}  // namespace
}  // namespace mobility
