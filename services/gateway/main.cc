// gateway: HTTP/JSON in front of the four services, on the routes their
// `google.api.http` annotations declare.
#include <google/protobuf/descriptor.h>
#include <signal.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/config.h"
#include "common/log.h"
#include "common/server.h"
#include "services/gateway/contracts.h"
#include "services/gateway/gateway.h"
#include "services/gateway/openapi.h"

ABSL_FLAG(std::string, listen, "",
          "host:port (env MOBILITY_GATEWAY_LISTEN, default 127.0.0.1:8080)");
ABSL_FLAG(std::string, agreements_address, "",
          "env MOBILITY_AGREEMENTS_ADDRESS, default 127.0.0.1:50051");
ABSL_FLAG(std::string, applications_address, "",
          "env MOBILITY_APPLICATIONS_ADDRESS, default 127.0.0.1:50052");
ABSL_FLAG(std::string, grants_address, "",
          "env MOBILITY_GRANTS_ADDRESS, default 127.0.0.1:50053");
ABSL_FLAG(std::string, inquiries_address, "",
          "env MOBILITY_INQUIRIES_ADDRESS, default 127.0.0.1:50054");
ABSL_FLAG(std::string, service_token_file, "",
          "the gateway's own service token, which vouches for client "
          "addresses (env MOBILITY_SERVICE_TOKEN_FILE)");
ABSL_FLAG(std::string, max_body_bytes, "",
          "largest request body (env MOBILITY_MAX_BODY_BYTES, default 12 MiB)");
ABSL_FLAG(std::string, call_deadline_seconds, "",
          "deadline of each call to a service (env "
          "MOBILITY_CALL_DEADLINE_SECONDS, default 30)");
ABSL_FLAG(std::string, max_in_flight, "",
          "calls in flight before 503 (env MOBILITY_MAX_IN_FLIGHT, default "
          "1024)");
ABSL_FLAG(std::string, trusted_proxies, "",
          "comma-separated proxy addresses whose X-Forwarded-For is believed "
          "(env MOBILITY_TRUSTED_PROXIES)");
ABSL_FLAG(std::string, cors_origins, "",
          "comma-separated origins allowed by CORS, or * (env "
          "MOBILITY_CORS_ORIGINS)");
ABSL_FLAG(std::string, static_dir, "",
          "folder of the web pages and /docs the gateway serves (env "
          "MOBILITY_STATIC_DIR; none: only the API)");
ABSL_FLAG(std::string, dev_signing_key_file, "",
          "development private key: POST /dev/token hands out staff tokens "
          "signed with it, for the demo (env MOBILITY_DEV_SIGNING_KEY_FILE; "
          "none: off, as in production)");
ABSL_FLAG(std::string, threads, "",
          "threads turning the services' answers into HTTP answers, beside "
          "the one reading requests (env MOBILITY_GATEWAY_THREADS, default 2)");

