#include "services/ewp/registry_catalogue.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/ewp/xml_dom.h"

namespace mobility::ewp {
namespace {

// The fingerprints a credentials element lists (rsa-public-key/@sha-256).
std::set<std::string> Fingerprints(xmlNode* credentials) {
  std::set<std::string> out;
  if (credentials == nullptr) return out;
  for (xmlNode* key : Children(credentials, "rsa-public-key")) {
    if (auto sha = Attribute(key, "sha-256"))
      out.insert(absl::AsciiStrToLower(*sha));
  }
  return out;
}

// "7.10.2" as {7, 10, 2}: versions compare by number, part by part.
std::vector<int> VersionParts(absl::string_view version) {
  std::vector<int> parts;
  for (absl::string_view part : absl::StrSplit(version, '.')) {
    int n = 0;
    (void)absl::SimpleAtoi(part, &n);
    parts.push_back(n);
  }
  return parts;
}

int Major(absl::string_view version) { return VersionParts(version).front(); }

}  // namespace

absl::StatusOr<RegistryCatalogue> RegistryCatalogue::Parse(
    absl::string_view xml) {
  auto doc = ParseXml(xml, "registry catalogue");
  if (!doc.ok()) return doc.status();
  xmlNode* root = xmlDocGetRootElement(doc->get());
  if (LocalName(root) != "catalogue")
    return absl::InvalidArgumentError("the document is not a catalogue");
  RegistryCatalogue out;
  if (xmlNode* binaries = Child(root, "binaries")) {
    for (xmlNode* binary : Children(binaries, "rsa-public-key")) {
      std::string der;
      std::string text = StringValue(binary);
      text.erase(std::remove_if(text.begin(), text.end(), absl::ascii_isspace),
                 text.end());
      const std::string sha =
          absl::AsciiStrToLower(Attribute(binary, "sha-256").value_or(""));
      if (!absl::Base64Unescape(text, &der)) {
        return absl::InvalidArgumentError(
            absl::StrCat("the binary ", sha, " is not base64"));
      }
      auto key = RsaPublicKey::FromDer(der);
      if (!key.ok() || key->fingerprint() != sha) {
        return absl::InvalidArgumentError(absl::StrCat(
            "the binary ", sha, " is not an RSA key with that digest"));
      }
      out.keys_.emplace(sha, *std::move(key));
    }
  }
  for (xmlNode* h : Children(root, "host")) {
    CatalogueHost& host = out.hosts_.emplace_back();
    for (xmlNode* id : Children(Child(h, "institutions-covered"), "hei-id"))
      host.heis.insert(StringValue(id));
    host.client_keys = Fingerprints(Child(h, "client-credentials-in-use"));
    host.server_keys = Fingerprints(Child(h, "server-credentials-in-use"));
    xmlNode* apis = Child(h, "apis-implemented");
    for (xmlNode* api :
         apis == nullptr ? std::vector<xmlNode*>() : Children(apis)) {
      ApiEntry& entry = host.apis.emplace_back();
      entry.name = std::string(LocalName(api));
      entry.version = Attribute(api, "version").value_or("");
      for (xmlNode* child : Children(api)) {
        const absl::string_view name = LocalName(child);
        if (name == "url" || absl::EndsWith(name, "-url"))
          entry.urls[std::string(name)] = StringValue(child);
        if (name == "max-iia-ids")
          (void)absl::SimpleAtoi(StringValue(child), &entry.max_iia_ids);
      }
    }
  }
  if (xmlNode* institutions = Child(root, "institutions")) {
    for (xmlNode* hei : Children(institutions, "hei")) {
      if (auto id = Attribute(hei, "id")) out.heis_.insert(*id);
    }
  }
  return out;
}

const RsaPublicKey* RegistryCatalogue::Key(
    absl::string_view fingerprint) const {
  auto it = keys_.find(fingerprint);
  return it == keys_.end() ? nullptr : &it->second;
}

std::set<std::string> RegistryCatalogue::HeisOfClientKey(
    absl::string_view fingerprint) const {
  std::set<std::string> out;
  for (const CatalogueHost& host : hosts_) {
    if (host.client_keys.count(std::string(fingerprint)) > 0)
      out.insert(host.heis.begin(), host.heis.end());
  }
  return out;
}

const CatalogueHost* RegistryCatalogue::HostServing(
    absl::string_view hei, absl::string_view name, int major,
    const ApiEntry** entry) const {
  const CatalogueHost* best = nullptr;
  for (const CatalogueHost& host : hosts_) {
    if (host.heis.count(std::string(hei)) == 0) continue;
    for (const ApiEntry& api : host.apis) {
      if (api.name != name || Major(api.version) != major) continue;
      if (best == nullptr ||
          VersionParts((*entry)->version) < VersionParts(api.version)) {
        best = &host;
        *entry = &api;
      }
    }
  }
  return best;
}

const RsaPublicKey* RegistryCatalogue::ServerKey(
    const CatalogueHost& host, absl::string_view fingerprint) const {
  if (host.server_keys.count(std::string(fingerprint)) == 0) return nullptr;
  return Key(fingerprint);
}

}  // namespace mobility::ewp
