#include "services/ewp/manifest.h"

#include <libxml/tree.h>

#include <map>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/ewp/xml_dom.h"

namespace mobility::ewp {
namespace {

constexpr char kSpecs[] = "https://github.com/erasmus-without-paper/";
constexpr char kRegistryNamespace[] =
    "https://github.com/erasmus-without-paper/ewp-specs-api-registry/tree/"
    "stable-v1";

// Client and server authentication by HTTP signature only: every request we
// accept is signed, and so is every answer (sec-intro v2 HttpSecurityOptions).
// Each entry declares its own namespaces, so it reads the same copied alone
// into a catalogue.
std::string HttpSecurity() {
  return absl::StrCat(
      "<http-security xmlns:sec=\"", kSpecs,
      "ewp-specs-sec-intro/tree/stable-v2\"><sec:client-auth-methods>"
      "<httpsig xmlns=\"",
      kSpecs,
      "ewp-specs-sec-cliauth-httpsig/tree/stable-v1\"/>"
      "</sec:client-auth-methods><sec:server-auth-methods><httpsig xmlns=\"",
      kSpecs,
      "ewp-specs-sec-srvauth-httpsig/tree/stable-v1\"/>"
      "</sec:server-auth-methods></http-security>");
}

// <name xmlns="…/ewp-specs-api-{repo}/blob/stable-v{n}/manifest-entry.xsd"
// version="…">…</name>
std::string Entry(absl::string_view name, absl::string_view repo,
                  absl::string_view branch, absl::string_view version,
                  absl::string_view inner) {
  return absl::StrFormat(
      "<%s xmlns=\"%s%s/blob/%s/manifest-entry.xsd\" version=\"%s\">%s</%s>",
      name, kSpecs, repo, branch, version, inner, name);
}

std::string Url(absl::string_view element, const ManifestSettings& s,
                absl::string_view path) {
  return absl::StrCat("<", element, ">", XmlEscaped(s.public_url), path, "</",
                      element, ">");
}

// A manifest of one host covering one HEI: `apis` its apis-implemented
// entries, its client key, and its server key when it serves any.
std::string HostManifest(const ManifestSettings& s, const std::string& apis,
                         const RsaPublicKey& client_key,
                         const RsaPublicKey* server_key) {
  return absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest xmlns=\"", kSpecs,
      "ewp-specs-api-discovery/tree/stable-v6\" xmlns:ewp=\"", kSpecs,
      "ewp-specs-architecture/blob/stable-v1/common-types.xsd\" xmlns:r=\"",
      kRegistryNamespace, "\"><host><ewp:admin-email>",
      XmlEscaped(s.admin_email), "</ewp:admin-email><ewp:admin-provider>",
      XmlEscaped(s.admin_provider), "</ewp:admin-provider><r:apis-implemented>",
      apis, "</r:apis-implemented><institutions-covered><r:hei id=\"",
      XmlEscaped(s.hei_id), "\"><r:name xml:lang=\"en\">",
      XmlEscaped(s.hei_name),
      "</r:name></r:hei></institutions-covered><client-credentials-in-use>"
      "<rsa-public-key>",
      absl::Base64Escape(client_key.der()),
      "</rsa-public-key></client-credentials-in-use>",
      server_key == nullptr
          ? ""
          : absl::StrCat("<server-credentials-in-use><rsa-public-key>",
                         absl::Base64Escape(server_key->der()),
                         "</rsa-public-key></server-credentials-in-use>"),
      "</host></manifest>\n");
}

}  // namespace

