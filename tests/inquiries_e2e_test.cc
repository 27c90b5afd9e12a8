// End to end: the real inquiries_server, configured as deploy/run.sh starts
// it, mailing a real SMTP server, driven by mobilityctl as the public and the
// office would.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/test_support.h"
#include "tests/e2e_support.h"

namespace mobility {
namespace {

class InquiriesEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = e2e::MakeWorkspace();
    sink_.Start();
    address_ = absl::StrCat("127.0.0.1:", e2e::FreePort());
    pid_ = e2e::Spawn(
        {INQUIRIES_SERVER, "--listen=" + address_,
         "--database_url=" + database_.url(),
         "--jwt_public_key_file=" + dir_ + "/public.pem",
         "--smtp_url=" + sink_.url(), "--mail_from=rector@kokshetau.example",
         "--public_url=https://mobility.kokshetau.example",
         absl::StrCat("--institution=", mobility::testing::kHomeInstitution)},
        dir_ + "/inquiries.log");
    ASSERT_TRUE(e2e::WaitUntilServing(address_))
        << e2e::ReadFile(dir_ + "/inquiries.log");
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  std::string Env() const {
    return absl::StrCat("MOBILITY_INQUIRIES_ADDRESS=", address_);
  }
  // mobilityctl with a token of `role`, or with none when `role` is empty.
  std::string Ctl(const std::string& args, const std::string& role) {
    auto [code, output] =
        role.empty()
            ? e2e::RunCommand(absl::StrCat(
                  Env(), " MOBILITY_TOKEN= ", MOBILITYCTL, " ", args, " 2>&1"))
            : e2e::Mobilityctl(dir_, Env(), args, role);
    exit_code_ = code;
    return output;
  }
  // The value of "key":"value" in `json`.
  static std::string Field(const std::string& json, const std::string& key) {
    const std::string marker = absl::StrCat("\"", key, "\":\"");
    const size_t at = json.find(marker);
    if (at == std::string::npos) return "";
    const size_t start = at + marker.size();
    return json.substr(start, json.find('"', start) - start);
  }

  testing::TestDatabase database_;
  e2e::SmtpSink sink_;
  std::string dir_, address_;
  pid_t pid_ = -1;
  int exit_code_ = 0;
};

TEST_F(InquiriesEndToEndTest, AQuestionToTheRectorFromSubmissionToAnswer) {
  Ctl("holidays set 2026-12-16 --kind DAY_OFF --description "
      "'Independence Day'",
      "admin");
  ASSERT_EQ(exit_code_, 0);
  const std::string file = dir_ + "/question.json";
  std::ofstream(file) << R"({"inquiry": {"kind": "REQUEST", "language": "ru",
      "subject": "Грант", "text": "Покрывает ли грант визу?",
      "author": {"fullName": "Dana Seitkali", "email": "dana@example.kz"},
      "consentToProcessing": true}})";
  const std::string receipt =
      Ctl("--output=json inquiries submit --json " + file, "");
  ASSERT_EQ(exit_code_, 0) << receipt;
  const std::string number = Field(receipt, "registrationNumber");
  const std::string code = Field(receipt, "trackingCode");
  const std::string name = Field(receipt, "inquiry");
  ASSERT_FALSE(code.empty()) << receipt;

  // The registration e-mail arrives by itself, with the tracking link.
  std::vector<std::string> mails;
  for (int i = 0; i < 100 && mails.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    mails = sink_.Mails();
  }
  ASSERT_EQ(mails.size(), 1u) << e2e::ReadFile(dir_ + "/inquiries.log");
  EXPECT_TRUE(absl::StrContains(
      mails[0], absl::StrCat("https://mobility.kokshetau.example/track#",
                             number, "/", code)));

  Ctl("inquiries assign " + name + " --office offices/rectorate --handler e2e",
      "inquiry_handler");
  EXPECT_NE(exit_code_, 0);  // No such office yet.
  Ctl("offices create --id rectorate --display_name Rectorate", "admin");
  ASSERT_EQ(exit_code_, 0);
  Ctl("inquiries assign " + name + " --office offices/rectorate --handler e2e",
      "inquiry_handler");
  ASSERT_EQ(exit_code_, 0);
  Ctl("inquiries start " + name, "inquiry_handler");
  ASSERT_EQ(exit_code_, 0);
  Ctl("inquiries answer " + name +
          " --language ru --text 'Да, как исключительные расходы.'",
      "inquiry_handler");
  ASSERT_EQ(exit_code_, 0);
  const std::string tracked = Ctl(
      absl::StrCat("inquiries track --number ", number, " --code ", code), "");
  ASSERT_EQ(exit_code_, 0) << tracked;
  EXPECT_TRUE(absl::StrContains(tracked, "ANSWERED")) << tracked;
  EXPECT_TRUE(absl::StrContains(tracked, "исключительные")) << tracked;
  Ctl(absl::StrCat("inquiries track --number ", number,
                   " --code AAAA-AAAA-AAAA-AAAA-AAAA"),
      "");
  EXPECT_NE(exit_code_, 0);

  // The log names no one.
  const std::string log =
      e2e::LogOnceItHolds(dir_ + "/inquiries.log",
                          R"("method":"TrackInquiry","status":"NOT_FOUND")");
  EXPECT_TRUE(absl::StrContains(log, "TrackInquiry")) << log;
  EXPECT_FALSE(absl::StrContains(log, "dana@example.kz"));
  EXPECT_FALSE(absl::StrContains(log, "Seitkali"));
  EXPECT_FALSE(absl::StrContains(log, code));

  // SIGTERM: a clean stop.
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

}  // namespace
}  // namespace mobility
