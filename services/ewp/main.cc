// ewp: Mobility Office on the Erasmus Without Paper network. Serves our
// Discovery manifest and the IIAs API to partners whose HTTP signatures the
// registry catalogue's keys verify, reading our agreements from the
// agreements service as each partner's own system.
#include <signal.h>

#include "absl/strings/str_cat.h"
#include "common/auth.h"
#include "common/client.h"
#include "common/config.h"
#include "common/log.h"
#include "common/server.h"
#include "services/ewp/ewp_server.h"

MOBILITY_FLAG(std::string, listen, "127.0.0.1:8090", "MOBILITY_EWP_LISTEN",
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
MOBILITY_FLAG(int, threads, 4, "MOBILITY_EWP_THREADS",
              "threads answering requests");

namespace {

std::string Required(const absl::Flag<std::string>& flag, const char* name) {
  std::string value = absl::GetFlag(flag);
  if (value.empty())
    mobility::ExitBadConfig(absl::StrCat("--", name, " is required"));
  return value;
}

// The private key in the file `flag` names, read by `parse`.
template <typename Parse>
auto KeyFrom(const absl::Flag<std::string>& flag, const char* name,
             Parse parse) {
  auto pem = mobility::ReadFile(Required(flag, name));
  if (!pem.ok())
    mobility::ExitBadConfig(absl::StrCat("--", name, ": cannot read the file"));
  auto key = parse(*pem);
  if (!key.ok()) {
    mobility::ExitBadConfig(
        absl::StrCat("--", name, ": ", key.status().message()));
  }
  return *std::move(key);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace mobility;
  StartServerProcess("ewp");
  ParseFlags(argc, argv,
             "Mobility Office on the Erasmus Without Paper network");
  ewp::EwpServerOptions options;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.manifest.public_url = Required(FLAGS_public_url, "public_url");
  options.manifest.hei_id = Required(FLAGS_hei_id, "hei_id");
  options.manifest.hei_name = Required(FLAGS_hei_name, "hei_name");
  options.manifest.admin_email = Required(FLAGS_admin_email, "admin_email");
  options.threads = absl::GetFlag(FLAGS_threads);
  const int refresh = absl::GetFlag(FLAGS_registry_refresh_minutes);
  if (refresh < 1 || refresh > 180 || options.threads < 1)
    ExitBadConfig("--registry_refresh_minutes: 1 to 180; --threads: 1 or more");
  ewp::HttpLimits limits;
  limits.allow_plain_http = absl::GetFlag(FLAGS_allow_plain_http);
  auto registry = ewp::Registry::Open(Required(FLAGS_registry, "registry"),
                                      absl::Minutes(refresh), limits);
  if (!registry.ok())
    ExitBadConfig(absl::StrCat("--registry: ", registry.status().message()));
  ewp::IiasEndpoints iias(NewChannel(absl::GetFlag(FLAGS_agreements_address)),
                          KeyFrom(FLAGS_token_key_file, "token_key_file",
                                  TokenSigner::FromPrivateKeyPem),
                          options.manifest.hei_id, options.manifest.max_iia_ids,
                          kDefaultCallTimeout);
  ewp::EwpServer server(options,
                        KeyFrom(FLAGS_client_key_file, "client_key_file",
                                ewp::RsaPrivateKey::FromPem),
                        KeyFrom(FLAGS_server_key_file, "server_key_file",
                                ewp::RsaPrivateKey::FromPem),
                        registry->get(), &iias);
  if (auto s = server.Start(); !s.ok()) {
    Log(LogLevel::kError, "listen_failed",
        {{"message", std::string(s.message())}});
    return 1;
  }
  Log(LogLevel::kInfo, "listening",
      {{"port", std::to_string(server.port())},
       {"hei_id", options.manifest.hei_id}});
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int received = 0;
  sigwait(&signals, &received);
  Log(LogLevel::kInfo, "shutdown", {{"signal", std::to_string(received)}});
  server.Stop();
  return 0;
}
