#include "tests/e2e_support.h"

#include <fcntl.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/client.h"
#include "common/test_support.h"

extern char** environ;

namespace mobility::e2e {

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

// The standard grpc.health.v1 check, encoded by hand: the request is empty
// and the response is field 1 (status) as a varint, SERVING = 1.
int HealthStatus(const std::string& address) {
  grpc::GenericStub stub(NewChannel(address));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(2));
  grpc::ByteBuffer request, response;
  grpc::Slice empty("");
  request = grpc::ByteBuffer(&empty, 1);
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(),
                 &request, &response, [&](grpc::Status s) {
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

bool WaitUntilServing(const std::string& address) {
  for (int i = 0; i < 150; ++i) {
    if (HealthStatus(address) == 1) return true;
    absl::SleepFor(absl::Milliseconds(200));
  }
  return false;
}

std::string MakeWorkspace() {
  static int counter = 0;
  std::string dir =
      absl::StrCat(::testing::TempDir(), "/e2e-", getpid(), "-", ++counter);
  mkdir(dir.c_str(), 0700);
  std::ofstream(dir + "/public.pem") << testing::TestKeys().public_pem;
  std::ofstream(dir + "/private.pem") << testing::TestKeys().private_pem;
  return dir;
}

std::string PartnerRole(const std::string& institution) {
  return absl::StrCat(
      institution == "institutions/kokshetau-amu" ? "coordinator" : "service",
      " --institution ", institution);
}

std::pair<int, std::string> Mobilityctl(const std::string& workspace,
                                        const std::string& env,
                                        const std::string& args,
                                        const std::string& role) {
  const std::string vars = absl::StrCat(
      env, " MOBILITY_JWT_PRIVATE_KEY_FILE=", workspace, "/private.pem ");
  auto [code, token] =
      RunCommand(absl::StrCat(vars, MOBILITYCTL, " token --role ", role,
                              " --subject e2e 2>/dev/null | tail -n 1"));
  EXPECT_EQ(code, 0);
  token.erase(token.find_last_not_of('\n') + 1);
  return RunCommand(absl::StrCat(vars, "MOBILITY_TOKEN=", token, " ",
                                 MOBILITYCTL, " ", args, " 2>&1"));
}

}  // namespace mobility::e2e