std::string Manifest(const ManifestSettings& s, const RsaPublicKey& client_key,
                     const RsaPublicKey& server_key) {
  const std::string security = HttpSecurity();
  std::string apis;
  absl::StrAppend(
      &apis,
      absl::StrFormat("<discovery xmlns=\"%sewp-specs-api-discovery/blob/"
                      "stable-v6/manifest-entry.xsd\" version=\"6.0.0\">%s"
                      "</discovery>",
                      kSpecs, Url("url", s, kManifestPath)),
      Entry("iias", "ewp-specs-api-iias", "stable-v7", "7.0.0",
            absl::StrCat(security, Url("get-url", s, kIiasGetPath),
                         "<max-iia-ids>", s.max_iia_ids, "</max-iia-ids>",
                         Url("index-url", s, kIiasIndexPath))),
      Entry("iias-approval", "ewp-specs-api-iias-approval", "stable-v2",
            "2.0.0",
            absl::StrCat(security, Url("url", s, kIiasApprovalPath),
                         "<max-iia-ids>", s.max_iia_ids, "</max-iia-ids>")),
      Entry("iia-cnr", "ewp-specs-api-iia-cnr", "stable-v3", "3.0.0",
            absl::StrCat(security, Url("url", s, kIiaCnrPath))),
      Entry("iia-approval-cnr", "ewp-specs-api-iia-approval-cnr", "stable-v2",
            "2.0.0",
            absl::StrCat(security, Url("url", s, kIiaApprovalCnrPath))));
  return HostManifest(s, apis, client_key, &server_key);
}

std::string ClientManifest(const ManifestSettings& s,
                           const RsaPublicKey& client_key) {
  return HostManifest(s, "", client_key, nullptr);
}

absl::StatusOr<std::string> CatalogueOf(
    const std::vector<std::string>& manifests) {
  std::string hosts, institutions;
  std::map<std::string, std::string> binaries;  // Fingerprint to base64 DER.
  // Each credentials list as the catalogue has it: references to binaries.
  const auto credentials = [&](xmlNode* list, absl::string_view name,
                               std::string& out) -> absl::Status {
    if (list == nullptr) return absl::OkStatus();
    absl::StrAppend(&out, "<", name, ">");
    for (xmlNode* key : Children(list, "rsa-public-key")) {
      std::string der;
      if (!absl::Base64Unescape(StringValue(key), &der))
        return absl::InvalidArgumentError("a manifest key is not base64");
      auto parsed = RsaPublicKey::FromDer(der);
      if (!parsed.ok()) return parsed.status();
      binaries[parsed->fingerprint()] = absl::Base64Escape(parsed->der());
      absl::StrAppend(&out, "<rsa-public-key sha-256=\"", parsed->fingerprint(),
                      "\"/>");
    }
    absl::StrAppend(&out, "</", name, ">");
    return absl::OkStatus();
  };
  for (const std::string& manifest : manifests) {
    auto doc = ParseXml(manifest, "manifest");
    if (!doc.ok()) return doc.status();
    xmlNode* host = Child(xmlDocGetRootElement(doc->get()), "host");
    if (host == nullptr)
      return absl::InvalidArgumentError("a manifest without a host");
    std::string out = "<host>";
    out += "<apis-implemented>";
    for (xmlNode* api : Children(Child(host, "apis-implemented"))) {
      // Each entry as the manifest has it (ours declare their namespaces).
      xmlBufferPtr buffer = xmlBufferCreate();
      xmlNodeDump(buffer, doc->get(), api, 0, 0);
      out += reinterpret_cast<const char*>(xmlBufferContent(buffer));
      xmlBufferFree(buffer);
    }
    out += "</apis-implemented>";
    out += "<institutions-covered>";
    for (xmlNode* hei : Children(Child(host, "institutions-covered"), "hei")) {
      const std::string id = Attribute(hei, "id").value_or("");
      absl::StrAppend(&out, "<hei-id>", XmlEscaped(id), "</hei-id>");
      xmlNode* name = Child(hei, "name");
      absl::StrAppend(&institutions, "<hei id=\"", XmlEscaped(id), "\"><name>",
                      XmlEscaped(StringValue(name)), "</name></hei>");
    }
    out += "</institutions-covered>";
    if (auto s = credentials(Child(host, "client-credentials-in-use"),
                             "client-credentials-in-use", out);
        !s.ok())
      return s;
    if (auto s = credentials(Child(host, "server-credentials-in-use"),
                             "server-credentials-in-use", out);
        !s.ok())
      return s;
    hosts += out + "</host>";
  }
  std::string keys;
  for (const auto& [fingerprint, der] : binaries) {
    absl::StrAppend(&keys, "<rsa-public-key sha-256=\"", fingerprint, "\">",
                    der, "</rsa-public-key>");
  }
  return absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<catalogue "
      "xmlns=\"",
      kRegistryNamespace, "\">", hosts, "<institutions>", institutions,
      "</institutions><binaries>", keys, "</binaries></catalogue>\n");
}

}  // namespace mobility::ewp
