// ewp_registry: what the EWP registry does for the network, for a few
// instances run together (two local instances, a test network): reads each
// host's Discovery manifest, from its URL or a file, and writes the registry
// catalogue listing them, their APIs and keys, to standard output.
//
//   ewp_registry [--allow_plain_http] SOURCE... > catalogue.xml
//
// A SOURCE is a manifest's URL or file, or client:HEI=KEY.pem for a host
// that only calls, with that HEI and that key (a load generator posing as a
// partner's system).
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "common/config.h"
#include "services/ewp/http_client.h"
#include "services/ewp/manifest.h"

ABSL_FLAG(bool, allow_plain_http, false,
          "fetch http:// manifests too (instances on one machine)");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "writes the registry catalogue of the given manifests (URLs or files)");
  std::vector<char*> sources = absl::ParseCommandLine(argc, argv);
  if (sources.size() < 2) {
    std::cerr << "ewp_registry: name at least one manifest\n";
    return 2;
  }
  mobility::ewp::HttpLimits limits;
  limits.allow_plain_http = absl::GetFlag(FLAGS_allow_plain_http);
  limits.timeout = absl::Seconds(10);
  std::vector<std::string> manifests;
  for (size_t i = 1; i < sources.size(); ++i) {
    const std::string source = sources[i];
    absl::StatusOr<std::string> manifest;
    if (absl::StartsWith(source, "client:")) {
      const size_t equals = source.find('=');
      auto key = mobility::ReadFile(source.substr(equals + 1));
      auto parsed =
          key.ok() ? mobility::ewp::RsaPrivateKey::FromPem(*key)
                   : absl::StatusOr<mobility::ewp::RsaPrivateKey>(key.status());
      if (equals == std::string::npos || !parsed.ok()) {
        std::cerr << "ewp_registry: " << source
                  << ": give client:HEI=PRIVATE_KEY.pem\n";
        return 2;
      }
      mobility::ewp::ManifestSettings settings;
      settings.hei_id = source.substr(7, equals - 7);
      settings.hei_name = settings.hei_id;
      settings.admin_email = "ewp-admin@" + settings.hei_id;
      manifest = mobility::ewp::ClientManifest(settings, parsed->public_key());
    } else if (absl::StartsWith(source, "https://") ||
               absl::StartsWith(source, "http://")) {
      mobility::ewp::HttpMessage request;
      request.method = "GET";
      auto response = mobility::ewp::Send(source, request, limits);
      if (response.ok() && response->status != 200) {
        manifest =
            absl::UnavailableError("HTTP " + std::to_string(response->status));
      } else if (response.ok()) {
        manifest = std::move(response->body);
      } else {
        manifest = response.status();
      }
    } else {
      manifest = mobility::ReadFile(source);
    }
    if (!manifest.ok()) {
      std::cerr << "ewp_registry: " << source << ": " << manifest.status()
                << "\n";
      return 1;
    }
    manifests.push_back(*std::move(manifest));
  }
  auto catalogue = mobility::ewp::CatalogueOf(manifests);
  if (!catalogue.ok()) {
    std::cerr << "ewp_registry: " << catalogue.status() << "\n";
    return 1;
  }
  std::cout << *catalogue;
  return 0;
}
