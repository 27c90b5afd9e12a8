// Helpers for end-to-end tests: real server binaries on free loopback ports,
// the standard health check, and mobilityctl run as a user would.
#ifndef MOBILITY_TESTS_E2E_SUPPORT_H_
#define MOBILITY_TESTS_E2E_SUPPORT_H_

#include <google/protobuf/descriptor.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>
#include <sys/types.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace mobility::e2e {

// A loopback port nobody listens on, kept from every other test process.
int FreePort();
// Starts `args[0]` with `args`, standard error into `log_file`.
pid_t Spawn(const std::vector<std::string>& args, const std::string& log_file);
// Runs a shell command; returns its exit code and standard output.
std::pair<int, std::string> RunCommand(const std::string& command);
std::string ReadFile(const std::string& path);
// A running server's log once it holds `line_part` (waiting up to 10 s): info
// lines reach the file within milliseconds of the call (common/log.h), so a
// test waits for the line of the last call it made before it reads the rest.
std::string LogOnceItHolds(const std::string& path,
                           absl::string_view line_part);

// One unary call of `method` ("/package.Service/Method") with `request` as
// raw bytes, bearing `token` unless it is empty, within `timeout` (no
// deadline at all when it is infinite).
absl::Status CallRaw(grpc::GenericStub& stub, const std::string& method,
                     const std::string& request, const std::string& token,
                     absl::Duration timeout = absl::Seconds(10));
// The same with every metadata pair given (the token among them or not).
absl::Status CallRaw(
    grpc::GenericStub& stub, const std::string& method,
    const std::string& request,
    const std::vector<std::pair<std::string, std::string>>& metadata,
    absl::Duration timeout = absl::Seconds(10));

// Queries on the database at `url` waiting for a lock right now.
int WaitingQueries(const std::string& url);
// Whether, within `d`, no query on it waits for a lock any more (polled).
bool NoQueryWaitsWithin(const std::string& url, absl::Duration d);

// grpc.health.v1 Check of the whole server: 1 SERVING, 2 NOT_SERVING, -1
// unreachable.
int HealthStatus(const std::string& address);
// Polls the health check for up to 30 s.
bool WaitUntilServing(const std::string& address);

// A folder with the test key pair, for servers (public key) and mobilityctl
// (private key).
std::string MakeWorkspace();

// Runs `mobilityctl ARGS` with a fresh token for `role` (what follows
// `mobilityctl token --role`, so it may add --institution); `env` sets
// addresses ("NAME=value ...").
// The token of a partner approving an agreement for itself: the Kazakh
// coordinator, or the Latvian partner's own system with its service identity.
std::string PartnerRole(const std::string& institution);

std::pair<int, std::string> Mobilityctl(const std::string& workspace,
                                        const std::string& env,
                                        const std::string& args,
                                        const std::string& role);

// One row of tests/access_table.tsv: "y", "n" or "-" by column name.
using AccessRow = std::map<std::string, std::string>;
// The table by RPC ("agreements.GetAgreement").
std::map<std::string, AccessRow> AccessTable();
// The HTTP verb and path pattern of a method's google.api.http rule ("" when
// it has none).
std::pair<std::string, std::string> HttpRoute(
    const google::protobuf::MethodDescriptor* method);

// HTTP exchanges with a real client (libcurl).
struct HttpReply {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // Lower-case names.
  long new_connections = 0;  // 0 when a kept-alive connection served it.
};
// Keeps its connection from one call to the next.
class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  // A JSON body goes as is; the URL's path is sent as written ("..").
  HttpReply Call(const std::string& method, const std::string& url,
                 const std::string& body = "",
                 const std::vector<std::string>& headers = {});

 private:
  void* curl_;
};
// One exchange on a connection of its own.
HttpReply Http(const std::string& method, const std::string& url,
               const std::string& body = "",
               const std::vector<std::string>& headers = {});
// The string value of "key":"value" in `json` (the first), "" when none.
std::string JsonField(const std::string& json, const std::string& key);

// An SMTP server on a loopback port (Debian's aiosmtpd) that files every mail
// it accepts in a maildir.
class SmtpSink {
 public:
  SmtpSink();
  ~SmtpSink();
  // Starts it and waits until it answers.
  void Start();
  void Stop();
  std::string url() const;
  // The maildir the mails are filed in.
  const std::string& dir() const { return dir_; }
  // Each mail received: its headers, a blank line, and its body decoded from
  // base64. With `at_least`, waits up to 10 s for that many to be filed (the
  // sink files a mail after the sender has its answer).
  std::vector<std::string> Mails(size_t at_least = 0) const;

