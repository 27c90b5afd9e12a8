#include "common/metrics_http.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>

#include "common/tcp_listen.h"

namespace mobility::metrics {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// One scraper's connection: requests read and answered in turn until it
// closes or stays silent for 30 s (Prometheus keeps its connection).
class Scrape : public std::enable_shared_from_this<Scrape> {
 public:
  Scrape(tcp::socket socket, const Registry* registry)
      : stream_(std::move(socket)), registry_(registry) {}

  void Read() {
    request_ = {};
    stream_.expires_after(std::chrono::seconds(30));
    http::async_read(
        stream_, buffer_, request_,
        [self = shared_from_this()](beast::error_code error, size_t) {
          if (!error) self->Answer();
        });
  }

 private:
  void Answer() {
    auto response = std::make_shared<http::response<http::string_body>>();
    response->version(request_.version());
    response->keep_alive(request_.keep_alive());
    const beast::string_view target = request_.target();
    const bool metrics =
        target == "/metrics" || target.starts_with("/metrics?");
    if (!metrics) {
      response->result(http::status::not_found);
      response->set(http::field::content_type, "text/plain");
      response->body() = "only /metrics is served here\n";
    } else if (request_.method() != http::verb::get &&
               request_.method() != http::verb::head) {
      response->result(http::status::method_not_allowed);
      response->set(http::field::allow, "GET, HEAD");
    } else {
      response->result(http::status::ok);
      response->set(http::field::content_type,
                    "text/plain; version=0.0.4; charset=utf-8");
      if (request_.method() == http::verb::get)
        response->body() = registry_->Render();
    }
    response->prepare_payload();
    http::async_write(
        stream_, *response,
        [self = shared_from_this(), response](beast::error_code error, size_t) {
          if (!error && response->keep_alive()) self->Read();
        });
  }

  beast::tcp_stream stream_;
  const Registry* registry_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
};

}  // namespace

struct MetricsServer::Impl {
  explicit Impl(const Registry* registry) : registry(registry), acceptor(io) {}
  void Accept() {
    acceptor.async_accept([this](beast::error_code error, tcp::socket socket) {
      if (error) return;  // Closed: the server is stopping.
      std::make_shared<Scrape>(std::move(socket), registry)->Read();
      Accept();
    });
  }
  const Registry* registry;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::thread thread;
};

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(
    const std::string& address, const char* flag, const Registry* registry) {
  auto impl = std::make_unique<Impl>(registry);
  if (auto s = Listen(impl->acceptor, address, flag); !s.ok()) return s;
  impl->Accept();
  Impl* running = impl.get();
  impl->thread = std::thread([running] { running->io.run(); });
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(impl)));
}

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

MetricsServer::~MetricsServer() {
  impl_->io.stop();
  impl_->thread.join();
}

int MetricsServer::port() const {
  return impl_->acceptor.local_endpoint().port();
}

}  // namespace mobility::metrics
