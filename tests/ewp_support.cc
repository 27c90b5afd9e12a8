#include "tests/ewp_support.h"

#include <signal.h>
#include <sys/wait.h>

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
    : hei_(std::move(hei)),
      name_(std::move(name)),
      dir_(MakeWorkspace()),
      stack_(std::make_unique<Stack>(database_.url(), dir_)),
      http_port_(FreePort()),
      grpc_(absl::StrCat("127.0.0.1:", FreePort())),
      client_key_(NewEwpKey(dir_, "ewp-client")),
      server_key_(NewEwpKey(dir_, "ewp-server")) {}

EwpInstance::~EwpInstance() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

std::string EwpInstance::host() const {
  return absl::StrCat("127.0.0.1:", http_port_);
}
std::string EwpInstance::url() const { return "http://" + host(); }

ewp::ManifestSettings EwpInstance::Settings() const {
  ewp::ManifestSettings settings;
  settings.public_url = url();
  settings.hei_id = hei_;
  settings.hei_name = name_;
  settings.admin_email = "ewp-admin@" + hei_;
  return settings;
}

std::string EwpInstance::Manifest() const {
  return ewp::Manifest(Settings(), client_key_.public_key(),
                       server_key_.public_key());
}

::testing::AssertionResult EwpInstance::Start(
    const std::string& catalogue_file) {
  pid_ = Spawn(
      {EWP_SERVER, "--listen=" + grpc_, "--database_url=" + database_.url(),
       "--jwt_public_key_file=" + dir_ + "/public.pem",
       "--internal_jwt_public_key_file=" + dir_ + "/internal-public.pem",
       "--http_listen=" + host(), "--public_url=" + url(), "--hei_id=" + hei_,
       "--hei_name=" + name_, "--admin_email=ewp-admin@" + hei_,
       "--client_key_file=" + dir_ + "/ewp-client.pem",
       "--server_key_file=" + dir_ + "/ewp-server.pem",
       "--token_key_file=" + dir_ + "/ewp-private.pem",
       "--registry=" + catalogue_file,
       "--agreements_address=" + stack_->address("agreements"),
       "--allow_plain_http"},
      dir_ + "/ewp.log");
  if (WaitUntilServing(grpc_)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "ewp_server did not start: " << Log();
}

std::string EwpInstance::Log() const { return ReadFile(dir_ + "/ewp.log"); }

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
