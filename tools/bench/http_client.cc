#include "tools/bench/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "absl/time/clock.h"
#include "services/ewp/http_signature.h"

namespace mobility {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpClients::Connection {
  asio::io_context io;
  tcp::socket socket{io};
  beast::flat_buffer buffer;
  bool open = false;
};

HttpClients::HttpClients(std::string address, int workers) {
  const size_t colon = address.rfind(':');
  host_ = address.substr(0, colon);
  port_ = address.substr(colon + 1);
  for (int i = 0; i < workers; ++i)
    connections_.push_back(std::make_unique<Connection>());
}

HttpClients::~HttpClients() = default;

bool HttpClients::Call(int worker, const std::string& method,
                       const std::string& target, const std::string& body,
                       const std::string& token, std::string* answer) {
  http::request<http::string_body> request{http::string_to_verb(method), target,
                                           11};
  request.set(http::field::host, host_);
  if (!token.empty())
    request.set(http::field::authorization, "Bearer " + token);
  if (!body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = body;
  }
  return Send(worker, request, answer);
}

bool HttpClients::CallSigned(int worker, const std::string& target,
                             const std::string& form,
                             const ewp::RsaPrivateKey& key,
                             std::string* answer) {
  ewp::HttpMessage signed_request;
  signed_request.method = "POST";
  signed_request.target = target;
  signed_request.headers = {
      {"host", host_ + ":" + port_},
      {"content-type", "application/x-www-form-urlencoded"}};
  signed_request.body = form;
  ewp::SignRequest(key, absl::Now(), &signed_request);
  http::request<http::string_body> request{http::verb::post, target, 11};
  for (const auto& [name, value] : signed_request.headers)
    request.set(name, value);
  request.body() = form;
  return Send(worker, request, answer);
}

bool HttpClients::Send(int worker, http::request<http::string_body>& request,
                       std::string* answer) {
  Connection& c = *connections_.at(static_cast<size_t>(worker));
  beast::error_code error;
  if (!c.open) {
    tcp::resolver resolver(c.io);
    asio::connect(c.socket, resolver.resolve(host_, port_, error), error);
    if (error) return false;
    c.socket.set_option(tcp::no_delay(true));
    c.open = true;
  }
  request.keep_alive(true);
  request.prepare_payload();
  http::response<http::string_body> response;
  http::write(c.socket, request, error);
  if (!error) http::read(c.socket, c.buffer, response, error);
  if (error || !response.keep_alive()) {
    c.socket.close(error);
    c.socket = tcp::socket(c.io);
    c.buffer.clear();
    c.open = false;
  }
  if (answer != nullptr) *answer = std::move(response.body());
  return !error && response.result_int() == 200;
}

}  // namespace mobility
