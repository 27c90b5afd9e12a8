#include "services/ewp/ewp_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/log.h"
#include "common/tcp_listen.h"
#include "services/ewp/beast_message.h"
#include "services/ewp/http_client.h"

namespace mobility::ewp {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// %XX and '+' decoded, as application/x-www-form-urlencoded has them.
std::string FormDecoded(absl::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    int byte = 0;
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() &&
               absl::SimpleHexAtoi(text.substr(i + 1, 2), &byte)) {
      out += static_cast<char>(byte);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

Parameters ParseForm(absl::string_view form) {
  Parameters out;
  for (absl::string_view pair : absl::StrSplit(form, '&', absl::SkipEmpty())) {
    const size_t equals = pair.find('=');
    out.emplace_back(FormDecoded(pair.substr(0, equals)),
                     equals == absl::string_view::npos
                         ? ""
                         : FormDecoded(pair.substr(equals + 1)));
  }
  return out;
}

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    default:
      return 400;
  }
}

}  // namespace

struct EwpServer::Impl {
  Impl(EwpServerOptions o, RsaPrivateKey client, RsaPrivateKey server,
       Registry* r, IiasEndpoints* i, PartnerCopies* c, ReplayGuard* g)
      : options(std::move(o)),
        client_key(std::move(client)),
        server_key(std::move(server)),
        registry(r),
        iias(i),
        copies(c),
        replays(g),
        host(HostOf(options.manifest.public_url)),
        manifest(Manifest(options.manifest, client_key.public_key(),
                          server_key.public_key())) {}

  class Session;
  void Accept();

  const EwpServerOptions options;
  const RsaPrivateKey client_key;
  const RsaPrivateKey server_key;
  Registry* const registry;
  IiasEndpoints* const iias;
  PartnerCopies* const copies;
  ReplayGuard* const replays;
  const std::string host;  // The Host signed requests must name.
  const std::string manifest;
  EwpServer* owner = nullptr;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::vector<std::thread> threads;
  int port = 0;
};

// One connection: a request, its answer, the next request (keep-alive).
class EwpServer::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, EwpServer* server)
      : stream_(std::move(socket)), server_(server) {}

  void Read() {
    parser_.emplace();
    parser_->body_limit(server_->impl_->options.max_body_bytes);
    stream_.expires_after(
        absl::ToChronoMilliseconds(server_->impl_->options.idle_timeout));
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code error, size_t) {
          self->OnRead(error);
        });
  }

 private:
  void OnRead(beast::error_code error) {
    if (error == http::error::end_of_stream || error == beast::error::timeout ||
        error == asio::error::eof || error == asio::error::connection_reset) {
      return Close();
    }
    HttpMessage answer;
    bool keep_alive = false;
    if (error) {
      const bool too_large = error == http::error::body_limit;
      Log(LogLevel::kWarning, "ewp_refused",
          {{"status", too_large ? "413" : "400"},
           {"reason", too_large ? "body over the limit" : error.message()}});
      answer.status = too_large ? 413 : 400;
      answer.body = ErrorResponse(too_large ? "the request body is too large"
                                            : "the request is not HTTP/1.1");
    } else {
      keep_alive = parser_->get().keep_alive();
      answer = server_->Answer(FromBeast(parser_->release()));
    }
    Write(answer, keep_alive);
  }

  void Write(const HttpMessage& answer, bool keep_alive) {
    auto response = std::make_shared<http::response<http::string_body>>();
    response->result(static_cast<unsigned>(answer.status));
    response->version(11);
    for (const auto& [name, value] : answer.headers)
      response->insert(name, value);
    response->set(http::field::content_type, "text/xml; charset=utf-8");
    response->body() = answer.body;
    response->keep_alive(keep_alive);
    response->prepare_payload();
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response, keep_alive](
                          beast::error_code error, size_t) {
                        if (error || !keep_alive) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  EwpServer* server_;
};

EwpServer::EwpServer(EwpServerOptions options, RsaPrivateKey client_key,
                     RsaPrivateKey server_key, Registry* registry,
                     IiasEndpoints* iias, PartnerCopies* copies,
                     ReplayGuard* replays)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(client_key),
                                   std::move(server_key), registry, iias,
                                   copies, replays)) {
  impl_->owner = this;
}

EwpServer::~EwpServer() { Stop(); }

int EwpServer::port() const { return impl_->port; }

