// The EWP registry's catalogue (ewp-specs-api-registry, catalogue.xsd): which
// host serves which HEIs, at which API URLs, with which client and server
// keys. Read from a file or URL and refreshed (registry.h); a test lists two
// local instances in one, production reads the network's registry.
#ifndef MOBILITY_SERVICES_EWP_REGISTRY_CATALOGUE_H_
#define MOBILITY_SERVICES_EWP_REGISTRY_CATALOGUE_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/ewp/keys.h"

namespace mobility::ewp {

// One API a host implements: the manifest entry's local name ("iias",
// "iia-cnr"), its version, and its URL elements by name ("get-url", "url").
struct ApiEntry {
  std::string name;
  std::string version;
  std::map<std::string, std::string> urls;
  int max_iia_ids = 1;
};

struct CatalogueHost {
  std::set<std::string> heis;         // SCHAC ids.
  std::set<std::string> client_keys;  // Fingerprints.
  std::set<std::string> server_keys;  // Fingerprints.
  std::vector<ApiEntry> apis;
};

class RegistryCatalogue {
 public:
  // INVALID_ARGUMENT when `xml` is not a catalogue, or a binary's sha-256 is
  // not the digest of its key.
  static absl::StatusOr<RegistryCatalogue> Parse(absl::string_view xml);

  // The key with this fingerprint among the catalogue's binaries.
  const RsaPublicKey* Key(absl::string_view fingerprint) const;
  // The HEIs whose data a client with this key may ask for: those covered by
  // the hosts that list it among their client credentials (question 4).
  std::set<std::string> HeisOfClientKey(absl::string_view fingerprint) const;
  // The host serving `hei` with the API `name` in major version `major`
  // (question 1), the highest version first; nullptr when none.
  const CatalogueHost* HostServing(absl::string_view hei,
                                   absl::string_view name, int major,
                                   const ApiEntry** entry) const;
  // A server key of `host` (question 5), nullptr otherwise.
  const RsaPublicKey* ServerKey(const CatalogueHost& host,
                                absl::string_view fingerprint) const;
  // The HEIs the catalogue names (hei/@id).
  const std::set<std::string>& heis() const { return heis_; }

 private:
  std::vector<CatalogueHost> hosts_;
  std::map<std::string, RsaPublicKey, std::less<>> keys_;
  std::set<std::string> heis_;
};

}  // namespace mobility::ewp

#endif  // MOBILITY_SERVICES_EWP_REGISTRY_CATALOGUE_H_
