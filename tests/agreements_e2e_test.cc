// End to end: the real agreements_server binary on a socket, called over gRPC
// and by mobilityctl.
#include <fcntl.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <pqxx/pqxx>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/client.h"
#include "common/status.h"
#include "common/test_support.h"
#include "mobility/agreements/v1/agreements.grpc.pb.h"
#include "tests/e2e_support.h"

namespace mobility {
namespace {

namespace v1 = ::mobility::agreements::v1;
using e2e::LogOnceItHolds;
using e2e::ReadFile;
using e2e::Spawn;

class AgreementsEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = e2e::MakeWorkspace();
    port_ = e2e::FreePort();
    address_ = absl::StrCat("127.0.0.1:", port_);
  }

  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  void StartServer() {
    pid_ = Spawn({AGREEMENTS_SERVER, "--listen=" + address_,
                  "--database_url=" + database_.url(),
                  "--jwt_public_key_file=" + dir_ + "/public.pem"},
                 dir_ + "/server.log");
  }

  int HealthStatus() { return e2e::HealthStatus(address_); }
  bool WaitUntilServing() { return e2e::WaitUntilServing(address_); }

  std::string Ctl(const std::string& args,
                  const std::string& role = "coordinator") {
    auto [exit_code, output] = e2e::Mobilityctl(
        dir_, "MOBILITY_AGREEMENTS_ADDRESS=" + address_, args, role);
    last_exit_code_ = exit_code;
    return output;
  }

  testing::TestDatabase database_;
  std::string dir_;
  int port_ = 0;
  std::string address_;
  pid_t pid_ = -1;
  int last_exit_code_ = 0;
};

TEST_F(AgreementsEndToEndTest, ServesTheDemoAgreementThroughMobilityctl) {
  StartServer();
  ASSERT_TRUE(WaitUntilServing()) << ReadFile(dir_ + "/server.log");
  const std::string demo = std::string(PROJECT_SOURCE_DIR) + "/deploy/demo";
  Ctl("institutions create --id kokshetau-amu --json " + demo +
      "/kokshetau.json");
  ASSERT_EQ(last_exit_code_, 0);
  Ctl("institutions create --id vidzeme-via --json " + demo + "/vidzeme.json");
  ASSERT_EQ(last_exit_code_, 0);
  std::string created =
      Ctl("--output=json agreements create --id ka107-2016-kz-lv --json " +
          demo + "/agreement-ka107-2016.json");
  ASSERT_EQ(last_exit_code_, 0) << created;
  size_t at = created.find("\"contentHash\":\"");
  ASSERT_NE(at, std::string::npos);
  std::string hash = created.substr(at + 15, 64);
  for (const char* partner :
       {"institutions/kokshetau-amu", "institutions/vidzeme-via"}) {
    Ctl(absl::StrCat(
            "agreements approve agreements/ka107-2016-kz-lv --institution ",
            partner, " --content_hash ", hash),
        e2e::PartnerRole(partner));
    ASSERT_EQ(last_exit_code_, 0);
  }
  std::string listed = Ctl("agreements list", "applicant");
  EXPECT_EQ(last_exit_code_, 0);
  EXPECT_TRUE(absl::StrContains(listed, "agreements/ka107-2016-kz-lv"))
      << listed;
  EXPECT_TRUE(absl::StrContains(listed, "APPROVED")) << listed;

  std::string quota =
      Ctl("agreements quota agreements/ka107-2016-kz-lv --year 2018/2019");
  EXPECT_TRUE(absl::StrContains(quota, "kz-lv-studies")) << quota;

  // A clear error with the field, and a non-zero exit.
  std::string refused =
      Ctl("agreements allocate agreements/ka107-2016-kz-lv --condition "
          "kz-lv-studies --year 2018/2019 --key k1",
          "applicant");
  EXPECT_EQ(last_exit_code_, 1);
  EXPECT_TRUE(absl::StrContains(refused, "PERMISSION_DENIED")) << refused;
  std::string bad = Ctl("institutions list --page_size=-1");
  EXPECT_EQ(last_exit_code_, 1);
  EXPECT_TRUE(absl::StrContains(bad, "page_size")) << bad;

  // Access lines name the method and status but none of the personal data that
  // passed through.
  std::string log = LogOnceItHolds(
      dir_ + "/server.log",
      R"("method":"ListInstitutions","status":"INVALID_ARGUMENT")");
  EXPECT_TRUE(absl::StrContains(log, "\"method\":\"ApproveAgreement\"")) << log;
  EXPECT_FALSE(absl::StrContains(log, "international@example.kz")) << log;
}

