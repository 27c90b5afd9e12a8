// gateway: HTTP/JSON in front of the services, on the routes their
// `google.api.http` annotations declare.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <signal.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/config.h"
#include "common/log.h"
#include "common/metrics_http.h"
#include "common/oidc.h"
#include "common/server.h"
#include "services/gateway/contracts.h"
#include "services/gateway/gateway.h"
#include "services/gateway/openapi.h"

MOBILITY_FLAG(std::string, listen, "127.0.0.1:8080", "MOBILITY_GATEWAY_LISTEN",
              "host:port to serve HTTP on");
MOBILITY_FLAG(std::string, metrics_listen, "127.0.0.1:9180",
              "MOBILITY_GATEWAY_METRICS_LISTEN",
              "host:port to serve Prometheus metrics on (GET /metrics)");
MOBILITY_FLAG(std::string, agreements_address, "127.0.0.1:50051",
              "MOBILITY_AGREEMENTS_ADDRESS", "agreements service host:port");
MOBILITY_FLAG(std::string, applications_address, "127.0.0.1:50052",
              "MOBILITY_APPLICATIONS_ADDRESS",
              "applications service host:port");
MOBILITY_FLAG(std::string, grants_address, "127.0.0.1:50053",
              "MOBILITY_GRANTS_ADDRESS", "grants service host:port");
MOBILITY_FLAG(std::string, inquiries_address, "127.0.0.1:50054",
              "MOBILITY_INQUIRIES_ADDRESS", "inquiries service host:port");
MOBILITY_FLAG(std::string, ewp_address, "127.0.0.1:50055",
              "MOBILITY_EWP_ADDRESS", "EWP service host:port");
MOBILITY_FLAG(std::string, service_token_file, "",
              "MOBILITY_SERVICE_TOKEN_FILE",
              "the gateway's own service token, which vouches for client "
              "addresses");
MOBILITY_FLAG(int, max_body_bytes, 12 * 1024 * 1024, "MOBILITY_MAX_BODY_BYTES",
              "largest request body");
MOBILITY_FLAG(int, call_deadline_seconds, 30, "MOBILITY_CALL_DEADLINE_SECONDS",
              "deadline of each call to a service");
MOBILITY_FLAG(int, max_in_flight, 1024, "MOBILITY_MAX_IN_FLIGHT",
              "calls in flight before 503");
MOBILITY_FLAG(std::vector<std::string>, trusted_proxies, {},
              "MOBILITY_TRUSTED_PROXIES",
              "comma-separated proxy addresses whose X-Forwarded-For is "
              "believed");
MOBILITY_FLAG(std::vector<std::string>, cors_origins, {},
              "MOBILITY_CORS_ORIGINS",
              "comma-separated origins allowed by CORS, or *");
MOBILITY_FLAG(std::string, static_dir, "", "MOBILITY_STATIC_DIR",
              "folder of the web pages and /docs the gateway serves; none: "
              "only the API");
// The same variables as the services' --oidc_* (common/service_main.cc), so
// that the pages and the services read one configuration.
MOBILITY_FLAG(std::string, oidc_issuer, "", "MOBILITY_OIDC_ISSUER",
              "the university's identity provider (OpenID Connect) the office "
              "pages sign staff in at; none: the pages offer no such sign-in");
MOBILITY_FLAG(std::string, oidc_client_id, "", "MOBILITY_OIDC_CLIENT_ID",
              "the pages' client id at the provider (a public client with "
              "PKCE)");
MOBILITY_FLAG(std::string, oidc_roles_claim, "roles",
              "MOBILITY_OIDC_ROLES_CLAIM",
              "claim holding the roles, as the services read it");
MOBILITY_FLAG(std::string, oidc_role_names, "", "MOBILITY_OIDC_ROLE_NAMES",
              "the provider's role names for ours, theirs=ours,...");
MOBILITY_FLAG(std::string, dev_signing_key_file, "",
              "MOBILITY_DEV_SIGNING_KEY_FILE",
              "development private key: POST /dev/token hands out staff "
              "tokens signed with it, for the demo; none: off, as in "
              "production");
MOBILITY_FLAG(int, threads, 2, "MOBILITY_GATEWAY_THREADS",
              "threads turning the services' answers into HTTP answers, "
              "beside the one reading requests");