 private:
  int port_;
  std::string dir_;
  pid_t pid_ = 0;
};

// Every service and the gateway, each its own real process on a free
// loopback port, on one test database, configured as deploy/run.sh starts
// them; killed when the Stack goes.
class Stack {
 public:
  // `dir` holds the test key pair (MakeWorkspace) and the processes' logs.
  Stack(std::string database_url, std::string dir);
  ~Stack();
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  // Starts them, `gateway_args` added to the gateway's, and waits until the
  // gateway is ready; the failure names the log to read. With `smtp_url` the
  // services that send e-mail send it there.
  ::testing::AssertionResult Start(
      const std::vector<std::string>& gateway_args = {},
      const std::string& smtp_url = "");
  // Before Start: `n` processes of each service, each on ports of its own,
  // which the gateway and the other services reach round robin. The first
  // is named as its service ("grants"), the others "grants-2", "grants-3".
  void set_replicas(int n);
  // host:port of the gateway; a service's target ("agreements", ...: its
  // replicas, "ipv4:host:port,host:port", when there are several), or one
  // replica's host:port ("grants-2").
  const std::string& gateway() const { return gateway_; }
  const std::string& address(const std::string& name) const {
    auto it = target_.find(name);
    return it != target_.end() && replicas_ > 1 ? it->second
                                                : address_.at(name);
  }
  // host:port of a process's metrics port ("gateway" among them).
  const std::string& metrics_address(const std::string& name) const {
    return metrics_address_.at(name);
  }
  // SIGTERM to a process ("gateway", "agreements", ...); its wait status once
  // it has exited.
  int Terminate(const std::string& name);
  // SIGKILL to a service (Restart starts it again).
  void Kill(const std::string& name);
  // Starts a service that is down again as it was, `extra_args` added (e.g.
  // --failpoints), and waits until it serves.
  ::testing::AssertionResult Restart(
      const std::string& name, const std::vector<std::string>& extra_args = {});
  // Waits up to `timeout` for a process that is ending by itself (a
  // failpoint); its wait status, or -1 after killing it when it did not end.
  int AwaitExit(const std::string& name, absl::Duration timeout);
  // The command line a process was started with (its binary first).
  const std::vector<std::string>& args(const std::string& name) const {
    return args_.at(name);
  }
  // SIGSTOP freezes a process, SIGCONT thaws it.
  void Signal(const std::string& name, int signal);
  // The EWP side of this instance (its ewp_server), set before Start: our
  // SCHAC id and name, the PEM files of its client and server keys, and the
  // registry catalogue; by default the demo's university, the workspace's
  // keys and a catalogue listing this instance alone.
  struct Ewp {
    std::string hei = "kuam.kz";
    std::string name = "Abay Myrzakhmetov Kokshetau University";
    std::string client_key_file, server_key_file, catalogue_file;
    std::vector<std::string> extra_args;  // e.g. --partner_timeout_seconds=1
  };
  Ewp& ewp() { return ewp_; }
  const Ewp& ewp() const { return ewp_; }
  // Before Start: flags every service gets besides its own (e.g. the
  // identity provider's --oidc_*).
  std::vector<std::string>& service_args() { return service_args_; }
  // Where partners reach its EWP endpoints: http://127.0.0.1:port.
  std::string ewp_url() const { return "http://" + ewp_http_; }
  const std::string& ewp_host() const { return ewp_http_; }
  // Its Discovery manifest, as its ewp_server serves it.
  std::string EwpManifest() const;
  // Loads the demo data with deploy/demo/load.sh, as deploy/run.sh does;
  // the failure holds the script's output.
  ::testing::AssertionResult LoadDemo();

 private:
  void Spawn(const char* binary, const std::string& name,
             std::vector<std::string> args);
  // The processes of `service`: "grants", "grants-2", ...
  std::vector<std::string> Replicas(const std::string& service) const;

  std::string database_url_, dir_, gateway_, ewp_http_;
  Ewp ewp_;
  std::vector<std::string> service_args_;
  int replicas_ = 1;
  std::map<std::string, std::string> address_;  // Of each process.
  std::map<std::string, std::string> target_;   // Of each service.
  std::map<std::string, std::string> metrics_address_;
  std::map<std::string, pid_t> pids_;
  std::map<std::string, std::vector<std::string>> args_;
};

}  // namespace mobility::e2e

#endif  // MOBILITY_TESTS_E2E_SUPPORT_H_