TEST_F(AgreementsEndToEndTest,
       ServesThePublicAndRefusesATokenThatDoesNotVerify) {
  StartServer();
  ASSERT_TRUE(WaitUntilServing()) << ReadFile(dir_ + "/server.log");
  auto stub = v1::AgreementsService::NewStub(NewChannel(address_));
  v1::ListAgreementsRequest request;
  v1::ListAgreementsResponse response;
  // The agreements in force are public; a token that does not verify is
  // refused even there.
  {
    auto context = NewClientContext(OutboundCall{});
    EXPECT_TRUE(stub->ListAgreements(context.get(), request, &response).ok());
  }
  OutboundCall garbage;
  garbage.bearer_token = "garbage";
  auto context = NewClientContext(garbage);
  EXPECT_EQ(
      stub->ListAgreements(context.get(), request, &response).error_code(),
      grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AgreementsEndToEndTest, HealthFollowsTheDatabase) {
  StartServer();
  ASSERT_TRUE(WaitUntilServing()) << ReadFile(dir_ + "/server.log");
  {
    // Losing the database: its connections end and it cannot be reached again.
    pqxx::connection admin(std::getenv("MOBILITY_TEST_DATABASE_URL"));
    pqxx::nontransaction txn(admin);
    txn.exec(
        "DROP DATABASE " +
        txn.quote_name(database_.url().substr(database_.url().rfind('/') + 1)) +
        " WITH (FORCE)");
  }
  int status = 1;
  for (int i = 0; i < 100 && status == 1; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    status = HealthStatus();
  }
  EXPECT_EQ(status, 2);  // NOT_SERVING, while the process keeps answering.
}

TEST_F(AgreementsEndToEndTest, StopsGracefullyOnSigterm) {
  StartServer();
  ASSERT_TRUE(WaitUntilServing()) << ReadFile(dir_ + "/server.log");
  kill(pid_, SIGTERM);
  int status = 0;
  pid_t exited = 0;
  for (int i = 0; i < 250 && exited == 0; ++i) {
    exited = waitpid(pid_, &status, WNOHANG);
    if (exited == 0) absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_EQ(exited, pid_) << "still running 25 s after SIGTERM";
  pid_ = -1;
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(absl::StrContains(ReadFile(dir_ + "/server.log"),
                                "\"event\":\"stopped\""));
  EXPECT_EQ(HealthStatus(), -1);  // Nobody answers any more.
}

// A deployment's migration job: the schema is brought up to date, nothing
// is served, and the process exits 0.
TEST_F(AgreementsEndToEndTest, MigrateOnlyAppliesTheMigrationsAndExits) {
  pid_ = Spawn({AGREEMENTS_SERVER, "--listen=" + address_, "--migrate_only",
                "--database_url=" + database_.url(),
                "--jwt_public_key_file=" + dir_ + "/public.pem"},
               dir_ + "/server.log");
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << ReadFile(dir_ + "/server.log");
  EXPECT_TRUE(absl::StrContains(ReadFile(dir_ + "/server.log"),
                                "\"event\":\"migrated\""));
  pqxx::connection connection(database_.url());
  EXPECT_EQ(pqxx::nontransaction(connection)
                .exec1("SELECT count(*) FROM agreements.agreements")[0]
                .as<int>(),
            0);
  EXPECT_EQ(HealthStatus(), -1);  // Nothing was served.
}

TEST_F(AgreementsEndToEndTest, BadConfigurationFailsAtStartWithAClearMessage) {
  pid_ = Spawn(
      {AGREEMENTS_SERVER, "--listen=" + address_, "--database_url=mysql://nope",
       "--jwt_public_key_file=" + dir_ + "/public.pem"},
      dir_ + "/server.log");
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_TRUE(absl::StrContains(ReadFile(dir_ + "/server.log"),
                                "DATABASE_URL must start with"));

  pid_ = Spawn({AGREEMENTS_SERVER, "--listen=" + address_,
                "--database_url=" + database_.url(),
                "--jwt_public_key_file=" + dir_ + "/missing.pem"},
               dir_ + "/server.log");
  waitpid(pid_, &status, 0);
  pid_ = -1;
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_TRUE(absl::StrContains(ReadFile(dir_ + "/server.log"),
                                "cannot read the JWT public key"));
}

}  // namespace
}  // namespace mobility
