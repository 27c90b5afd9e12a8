#include "tests/e2e_support.h"

#include <curl/curl.h>
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

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/client.h"
#include "common/grpc_status.h"
#include "common/status.h"
#include "common/test_support.h"
#include "google/api/annotations.pb.h"
#include "services/ewp/manifest.h"

extern char** environ;

namespace mobility::e2e {

int FreePort() {
  // The socket stays bound, never listening, for the life of the test: the
  // kernel then hands the port to no other test's bind(0), so two tests run
  // side by side cannot pick the same one. SO_REUSEADDR lets the server we
  // spawn (gRPC and aiosmtpd set it too) bind the port all the same.
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t length = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  return ntohs(addr.sin_port);
}

pid_t Spawn(const std::vector<std::string>& given,
            const std::string& log_file) {
  std::vector<std::string> args = given;
  // A server's metrics port is a free one unless the test names it, so that
  // tests side by side never contend for the fixed defaults.
  const bool server =
      absl::EndsWith(args[0], "_server") || absl::EndsWith(args[0], "/gateway");
  if (server && std::none_of(args.begin(), args.end(), [](const auto& a) {
        return absl::StartsWith(a, "--metrics_listen");
      })) {
    args.push_back("--metrics_listen=127.0.0.1:0");
  }
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_file.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0600);
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

std::string LogOnceItHolds(const std::string& path,
                           absl::string_view line_part) {
  std::string log;
  testing::Eventually(absl::Seconds(10), [&] {
    log = ReadFile(path);
    return absl::StrContains(log, line_part);
  });
  return log;
}

// The standard grpc.health.v1 check, encoded by hand: the request is empty
// and the response is field 1 (status) as a varint, SERVING = 1.
absl::Status CallRaw(grpc::GenericStub& stub, const std::string& method,
                     const std::string& request, const std::string& token,
                     absl::Duration timeout) {
  std::vector<std::pair<std::string, std::string>> metadata;
  if (!token.empty()) metadata.emplace_back("authorization", "Bearer " + token);
  return CallRaw(stub, method, request, metadata, timeout);
}

absl::Status CallRaw(
    grpc::GenericStub& stub, const std::string& method,
    const std::string& request,
    const std::vector<std::pair<std::string, std::string>>& metadata,
    absl::Duration timeout) {
  grpc::ClientContext context;
  if (timeout != absl::InfiniteDuration())
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  for (const auto& [key, value] : metadata) context.AddMetadata(key, value);
  // One slice even for the empty message: gRPC refuses a buffer of none.
  grpc::Slice slice(request);
  grpc::ByteBuffer bytes(&slice, 1), response;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &bytes, &response,
                 [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  return FromGrpcStatus(status);
}

int WaitingQueries(const std::string& url) {
  pqxx::connection c(url);
  pqxx::nontransaction txn(c);
  return txn
      .exec1(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = "
          "current_database() AND wait_event_type = 'Lock'")[0]
      .as<int>();
}

bool NoQueryWaitsWithin(const std::string& url, absl::Duration d) {
  for (const absl::Time end = absl::Now() + d; absl::Now() < end;) {
    if (WaitingQueries(url) == 0) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

int HealthStatus(const std::string& address) {
  // A channel of its own: NewChannel's leaves out a replica that is not
  // SERVING, and this asks it.
  grpc::GenericStub stub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
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
  std::ofstream(dir + "/applicant-public.pem")
      << testing::ApplicantIssuerKeys().public_pem;
  std::ofstream(dir + "/applicant-private.pem")
      << testing::ApplicantIssuerKeys().private_pem;
  std::ofstream(dir + "/internal-public.pem")
      << testing::InternalIssuerKeys().public_pem;
  std::ofstream(dir + "/internal-private.pem")
      << testing::InternalIssuerKeys().private_pem;
  std::ofstream(dir + "/ewp-public.pem") << testing::EwpIssuerKeys().public_pem;
  std::ofstream(dir + "/ewp-client.pem")
      << testing::EwpClientKeys().private_pem;
  std::ofstream(dir + "/ewp-server.pem")
      << testing::EwpServerKeys().private_pem;
  std::ofstream(dir + "/ewp-private.pem")
      << testing::EwpIssuerKeys().private_pem;
  return dir;
}

std::string PartnerRole(const std::string& institution) {
  return absl::StrCat(institution == "institutions/kokshetau-amu"
                          ? "coordinator"
                          : "partner_system",
                      " --institution ", institution);
}

std::pair<int, std::string> Mobilityctl(const std::string& workspace,
                                        const std::string& env,
                                        const std::string& args,
                                        const std::string& role) {
  const std::string vars = absl::StrCat(
      env, " MOBILITY_JWT_PRIVATE_KEY_FILE=", workspace, "/private.pem ");
  // Staff act for an institution: the home one unless the role names another.
  const bool staff = role != "applicant" && !absl::StrContains(role, "--");
  auto [code, token] = RunCommand(absl::StrCat(
      vars, MOBILITYCTL, " token --role ", role,
      staff ? absl::StrCat(" --institution ", testing::kHomeInstitution) : "",
      " --subject e2e 2>/dev/null | tail -n 1"));
  EXPECT_EQ(code, 0);
  token.erase(token.find_last_not_of('\n') + 1);
  return RunCommand(absl::StrCat(vars, "MOBILITY_TOKEN=", token, " ",
                                 MOBILITYCTL, " ", args, " 2>&1"));
}

namespace {

size_t CollectBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}
size_t CollectHeader(char* data, size_t size, size_t n, void* out) {
  std::string line(data, size * n);
  const size_t colon = line.find(':');
  if (colon != std::string::npos) {
    (*static_cast<std::map<std::string, std::string>*>(
        out))[absl::AsciiStrToLower(line.substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  }
  return size * n;
}

}  // namespace

HttpClient::HttpClient() : curl_(curl_easy_init()) {}
HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

HttpReply HttpClient::Call(const std::string& method, const std::string& url,
                           const std::string& body,
                           const std::vector<std::string>& headers) {
  HttpReply reply;
  CURL* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
  if (!body.empty() || method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE,
                     static_cast<long>(body.size()));
  }
  // JSON unless the caller says otherwise.
  const bool typed =
      std::any_of(headers.begin(), headers.end(), [](const std::string& h) {
        return absl::StartsWithIgnoreCase(h, "content-type:");
      });
  curl_slist* list =
      typed ? nullptr
            : curl_slist_append(nullptr, "Content-Type: application/json");
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, CollectHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
  if (curl_easy_perform(curl) == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
    curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &reply.new_connections);
  }
  curl_slist_free_all(list);
  return reply;
}

HttpReply Http(const std::string& method, const std::string& url,
               const std::string& body,
               const std::vector<std::string>& headers) {
  HttpClient client;
  return client.Call(method, url, body, headers);
}

std::string JsonField(const std::string& json, const std::string& key) {
  const std::string marker = absl::StrCat("\"", key, "\":\"");
  const size_t at = json.find(marker);
  if (at == std::string::npos) return "";
  const size_t start = at + marker.size();
  return json.substr(start, json.find('"', start) - start);
}

// A maildir of its own, never one an earlier test left under the same port.
SmtpSink::SmtpSink() : port_(FreePort()) {
  std::string pattern = absl::StrCat(::testing::TempDir(), "/maildir-XXXXXX");
  EXPECT_NE(mkdtemp(pattern.data()), nullptr);
  dir_ = pattern + "/mail";
}

SmtpSink::~SmtpSink() {
  Stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_.substr(0, dir_.rfind('/')), ignored);
}

void SmtpSink::Start() {
  pid_ = Spawn({"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l",
                absl::StrCat("127.0.0.1:", port_), "-c",
                "aiosmtpd.handlers.Mailbox", dir_},
               absl::StrCat(dir_, ".log"));
  for (int i = 0; i < 100; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool up =
        connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    close(fd);
    if (up) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "the SMTP sink did not start: "
                << ReadFile(absl::StrCat(dir_, ".log"));
}

void SmtpSink::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
  pid_ = 0;
}

std::string SmtpSink::url() const {
  return absl::StrCat("smtp://127.0.0.1:", port_);
}

std::vector<std::string> SmtpSink::Mails(size_t at_least) const {
  const std::string new_dir = absl::StrCat(dir_, "/new");
  const auto filed = [&] {
    return std::filesystem::exists(new_dir)
               ? static_cast<size_t>(
                     std::distance(std::filesystem::directory_iterator(new_dir),
                                   std::filesystem::directory_iterator()))
               : size_t{0};
  };
  // Up to 30 s: under ThreadSanitizer beside other tests the sink files late.
  for (int i = 0; i < 300 && filed() < at_least; ++i)
    absl::SleepFor(absl::Milliseconds(100));
  std::vector<std::string> out;
  if (!std::filesystem::exists(new_dir)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(new_dir)) {
    const std::string mail = ReadFile(entry.path().string());
    const size_t split = mail.find("\n\n");
    std::string body;
    absl::Base64Unescape(
        absl::StrJoin(absl::StrSplit(mail.substr(split + 2), '\n'), ""), &body);
    out.push_back(absl::StrCat(mail.substr(0, split), "\n\n", body));
  }
  return out;
}

Stack::Stack(std::string database_url, std::string dir)
    : database_url_(std::move(database_url)), dir_(std::move(dir)) {
  for (const char* s :
       {"agreements", "applications", "grants", "inquiries", "ewp"})
    address_[s] = absl::StrCat("127.0.0.1:", FreePort());
  ewp_http_ = absl::StrCat("127.0.0.1:", FreePort());
  ewp_.client_key_file = dir_ + "/ewp-client.pem";
  ewp_.server_key_file = dir_ + "/ewp-server.pem";
  gateway_ = absl::StrCat("127.0.0.1:", FreePort());
  for (const char* s :
       {"agreements", "applications", "grants", "inquiries", "ewp", "gateway"})
    metrics_address_[s] = absl::StrCat("127.0.0.1:", FreePort());
}

std::vector<std::string> Stack::Replicas(const std::string& service) const {
  std::vector<std::string> names = {service};
  for (int i = 2; i <= replicas_; ++i)
    names.push_back(absl::StrCat(service, "-", i));
  return names;
}

void Stack::set_replicas(int n) {
  replicas_ = n;
  for (const char* s :
       {"agreements", "applications", "grants", "inquiries", "ewp"}) {
    std::vector<std::string> addresses;
    for (const std::string& name : Replicas(s)) {
      if (address_.count(name) == 0) {
        address_[name] = absl::StrCat("127.0.0.1:", FreePort());
        metrics_address_[name] = absl::StrCat("127.0.0.1:", FreePort());
      }
      addresses.push_back(address_[name]);
    }
    target_[s] = absl::StrCat("ipv4:", absl::StrJoin(addresses, ","));
  }
}

Stack::~Stack() {
  for (const auto& [name, pid] : pids_) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
}

std::string Stack::EwpManifest() const {
  ewp::ManifestSettings settings;
  settings.public_url = ewp_url();
  settings.hei_id = ewp_.hei;
  settings.hei_name = ewp_.name;
  settings.admin_email = "ewp-admin@" + ewp_.hei;
  auto client = ewp::RsaPrivateKey::FromPem(ReadFile(ewp_.client_key_file));
  auto server = ewp::RsaPrivateKey::FromPem(ReadFile(ewp_.server_key_file));
  if (!client.ok() || !server.ok()) return "";
  return ewp::Manifest(settings, client->public_key(), server->public_key());
}

::testing::AssertionResult Stack::LoadDemo() {
  const std::string ctl = MOBILITYCTL;
  const std::string env =
      absl::StrCat("PATH=", ctl.substr(0, ctl.rfind('/')),
                   ":$PATH MOBILITY_JWT_PRIVATE_KEY_FILE=", dir_,
                   "/private.pem", " MOBILITY_TOKEN=",
                   testing::TokenFor("demo-coordinator", {Role::kCoordinator}),
                   " MOBILITY_AGREEMENTS_ADDRESS=", address("agreements"),
                   " MOBILITY_APPLICATIONS_ADDRESS=", address("applications"),
                   " MOBILITY_GRANTS_ADDRESS=", address("grants"),
                   " MOBILITY_INQUIRIES_ADDRESS=", address("inquiries"));
  auto [code, output] = RunCommand(
      absl::StrCat(env, " ", PROJECT_SOURCE_DIR, "/deploy/demo/load.sh 2>&1"));
  if (code != 0) return ::testing::AssertionFailure() << output;
  return ::testing::AssertionSuccess();
}

int Stack::Terminate(const std::string& name) {
  const pid_t pid = pids_.at(name);
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  pids_.erase(name);
  return status;
}

void Stack::Kill(const std::string& name) {
  const pid_t pid = pids_.at(name);
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  pids_.erase(name);
}

int Stack::AwaitExit(const std::string& name, absl::Duration timeout) {
  const pid_t pid = pids_.at(name);
  int status = 0;
  const absl::Time deadline = absl::Now() + timeout;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (absl::Now() > deadline) {
      Kill(name);
      return -1;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  pids_.erase(name);
  return status;
}

void Stack::Signal(const std::string& name, int signal) {
  kill(pids_.at(name), signal);
}

::testing::AssertionResult Stack::Restart(
    const std::string& name, const std::vector<std::string>& extra_args) {
  std::vector<std::string> args = args_.at(name);
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pids_[name] = e2e::Spawn(args, absl::StrCat(dir_, "/", name, ".log"));
  if (WaitUntilServing(address_.at(name))) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << name << " did not start again";
}

void Stack::Spawn(const char* binary, const std::string& name,
                  std::vector<std::string> args) {
  args.insert(args.begin(), binary);
  args.push_back("--metrics_listen=" + metrics_address_.at(name));
  if (name != "gateway")
    args.insert(args.end(), service_args_.begin(), service_args_.end());
  args_[name] = args;
  pids_[name] = e2e::Spawn(args, absl::StrCat(dir_, "/", name, ".log"));
}

::testing::AssertionResult Stack::Start(
    const std::vector<std::string>& gateway_args, const std::string& smtp_url) {
  const std::string key = "--jwt_public_key_file=" + dir_ + "/public.pem";
  // Each service's flags name the three keys it trusts: the identity
  // provider's, the applicants' sign-in's and our services' internal one.
  const std::string applicant_key =
      "--applicant_jwt_public_key_file=" + dir_ + "/applicant-public.pem";
  const std::string internal_key =
      "--internal_jwt_public_key_file=" + dir_ + "/internal-public.pem";
  const std::string smtp = "--smtp_url=" + smtp_url;
  const std::string db = "--database_url=" + database_url_;
  // A replica told to stop answers NOT_SERVING for a second before it stops
  // taking calls: long enough for callers watching its health to move.
  const std::string drain = "--drain_seconds=1";
  for (const char* s : {"applications", "grants", "gateway"}) {
    std::ofstream(absl::StrCat(dir_, "/", s, ".token"))
        << testing::TokenFor(s, {Role::kService});
  }
  auto token_file = [&](const char* s) {
    return absl::StrCat("--service_token_file=", dir_, "/", s, ".token");
  };
  const std::string agreements =
      "--agreements_address=" + address("agreements");
  if (ewp_.catalogue_file.empty()) {
    ewp_.catalogue_file = dir_ + "/catalogue.xml";
    std::ofstream(ewp_.catalogue_file)
        << ewp::CatalogueOf({EwpManifest()}).value_or("");
  }
  for (int r = 0; r < replicas_; ++r) {
    auto listen = [&](const char* service) {
      return "--listen=" + address_.at(Replicas(service)[r]);
    };
    // Agreements also trusts the EWP service's partner-system tokens.
    Spawn(AGREEMENTS_SERVER, Replicas("agreements")[r],
          {listen("agreements"), db, drain, key, applicant_key, internal_key,
           "--ewp_jwt_public_key_file=" + dir_ + "/ewp-public.pem"});
    Spawn(GRANTS_SERVER, Replicas("grants")[r],
          {listen("grants"), db, drain, key, applicant_key, internal_key,
           agreements, token_file("grants")});
    Spawn(APPLICATIONS_SERVER, Replicas("applications")[r],
          {listen("applications"), db, drain, key, applicant_key, internal_key,
           "--applicant_signing_key_file=" + dir_ + "/applicant-private.pem",
           agreements, "--grants_address=" + address("grants"),
           token_file("applications"), smtp});
    Spawn(
        INQUIRIES_SERVER, Replicas("inquiries")[r],
        {listen("inquiries"), db, drain, key, applicant_key, internal_key, smtp,
         absl::StrCat("--institution=", mobility::testing::kHomeInstitution)});
    // The partners reach the first replica's EWP endpoints; the others
    // serve theirs on ports of their own.
    std::vector<std::string> ewp_args = {
        listen("ewp"),
        db,
        drain,
        key,
        internal_key,
        "--http_listen=" +
            (r == 0 ? ewp_http_ : absl::StrCat("127.0.0.1:", FreePort())),
        "--public_url=" + ewp_url(),
        "--hei_id=" + ewp_.hei,
        "--hei_name=" + ewp_.name,
        "--admin_email=ewp-admin@" + ewp_.hei,
        "--client_key_file=" + ewp_.client_key_file,
        "--server_key_file=" + ewp_.server_key_file,
        "--token_key_file=" + dir_ + "/ewp-private.pem",
        "--registry=" + ewp_.catalogue_file,
        agreements,
        "--allow_plain_http"};
    ewp_args.insert(ewp_args.end(), ewp_.extra_args.begin(),
                    ewp_.extra_args.end());
    Spawn(EWP_SERVER, Replicas("ewp")[r], ewp_args);
  }
  for (const auto& [name, address] : address_) {
    if (!WaitUntilServing(address)) {
      return ::testing::AssertionFailure()
             << name << " did not start: "
             << ReadFile(absl::StrCat(dir_, "/", name, ".log"));
    }
  }
  std::vector<std::string> gateway = {"--listen=" + gateway_,
                                      token_file("gateway")};
  for (const char* service :
       {"agreements", "applications", "grants", "inquiries", "ewp"})
    gateway.push_back(
        absl::StrCat("--", service, "_address=", address(service)));
  gateway.insert(gateway.end(), gateway_args.begin(), gateway_args.end());
  Spawn(GATEWAY, "gateway", gateway);
  HttpClient client;
  for (int i = 0; i < 100; ++i) {
    if (client.Call("GET", absl::StrCat("http://", gateway_, "/readyz"))
            .status == 200) {
      return ::testing::AssertionSuccess();
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  return ::testing::AssertionFailure()
         << "the gateway is not ready: " << ReadFile(dir_ + "/gateway.log");
}

std::map<std::string, AccessRow> AccessTable() {
  std::ifstream in(PROJECT_SOURCE_DIR "/tests/access_table.tsv");
  std::map<std::string, AccessRow> table;
  std::vector<std::string> columns;
  for (std::string line; std::getline(in, line);) {
    if (absl::StartsWith(line, "# rpc\t")) {
      columns = absl::StrSplit(line.substr(2), '\t');
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cells = absl::StrSplit(line, '\t');
    EXPECT_EQ(cells.size(), columns.size()) << line;
    AccessRow& row = table[cells[0]];
    for (size_t i = 1; i < cells.size() && i < columns.size(); ++i)
      row[columns[i]] = cells[i];
  }
  EXPECT_FALSE(table.empty()) << "tests/access_table.tsv has no rows";
  return table;
}

std::pair<std::string, std::string> HttpRoute(
    const google::protobuf::MethodDescriptor* method) {
  const google::api::HttpRule& rule =
      method->options().GetExtension(google::api::http);
  if (!rule.get().empty()) return {"GET", rule.get()};
  if (!rule.post().empty()) return {"POST", rule.post()};
  if (!rule.patch().empty()) return {"PATCH", rule.patch()};
  if (!rule.delete_().empty()) return {"DELETE", rule.delete_()};
  if (!rule.put().empty()) return {"PUT", rule.put()};
  return {"", ""};
}

}  // namespace mobility::e2e
