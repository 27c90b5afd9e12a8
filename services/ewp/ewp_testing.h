// Test helpers of the EWP side: the kit's files, xmllint against the
// official schemas offline, and Saxon-HE running the kit's XSLT, the
// references our own code is held to.
#ifndef MOBILITY_SERVICES_EWP_EWP_TESTING_H_
#define MOBILITY_SERVICES_EWP_EWP_TESTING_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_replace.h"

namespace mobility::ewp::testing {

inline std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// `text` in a fresh file under the temporary directory, named for this
// process: tests running side by side (ctest -j) never share one.
inline std::string TempFile(const std::string& name, const std::string& text) {
  const std::string file =
      ::testing::TempDir() + "/" + std::to_string(getpid()) + "-" + name;
  std::ofstream(file, std::ios::binary) << text;
  return file;
}

// Whether `xml` validates against `schema` (a path under EWP_SPECS, or an
// absolute one) with
// xmllint, offline through the specs' catalog; its complaints go to
// `errors`.
inline bool Validates(const std::string& xml, const std::string& schema,
                      std::string* errors = nullptr) {
  const std::string file = TempFile("ewp-validate.xml", xml);
  const std::string log = file + ".log";
  const std::string path =
      schema[0] == '/' ? schema : std::string(EWP_SPECS "/") + schema;
  const std::string command = "XML_CATALOG_FILES=" EWP_SPECS
                              "/catalog.xml xmllint --nonet --noout "
                              "--schema " +
                              path + " " + file + " 2>" + log;
  const bool ok = std::system(command.c_str()) == 0;
  if (errors != nullptr) *errors = Read(log);
  return ok;
}

// A schema holding `schema` and the manifest entries of the APIs we serve,
// so xmllint checks the entries an `apis-implemented` holds (which the
// manifest and catalogue schemas leave to the entries' own schemas).
inline std::string WithManifestEntries(const std::string& schema) {
  std::string imports;
  for (const char* entry :
       {"ewp-specs-api-discovery", "ewp-specs-api-iias",
        "ewp-specs-api-iias-approval", "ewp-specs-api-iia-cnr",
        "ewp-specs-api-iia-approval-cnr"}) {
    const std::string xsd =
        std::string(EWP_SPECS "/") + entry + "/manifest-entry.xsd";
    const std::string text = Read(xsd);
    const size_t at = text.find("targetNamespace=\"") + 17;
    imports += "<xs:import namespace=\"" +
               text.substr(at, text.find('"', at) - at) +
               "\" schemaLocation=\"" + xsd + "\"/>";
  }
  const std::string text = Read(std::string(EWP_SPECS "/") + schema);
  const size_t at = text.find("targetNamespace=\"") + 17;
  return TempFile("with-entries.xsd",
                  "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">"
                  "<xs:import namespace=\"" +
                      text.substr(at, text.find('"', at) - at) +
                      "\" schemaLocation=\"" + EWP_SPECS + "/" + schema +
                      "\"/>" + imports + "</xs:schema>");
}

// What Saxon-HE (Debian's libsaxonhe-java, a test-only dependency) writes as
// the first text-to-hash of `xml` with the kit's XSLT.
inline std::string SaxonTextToHash(const std::string& xml) {
  const std::string command =
      "java -cp /usr/share/java/Saxon-HE.jar net.sf.saxon.Transform -s:" +
      TempFile("iia-saxon.xml", xml) +
      " -xsl:" EWP_SPECS
      "/ewp-specs-api-iias/resources/xsltKit/transform_version_7.xsl";
  std::string out;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[4096];
    for (size_t n; (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0;)
      out.append(buffer, n);
    pclose(pipe);
  }
  const size_t begin = out.find("<text-to-hash>");
  const size_t end = out.find("</text-to-hash>");
  if (begin == std::string::npos || end == std::string::npos) return "";
  return absl::StrReplaceAll(out.substr(begin + 14, end - begin - 14),
                             {{"&lt;", "<"},
                              {"&gt;", ">"},
                              {"&quot;", "\""},
                              {"&apos;", "'"},
                              {"&amp;", "&"}});
}

}  // namespace mobility::ewp::testing

#endif  // MOBILITY_SERVICES_EWP_EWP_TESTING_H_