namespace {

using mobility::FlagOrEnv;

int PositiveSetting(const std::string& value, const char* name) {
  int n = 0;
  if (!absl::SimpleAtoi(value, &n) || n < 1)
    mobility::ExitBadConfig(
        absl::StrCat("--", name, " must be a positive number"));
  return n;
}

std::set<std::string> ListSetting(const std::string& value) {
  std::set<std::string> out;
  for (absl::string_view item :
       absl::StrSplit(value, ',', absl::SkipWhitespace())) {
    out.insert(std::string(absl::StripAsciiWhitespace(item)));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace mobility;
  StartServerProcess("gateway");
  absl::SetProgramUsageMessage("the HTTP/JSON gateway of Mobility Office");
  absl::ParseCommandLine(argc, argv);
  gateway::GatewayOptions options;
  options.listen_address = FlagOrEnv(
      absl::GetFlag(FLAGS_listen), "MOBILITY_GATEWAY_LISTEN", "127.0.0.1:8080");
  options.backends = {
      {"mobility.agreements.v1.AgreementsService",
       FlagOrEnv(absl::GetFlag(FLAGS_agreements_address),
                 "MOBILITY_AGREEMENTS_ADDRESS", "127.0.0.1:50051")},
      {"mobility.applications.v1.ApplicationsService",
       FlagOrEnv(absl::GetFlag(FLAGS_applications_address),
                 "MOBILITY_APPLICATIONS_ADDRESS", "127.0.0.1:50052")},
      {"mobility.grants.v1.GrantsService",
       FlagOrEnv(absl::GetFlag(FLAGS_grants_address), "MOBILITY_GRANTS_ADDRESS",
                 "127.0.0.1:50053")},
      {"mobility.inquiries.v1.InquiriesService",
       FlagOrEnv(absl::GetFlag(FLAGS_inquiries_address),
                 "MOBILITY_INQUIRIES_ADDRESS", "127.0.0.1:50054")},
  };
  options.service_token_file = FlagOrEnv(
      absl::GetFlag(FLAGS_service_token_file), "MOBILITY_SERVICE_TOKEN_FILE");
  options.max_body_bytes = static_cast<size_t>(PositiveSetting(
      FlagOrEnv(absl::GetFlag(FLAGS_max_body_bytes), "MOBILITY_MAX_BODY_BYTES",
                std::to_string(12 * 1024 * 1024)),
      "max_body_bytes"));
  options.call_deadline = absl::Seconds(
      PositiveSetting(FlagOrEnv(absl::GetFlag(FLAGS_call_deadline_seconds),
                                "MOBILITY_CALL_DEADLINE_SECONDS", "30"),
                      "call_deadline_seconds"));
  options.max_in_flight =
      PositiveSetting(FlagOrEnv(absl::GetFlag(FLAGS_max_in_flight),
                                "MOBILITY_MAX_IN_FLIGHT", "1024"),
                      "max_in_flight");
  options.threads = PositiveSetting(
      FlagOrEnv(absl::GetFlag(FLAGS_threads), "MOBILITY_GATEWAY_THREADS", "2"),
      "threads");
  options.trusted_proxies = ListSetting(FlagOrEnv(
      absl::GetFlag(FLAGS_trusted_proxies), "MOBILITY_TRUSTED_PROXIES"));
  options.cors_origins = ListSetting(
      FlagOrEnv(absl::GetFlag(FLAGS_cors_origins), "MOBILITY_CORS_ORIGINS"));

  auto router = gateway::Router::FromServices(
      *google::protobuf::DescriptorPool::generated_pool(),
      gateway::ServedServices());
  if (!router.ok())
    mobility::ExitBadConfig(std::string(router.status().message()));
  auto openapi = gateway::OpenApiDocument(*router);
  if (!openapi.ok())
    mobility::ExitBadConfig(std::string(openapi.status().message()));
  options.openapi_json = *std::move(openapi);
  options.static_dir =
      FlagOrEnv(absl::GetFlag(FLAGS_static_dir), "MOBILITY_STATIC_DIR");
  options.dev_signing_key_file =
      FlagOrEnv(absl::GetFlag(FLAGS_dev_signing_key_file),
                "MOBILITY_DEV_SIGNING_KEY_FILE");
  const size_t routes = router->routes().size();
  gateway::Gateway server(std::move(options), *std::move(router));
  if (auto s = server.Start(); !s.ok()) {
    Log(LogLevel::kError, "listen_failed",
        {{"message", std::string(s.message())}});
    return 1;
  }
  Log(LogLevel::kInfo, "listening",
      {{"port", std::to_string(server.port())},
       {"routes", std::to_string(routes)}});
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int received = 0;
  sigwait(&signals, &received);
  Log(LogLevel::kInfo, "shutdown", {{"signal", std::to_string(received)}});
  server.Stop();
  Log(LogLevel::kInfo, "stopped", {});
  return 0;
}
