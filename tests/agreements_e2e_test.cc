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

extern char** environ;

namespace mobility {
namespace {

namespace v1 = ::mobility::agreements::v1;

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t length = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  close(fd);
  return ntohs(addr.sin_port);
}

pid_t Spawn(const std::vector<std::string>& args, const std::string& log_file) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  EXPECT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ),
            0);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

// Runs a command, returns its exit code and standard output.
std::pair<int, std::string> RunCommand(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0)
    output.append(buffer, n);
  int status = pclose(pipe);
  return {WEXITSTATUS(status), output};
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class AgreementsEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/e2e-" + std::to_string(getpid());
    mkdir(dir_.c_str(), 0700);
    std::ofstream(dir_ + "/public.pem") << testing::TestKeys().public_pem;
    std::ofstream(dir_ + "/private.pem") << testing::TestKeys().private_pem;
    port_ = FreePort();
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

  // The standard grpc.health.v1 check, encoded by hand: the request is empty
  // and the response is field 1 (status) as a varint, SERVING = 1.
  int HealthStatus() {
    grpc::GenericStub stub(NewChannel(address_));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(2));
    grpc::ByteBuffer request, response;
    grpc::Slice empty("");
    request = grpc::ByteBuffer(&empty, 1);
    grpc::Status status;
    absl::Notification done;
    stub.UnaryCall(&context, "/grpc.health.v1.Health/Check",
                   grpc::StubOptions(), &request, &response,
                   [&](grpc::Status s) {
                     status = s;
                     done.Notify();
                   });
    done.WaitForNotification();
    if (!status.ok()) return -1;
    std::vector<grpc::Slice> slices;
    response.Dump(&slices);
    std::string bytes;
    for (const auto& s : slices)
      bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    return bytes.size() == 2 && bytes[0] == 0x08 ? bytes[1] : 0;
  }

  bool WaitUntilServing() {
    for (int i = 0; i < 150; ++i) {
      if (HealthStatus() == 1) return true;
      absl::SleepFor(absl::Milliseconds(200));
    }
    return false;
  }

  std::string Ctl(const std::string& args,
                  const std::string& role = "coordinator") {
    std::string env =
        absl::StrCat("MOBILITY_AGREEMENTS_ADDRESS=", address_,
                     " MOBILITY_JWT_PRIVATE_KEY_FILE=", dir_, "/private.pem ");
    auto [code, token] =
        RunCommand(absl::StrCat(env, MOBILITYCTL, " token --role ", role,
                                " --subject e2e 2>/dev/null | tail -n 1"));
    EXPECT_EQ(code, 0);
    token.erase(token.find_last_not_of('\n') + 1);
    auto [exit_code, output] = RunCommand(absl::StrCat(
        env, "MOBILITY_TOKEN=", token, " ", MOBILITYCTL, " ", args, " 2>&1"));
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
        partner, " --content_hash ", hash));
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
  std::string log = ReadFile(dir_ + "/server.log");
  EXPECT_TRUE(absl::StrContains(log, "\"method\":\"ApproveAgreement\"")) << log;
  EXPECT_FALSE(absl::StrContains(log, "international@example.kz")) << log;
}

TEST_F(AgreementsEndToEndTest, RefusesCallsWithoutAValidToken) {
  StartServer();
  ASSERT_TRUE(WaitUntilServing()) << ReadFile(dir_ + "/server.log");
  auto stub = v1::AgreementsService::NewStub(NewChannel(address_));
  v1::ListAgreementsRequest request;
  v1::ListAgreementsResponse response;
  for (const std::string& token : {std::string(), std::string("garbage")}) {
    OutboundCall call;
    call.bearer_token = token;
    auto context = NewClientContext(call);
    EXPECT_EQ(
        stub->ListAgreements(context.get(), request, &response).error_code(),
        grpc::StatusCode::UNAUTHENTICATED);
  }
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
