// ewp_server: Mobility Office on the Erasmus Without Paper network. Serves
// mobility.ewp.v1.EwpService to our office over gRPC and the EWP endpoints to
// partners' systems over HTTP (services/ewp/grpc_service.h).
#include "absl/strings/str_cat.h"
#include "common/config.h"
#include "common/service_main.h"
#include "services/ewp/grpc_service.h"

MOBILITY_FLAG(std::string, http_listen, "127.0.0.1:8090",
              "MOBILITY_EWP_HTTP_LISTEN",
              "host:port to serve the EWP endpoints on, behind the TLS proxy");
MOBILITY_FLAG(std::string, public_url, "", "MOBILITY_EWP_PUBLIC_URL",
              "where partners reach us, as the TLS proxy serves it: "
              "https://ewp.example.edu");
MOBILITY_FLAG(std::string, hei_id, "", "MOBILITY_EWP_HEI_ID",
              "our institution's SCHAC id, as our institution record has it");
MOBILITY_FLAG(std::string, hei_name, "", "MOBILITY_EWP_HEI_NAME",
              "our institution's name in English, for the manifest");
MOBILITY_FLAG(std::string, admin_email, "", "MOBILITY_EWP_ADMIN_EMAIL",
              "who the registry writes to about this host");
MOBILITY_FLAG(std::string, client_key_file, "", "MOBILITY_EWP_CLIENT_KEY_FILE",
              "PEM private key our requests to partners are signed with");
MOBILITY_FLAG(std::string, server_key_file, "", "MOBILITY_EWP_SERVER_KEY_FILE",
              "PEM private key our answers are signed with");
MOBILITY_FLAG(std::string, token_key_file, "", "MOBILITY_EWP_TOKEN_KEY_FILE",
              "PEM private key of the partner-system tokens this service "
              "gives verified partners (the services trust its public half "
              "through --ewp_jwt_public_key_file)");
MOBILITY_FLAG(std::string, registry, "", "MOBILITY_EWP_REGISTRY",
              "the registry catalogue: a file, or the registry's https URL");
MOBILITY_FLAG(int, registry_refresh_minutes, 15,
              "MOBILITY_EWP_REGISTRY_REFRESH_MINUTES",
              "how often the catalogue is read again (1 to 180)");
MOBILITY_FLAG(std::string, agreements_address, "127.0.0.1:50051",
              "MOBILITY_AGREEMENTS_ADDRESS", "agreements service host:port");
MOBILITY_FLAG(bool, allow_plain_http, false, "MOBILITY_EWP_ALLOW_PLAIN_HTTP",
              "reach partners over http:// too: only for instances on one "
              "machine without a TLS proxy");
MOBILITY_FLAG(std::string, schemas_dir, EWP_SPECS, "MOBILITY_EWP_SCHEMAS_DIR",
              "the EWP schemas partners' documents are checked against "
              "(services/ewp/specs)");
MOBILITY_FLAG(int, partner_timeout_seconds, 20,
              "MOBILITY_EWP_PARTNER_TIMEOUT_SECONDS",
              "how long a partner's endpoint may take to answer");
MOBILITY_FLAG(int, http_threads, 4, "MOBILITY_EWP_HTTP_THREADS",
              "threads answering requests");

namespace mobility {
std::vector<Migration> EwpMigrations();
}  // namespace mobility

namespace {

std::string Required(const absl::Flag<std::string>& flag, const char* name) {
  std::string value = absl::GetFlag(flag);
  if (value.empty())
    mobility::ExitBadConfig(absl::StrCat("--", name, " is required"));
  return value;
}

std::string PemFrom(const absl::Flag<std::string>& flag, const char* name) {
  auto pem = mobility::ReadFile(Required(flag, name));
  if (!pem.ok())
    mobility::ExitBadConfig(absl::StrCat("--", name, ": cannot read the file"));
  return *std::move(pem);
}

// The settings the flags give, read once RunService has parsed them.
mobility::ewp::EwpSettings Settings() {
  using namespace mobility;
  ewp::EwpSettings s;
  s.http.listen_address = absl::GetFlag(FLAGS_http_listen);
  s.http.manifest.public_url = Required(FLAGS_public_url, "public_url");
  s.http.manifest.hei_id = Required(FLAGS_hei_id, "hei_id");
  s.http.manifest.hei_name = Required(FLAGS_hei_name, "hei_name");
  s.http.manifest.admin_email = Required(FLAGS_admin_email, "admin_email");
  s.http.threads = absl::GetFlag(FLAGS_http_threads);
  const int refresh = absl::GetFlag(FLAGS_registry_refresh_minutes);
  if (refresh < 1 || refresh > 180 || s.http.threads < 1)
    ExitBadConfig(
        "--registry_refresh_minutes: 1 to 180; --http_threads: 1 or more");
  s.registry_refresh = absl::Minutes(refresh);
  s.registry = Required(FLAGS_registry, "registry");
  s.client_key_pem = PemFrom(FLAGS_client_key_file, "client_key_file");
  s.server_key_pem = PemFrom(FLAGS_server_key_file, "server_key_file");
  s.token_key_pem = PemFrom(FLAGS_token_key_file, "token_key_file");
  s.limits.allow_plain_http = absl::GetFlag(FLAGS_allow_plain_http);
  const int timeout = absl::GetFlag(FLAGS_partner_timeout_seconds);
  if (timeout < 1 || timeout > 300)
    ExitBadConfig("--partner_timeout_seconds: 1 to 300");
  s.limits.timeout = absl::Seconds(timeout);
  s.schemas_dir = absl::GetFlag(FLAGS_schemas_dir);
  s.agreements_address = absl::GetFlag(FLAGS_agreements_address);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace mobility;
  ServiceDefinition definition;
  definition.log_name = "ewp";
  definition.grpc_service_name = "mobility.ewp.v1.EwpService";
  definition.schema = "ewp";
  definition.default_listen = "127.0.0.1:50055";
  definition.default_metrics_listen = "127.0.0.1:9155";
  definition.migrations = EwpMigrations();
  definition.build = [](Database* db,
                        std::shared_ptr<const RpcDispatcher> dispatcher) {
    auto service =
        ewp::EwpGrpcService::Start(db, std::move(dispatcher), Settings());
    if (!service.ok()) ExitBadConfig(std::string(service.status().message()));
    std::vector<std::unique_ptr<grpc::Service>> services;
    services.push_back(*std::move(service));
    return services;
  };
  return RunService(argc, argv, definition);
}