HttpMessage EwpServer::Answer(const HttpMessage& request) {
  const absl::Time now = absl::Now();
  const std::string path = request.target.substr(0, request.target.find('?'));
  HttpMessage answer;
  if (path == kManifestPath && request.method == "GET") {
    answer.body = impl_->manifest;
    return answer;
  }
  // Each endpoint, and whether it takes GET besides POST (the CNRs do not).
  using Endpoint =
      EwpAnswer (*)(Impl&, const std::set<std::string>&, const Parameters&);
  static const auto* endpoints =
      new std::map<std::string, std::pair<Endpoint, bool>, std::less<>>{
          {kIiasIndexPath,
           {[](Impl& i, const auto& h, const auto& p) {
              return i.iias->Index(h, p);
            },
            true}},
          {kIiasGetPath,
           {[](Impl& i, const auto& h, const auto& p) {
              return i.iias->Get(h, p);
            },
            true}},
          {kIiasApprovalPath,
           {[](Impl& i, const auto& h, const auto& p) {
              return i.copies->Approvals(h, p);
            },
            true}},
          {kIiaCnrPath,
           {[](Impl& i, const auto& h, const auto& p) {
              return i.copies->ReceiveIiaCnr(h, p);
            },
            false}},
          {kIiaApprovalCnrPath,
           {[](Impl& i, const auto& h, const auto& p) {
              return i.copies->ReceiveApprovalCnr(h, p);
            },
            false}}};
  const auto endpoint = endpoints->find(path);
  if (endpoint == endpoints->end()) {
    answer.status = 404;
    answer.body = ErrorResponse("no such EWP endpoint here");
    return answer;
  }
  const bool takes_get = endpoint->second.second;
  if (request.method != "POST" && !(takes_get && request.method == "GET")) {
    answer.status = 405;
    answer.headers = {{"allow", takes_get ? "GET, POST" : "POST"}};
    answer.body = ErrorResponse(takes_get ? "GET or POST only" : "POST only");
    return answer;
  }
  auto catalogue = impl_->registry->catalogue();
  // A client key: one the catalogue's hosts use as client credentials.
  auto verified = VerifyRequest(
      request, impl_->host, now,
      [&](absl::string_view id) -> const RsaPublicKey* {
        return catalogue->HeisOfClientKey(id).empty() ? nullptr
                                                      : catalogue->Key(id);
      },
      *impl_->replays);
  if (!verified.ok()) {
    Log(LogLevel::kWarning, "ewp_refused",
        {{"path", path},
         {"status", absl::StrCat(HttpStatusOf(verified.status().code()))},
         {"reason", std::string(verified.status().message())}});
    answer.status = HttpStatusOf(verified.status().code());
    if (answer.status == 401) {
      answer.headers = {
          {"www-authenticate",
           "Signature realm=\"EWP\",headers=\"(request-target) host date "
           "digest x-request-id\""},
          {"want-digest", "SHA-256"}};
    }
    answer.body = ErrorResponse(verified.status().message());
  } else {
    const std::set<std::string> heis = catalogue->HeisOfClientKey(*verified);
    const Parameters parameters =
        ParseForm(request.method == "POST"
                      ? absl::string_view(request.body)
                      : absl::string_view(request.target)
                            .substr(std::min(request.target.size(),
                                             request.target.find('?') + 1)));
    const EwpAnswer result = endpoint->second.first(*impl_, heis, parameters);
    answer.status = result.status;
    answer.body = result.xml;
  }
  SignResponse(impl_->server_key, request, now, &answer);
  return answer;
}

void EwpServer::Impl::Accept() {
  acceptor.async_accept(asio::make_strand(io), [this](beast::error_code error,
                                                      tcp::socket socket) {
    if (error == asio::error::operation_aborted) return;
    if (!error) {
      socket.set_option(tcp::no_delay(true));
      std::make_shared<Session>(std::move(socket), owner)->Read();
    }
    Accept();
  });
}

absl::Status EwpServer::Start() {
  if (auto s = Listen(impl_->acceptor, impl_->options.listen_address,
                      "--http_listen");
      !s.ok())
    return s;
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->Accept();
  for (int i = 0; i < impl_->options.threads; ++i)
    impl_->threads.emplace_back([this] { impl_->io.run(); });
  return absl::OkStatus();
}

void EwpServer::Stop() {
  if (!impl_ || impl_->threads.empty()) return;
  asio::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  impl_->io.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

}  // namespace mobility::ewp