namespace {

int PositiveSetting(const absl::Flag<int>& flag, const char* name) {
  const int n = absl::GetFlag(flag);
  if (n < 1)
    mobility::ExitBadConfig(
        absl::StrCat("--", name, " must be a positive number"));
  return n;
}

std::set<std::string> ListSetting(const std::vector<std::string>& items) {
  std::set<std::string> out;
  for (const std::string& item : items) {
    absl::string_view trimmed = absl::StripAsciiWhitespace(item);
    if (!trimmed.empty()) out.emplace(trimmed);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace mobility;
  StartServerProcess("gateway");
  ParseFlags(argc, argv, "the HTTP/JSON gateway of Mobility Office");
  gateway::GatewayOptions options;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.backends = {
      {"mobility.agreements.v1.AgreementsService",
       absl::GetFlag(FLAGS_agreements_address)},
      {"mobility.applications.v1.ApplicationsService",
       absl::GetFlag(FLAGS_applications_address)},
      {"mobility.grants.v1.GrantsService", absl::GetFlag(FLAGS_grants_address)},
      {"mobility.inquiries.v1.InquiriesService",
       absl::GetFlag(FLAGS_inquiries_address)},
      {"mobility.ewp.v1.EwpService", absl::GetFlag(FLAGS_ewp_address)},
  };
  options.service_token_file = absl::GetFlag(FLAGS_service_token_file);
  options.max_body_bytes = static_cast<size_t>(
      PositiveSetting(FLAGS_max_body_bytes, "max_body_bytes"));
  options.call_deadline = absl::Seconds(
      PositiveSetting(FLAGS_call_deadline_seconds, "call_deadline_seconds"));
  options.max_in_flight = PositiveSetting(FLAGS_max_in_flight, "max_in_flight");
  options.threads = PositiveSetting(FLAGS_threads, "threads");
  options.trusted_proxies = ListSetting(absl::GetFlag(FLAGS_trusted_proxies));
  options.cors_origins = ListSetting(absl::GetFlag(FLAGS_cors_origins));

  auto router = gateway::Router::FromServices(
      *google::protobuf::DescriptorPool::generated_pool(),
      gateway::ServedServices());
  if (!router.ok())
    mobility::ExitBadConfig(std::string(router.status().message()));
  auto openapi = gateway::OpenApiDocument(*router);
  if (!openapi.ok())
    mobility::ExitBadConfig(std::string(openapi.status().message()));
  options.openapi_json = *std::move(openapi);
  options.static_dir = absl::GetFlag(FLAGS_static_dir);
  options.dev_signing_key_file = absl::GetFlag(FLAGS_dev_signing_key_file);
  if (!absl::GetFlag(FLAGS_oidc_issuer).empty()) {
    if (absl::GetFlag(FLAGS_oidc_client_id).empty())
      mobility::ExitBadConfig(
          "--oidc_client_id is required with --oidc_issuer");
    google::protobuf::Struct provider;
    auto& fields = *provider.mutable_fields();
    fields["issuer"].set_string_value(absl::GetFlag(FLAGS_oidc_issuer));
    fields["clientId"].set_string_value(absl::GetFlag(FLAGS_oidc_client_id));
    fields["rolesClaim"].set_string_value(
        absl::GetFlag(FLAGS_oidc_roles_claim));
    auto role_names =
        mobility::ParseRoleNames(absl::GetFlag(FLAGS_oidc_role_names));
    if (!role_names.ok())
      mobility::ExitBadConfig(std::string(role_names.status().message()));
    auto& names = *fields["roleNames"].mutable_struct_value()->mutable_fields();
    for (const auto& [theirs, ours] : *role_names)
      names[theirs].set_string_value(ours);
    google::protobuf::util::MessageToJsonString(
        provider, &options.identity_provider_json);
    // scheme://host[:port], the issuer's path left out.
    const std::string issuer = absl::GetFlag(FLAGS_oidc_issuer);
    const size_t authority = issuer.find("://");
    if (authority == std::string::npos)
      mobility::ExitBadConfig("--oidc_issuer must be a URL");
    options.identity_provider_origin =
        issuer.substr(0, issuer.find('/', authority + 3));
  }
  const size_t routes = router->routes().size();
  gateway::Gateway server(std::move(options), *std::move(router));
  if (auto s = server.Start(); !s.ok()) {
    Log(LogLevel::kError, "listen_failed",
        {{"message", std::string(s.message())}});
    return 1;
  }
  metrics::Default().AddGauge(
      "mobility_http_in_flight", "Calls to the services under way.", {},
      [&server]() -> absl::StatusOr<std::vector<metrics::Sample>> {
        return std::vector<metrics::Sample>{{{}, 1.0 * server.in_flight()}};
      });
  auto metrics_server =
      metrics::MetricsServer::Start(absl::GetFlag(FLAGS_metrics_listen),
                                    "--metrics_listen", &metrics::Default());
  if (!metrics_server.ok()) {
    Log(LogLevel::kError, "metrics_listen_failed",
        {{"message", std::string(metrics_server.status().message())}});
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
