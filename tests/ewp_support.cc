#include "tests/ewp_support.h"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/ewp/beast_message.h"
#include "services/ewp/http_client.h"

namespace mobility::e2e {

ewp::RsaPrivateKey NewEwpKey(const std::string& dir, const std::string& name) {
  const testing::KeyPair pair = testing::NewRsaKeyPair();
  std::ofstream(absl::StrCat(dir, "/", name, ".pem")) << pair.private_pem;
  return *ewp::RsaPrivateKey::FromPem(pair.private_pem);
}

bool Eventually(const std::function<bool()>& done) {
  for (int i = 0; i < 150; ++i) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(200));
  }
  return false;
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

struct FakePartner::Impl {
  Impl(ewp::RsaPrivateKey key, Handler h)
      : server_key(std::move(key)), handler(std::move(h)) {}
  ewp::RsaPrivateKey server_key;
  Handler handler;
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor{io};
  std::atomic<bool> stop{false};
  std::thread thread;
};

FakePartner::FakePartner(ewp::RsaPrivateKey server_key, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(server_key), std::move(handler))) {
  namespace ip = boost::asio::ip;
  const ip::tcp::endpoint endpoint(ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  impl_->acceptor.non_blocking(true);
  impl_->thread = std::thread([this] { Serve(); });
}

FakePartner::~FakePartner() {
  impl_->stop = true;
  impl_->thread.join();
}

std::string FakePartner::url() const {
  return absl::StrCat("http://127.0.0.1:",
                      impl_->acceptor.local_endpoint().port());
}

void FakePartner::Serve() {
  namespace http = boost::beast::http;
  while (!impl_->stop) {
    boost::system::error_code error;
    boost::asio::ip::tcp::socket socket(impl_->io);
    impl_->acceptor.accept(socket, error);
    if (error) {
      absl::SleepFor(absl::Milliseconds(20));
      continue;
    }
    socket.non_blocking(false);
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::read(socket, buffer, request, error);
    if (error) continue;
    const ewp::HttpMessage message = ewp::FromBeast(std::move(request));
    ewp::HttpMessage answer = impl_->handler(message);
    if (answer.Header("x-test-unsigned").empty())
      ewp::SignResponse(impl_->server_key, message, absl::Now(), &answer);
    http::response<http::string_body> response;
    response.result(static_cast<unsigned>(answer.status));
    for (const auto& [name, value] : answer.headers)
      response.insert(name, value);
    response.body() = answer.body;
    response.prepare_payload();
    http::write(socket, response, error);
    socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, error);
  }
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
