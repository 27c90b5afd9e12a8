#include "tests/ewp_support.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "services/ewp/http_client.h"

namespace mobility::e2e {

ewp::RsaPrivateKey NewEwpKey(const std::string& dir, const std::string& name) {
  const std::string file = absl::StrCat(dir, "/", name, ".pem");
  auto [code, output] = RunCommand(absl::StrCat(
      "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ",
      file, " 2>&1"));
  EXPECT_EQ(code, 0) << output;
  return *ewp::RsaPrivateKey::FromPem(ReadFile(file));
}

EwpInstance::EwpInstance(std::string hei, std::string name)
    : dir_(MakeWorkspace()),
      stack_(database_.url(), dir_),
      client_key_(NewEwpKey(dir_, "ewp-client")),
      server_key_(NewEwpKey(dir_, "ewp-server")) {
  stack_.ewp().hei = std::move(hei);
  stack_.ewp().name = std::move(name);
}

ewp::ManifestSettings EwpInstance::Settings() const {
  ewp::ManifestSettings settings;
  settings.public_url = url();
  settings.hei_id = hei();
  settings.hei_name = stack_.ewp().name;
  settings.admin_email = "ewp-admin@" + hei();
  return settings;
}

::testing::AssertionResult EwpInstance::Start(
    const std::string& catalogue_file) {
  stack_.ewp().catalogue_file = catalogue_file;
  return stack_.Start();
}

std::string WriteCatalogue(const std::string& dir,
                           const std::vector<std::string>& manifests) {
  auto catalogue = ewp::CatalogueOf(manifests);
  EXPECT_TRUE(catalogue.ok()) << catalogue.status();
  const std::string file = dir + "/catalogue.xml";
  std::ofstream(file) << catalogue.value_or("");
  return file;
}

ewp::HttpMessage SendEwp(const std::string& url,
                         const ewp::HttpMessage& request) {
  ewp::HttpLimits limits;
  limits.allow_plain_http = true;
  auto response = ewp::Send(url + request.target, request, limits);
  EXPECT_TRUE(response.ok()) << response.status();
  return response.ok() ? *response : ewp::HttpMessage{};
}

}  // namespace mobility::e2e
