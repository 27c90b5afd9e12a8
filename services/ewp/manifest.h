// Our Discovery manifest (ewp-specs-api-discovery, manifest.xsd v6): the APIs
// we serve for our HEI, and the keys we sign with, which the registry copies
// into its catalogue. CatalogueOf does the registry's part for a local
// network of instances (tests, a university trying two instances).
#ifndef MOBILITY_SERVICES_EWP_MANIFEST_H_
#define MOBILITY_SERVICES_EWP_MANIFEST_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/ewp/keys.h"

namespace mobility::ewp {

struct ManifestSettings {
  // Where partners reach us, as they see it (TLS ends in front of us):
  // "https://ewp.shokan.edu.kz". The endpoints are paths below it.
  std::string public_url;
  std::string hei_id;  // Our SCHAC id.
  std::string hei_name;
  std::string admin_email;
  std::string admin_provider = "Mobility Office";
  int max_iia_ids = 100;
};

// The endpoints' paths below public_url.
inline constexpr char kManifestPath[] = "/ewp/manifest.xml";
inline constexpr char kIiasIndexPath[] = "/ewp/iias/index";
inline constexpr char kIiasGetPath[] = "/ewp/iias/get";
inline constexpr char kIiasApprovalPath[] = "/ewp/iias-approval/get";
inline constexpr char kIiaCnrPath[] = "/ewp/iia-cnr";
inline constexpr char kIiaApprovalCnrPath[] = "/ewp/iia-approval-cnr";

std::string Manifest(const ManifestSettings& settings,
                     const RsaPublicKey& client_key,
                     const RsaPublicKey& server_key);

// The manifest of a host that only calls others' APIs (a partner's client
// system, a load generator): its HEI and client key, no APIs.
std::string ClientManifest(const ManifestSettings& settings,
                           const RsaPublicKey& client_key);

// A registry catalogue listing the hosts of `manifests`, their keys in its
// binaries: what the EWP registry publishes after reading them.
// INVALID_ARGUMENT when one is not a manifest.
absl::StatusOr<std::string> CatalogueOf(
    const std::vector<std::string>& manifests);

}  // namespace mobility::ewp

#endif  // MOBILITY_SERVICES_EWP_MANIFEST_H_
