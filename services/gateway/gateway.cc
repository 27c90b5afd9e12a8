#include "services/gateway/gateway.h"

#include <google/protobuf/message.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/proto_buffer_reader.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <optional>
#include <sstream>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/api.h"
#include "common/call.h"
#include "common/config.h"
#include "common/grpc_status.h"
#include "common/handoff.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/status.h"
#include "common/tcp_listen.h"
#include "services/gateway/dev_sign_in.h"
#include "services/gateway/errors.h"
#include "services/gateway/http_checks.h"
#include "services/gateway/static_files.h"
#include "services/gateway/transcode.h"

namespace mobility::gateway {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string ByteBufferToString(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const auto& s : slices)
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

// What the gateway answered, by route, verb and HTTP status, and how long it
// took.
struct HttpMetrics {
  metrics::Counter requests = metrics::Default().AddCounter(
      "mobility_http_requests_total",
      "HTTP requests answered, by route template, method and status.",
      {"route", "method", "code"});
  metrics::Histogram latency = metrics::Default().AddHistogram(
      "mobility_http_request_duration_seconds",
      "Time from a request's arrival to its answer, by route template.",
      {"route"});
};

HttpMetrics& Metrics() {
  static HttpMetrics* metrics = new HttpMetrics();
  return *metrics;
}

}  // namespace

// A call to a service, from its start to what is done with its answer.
struct ServiceCall {
  grpc::ClientContext context;
  grpc::ByteBuffer response;
  grpc::Status status;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader;
  std::function<void(ServiceCall&)> done;
};

struct Gateway::Impl {
  GatewayOptions options;
  Router router;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::vector<std::thread> threads;
  struct Backend {
    std::unique_ptr<ServiceChannel> channel;
    std::unique_ptr<grpc::GenericStub> stub;
  };
  // By service full name.
  std::map<std::string, Backend> backends;
  std::atomic<int> in_flight{0};
  // Signs the demo's staff tokens at /dev/token; none unless configured.
  std::optional<TokenSigner> dev_signer;
  // The services' answers arrive here, and the threads that wait on it
  // answer the client: the thread gRPC wakes with the answer writes it.
  grpc::CompletionQueue completions;
  std::vector<std::thread> completion_threads;
  // The calls in flight, so that a stop past its grace can cancel them.
  absl::Mutex calls_mu;
  absl::flat_hash_set<grpc::ClientContext*> calls ABSL_GUARDED_BY(calls_mu);

  Impl(GatewayOptions o, Router r)
      : options(std::move(o)), router(std::move(r)) {}

  void Accept();

  void Call(Backend& backend, const std::string& method,
            const grpc::ByteBuffer& request,
            std::unique_ptr<ServiceCall> call) {
    ServiceCall* started = call.release();
    {
      absl::MutexLock lock(&calls_mu);
      calls.insert(&started->context);
    }
    started->reader = backend.stub->PrepareUnaryCall(&started->context, method,
                                                     request, &completions);
    HandOff(started);
    started->reader->StartCall();
    started->reader->Finish(&started->response, &started->status, started);
  }

  void CompleteCalls() {
    void* tag;
    bool ok;
    while (completions.Next(&tag, &ok)) {
      TakeBack(tag);
      std::unique_ptr<ServiceCall> call(static_cast<ServiceCall*>(tag));
      {
        absl::MutexLock lock(&calls_mu);
        calls.erase(&call->context);
      }
      call->done(*call);
    }
  }
};

// One connection: reads requests one after another (keep-alive), answers each
// when its service does, then reads the next.
class Gateway::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Impl* gateway)
      : stream_(std::move(socket)), gateway_(gateway) {
    beast::error_code error;
    // Writes return rather than wait (see Write).
    stream_.socket().non_blocking(true, error);
    const auto peer = stream_.socket().remote_endpoint(error);
    if (!error) peer_ = peer.address().to_string();
  }

  void Read() {
    parser_.emplace();
    parser_->body_limit(gateway_->options.max_body_bytes);
    stream_.expires_after(
        absl::ToChronoMilliseconds(gateway_->options.idle_timeout));
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code error, size_t) {
          self->OnRead(error);
        });
  }

 private:
  // What an answer needs from the request it answers.
  struct Exchange {
    unsigned version = 11;
    bool keep_alive = true;
    std::string request_id;
    std::string origin;
    std::string method;
    std::string route;  // The template, for the access log.
    absl::Time start;
    // The reader's language, from Accept-Language: the gateway's own refusals
    // are worded in it, and the services' through kAcceptLanguageHeader.
    Language language = Language::kEnglish;
  };

  void OnRead(beast::error_code error) {
    if (error == http::error::end_of_stream || error == beast::error::timeout ||
        error == asio::error::connection_reset || error == asio::error::eof) {
      return Close();
    }
    Exchange exchange;
    exchange.start = absl::Now();
    if (error) {
      // A body over the limit, or bytes that are not HTTP.
      exchange.keep_alive = false;
      exchange.request_id = NewRequestId();
      return SendError(
          exchange, UnreadableRequest(error, gateway_->options.max_body_bytes));
    }
    Request request = parser_->release();
    exchange.version = request.version();
    exchange.keep_alive = request.keep_alive();
    if (!HasPlainFraming(request)) {
      // What follows on this connection cannot be told apart: it closes.
      exchange.keep_alive = false;
      exchange.request_id = NewRequestId();
      return SendError(
          exchange, Error(absl::StatusCode::kInvalidArgument, "MALFORMED_HTTP",
                          "Transfer-Encoding must be \"chunked\" alone"));
    }
    exchange.method = std::string(request.method_string());
    exchange.origin = Header(request, http::field::origin);
    exchange.language =
        FromAcceptLanguage(Header(request, http::field::accept_language));
    exchange.request_id = Header(request, kRequestIdHeader);
    if (!IsAcceptableRequestId(exchange.request_id))
      exchange.request_id = NewRequestId();
    Handle(std::move(request), std::move(exchange));
  }

  void Handle(Request request, Exchange exchange) {
    const std::string target(request.target());
    const size_t question = target.find('?');
    const std::string path = target.substr(0, question);
    const std::string query =
        question == std::string::npos ? "" : target.substr(question + 1);
    if (request.method() == http::verb::options) return SendPreflight(exchange);
    if (path == "/healthz") {
      exchange.route = path;
      return Send(exchange, 200, R"({"status":"SERVING"})");
    }
    if (path == "/readyz") return CheckReady(std::move(exchange));
    if (!IsJsonOrNoBody(request)) {
      exchange.route = "-";
      return SendError(
          exchange,
          Error(absl::StatusCode::kInvalidArgument, "UNSUPPORTED_MEDIA_TYPE",
                "a body must be sent as application/json"),
          415);
    }
    if (path == "/dev/token" && gateway_->dev_signer.has_value() &&
        request.method() == http::verb::post && FromThisMachine(request)) {
      exchange.route = path;
      auto json = DevSignIn(*gateway_->dev_signer, request.body(), absl::Now());
      if (!json.ok()) return SendError(exchange, json.status());
      return Send(exchange, 200, *std::move(json));
    }
    if (request.method() == http::verb::get && path == "/auth/provider" &&
        !gateway_->options.identity_provider_json.empty()) {
      exchange.route = path;
      return Send(exchange, 200, gateway_->options.identity_provider_json);
    }
    if (request.method() == http::verb::get && path == "/openapi.json") {
      exchange.route = path;
      return Send(exchange, 200, gateway_->options.openapi_json);
    }
    std::vector<std::string> allowed;
    Router::Match match =
        gateway_->router.Find(exchange.method, path, &allowed);
    if (match.route == nullptr) {
      exchange.route = "-";
      if (!allowed.empty()) {
        return SendError(
            exchange,
            Error(absl::StatusCode::kUnimplemented, "METHOD_NOT_ALLOWED",
                  absl::StrCat(exchange.method,
                               " is not allowed "
                               "here; allowed: ",
                               absl::StrJoin(allowed, ", "))),
            405, absl::StrJoin(allowed, ", "));
      }
      if (request.method() == http::verb::get && ServeFile(exchange, path))
        return;
      return SendError(exchange,
                       Error(absl::StatusCode::kNotFound, "NO_SUCH_PATH",
                             "no API method has this path"));
    }
    const Route& route = *match.route;
    exchange.route = route.path.text();
    auto& backend = gateway_->backends.at(route.method->service()->full_name());

    const google::protobuf::Message* prototype =
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(
            route.method->input_type());
    std::unique_ptr<google::protobuf::Message> message(prototype->New());
    if (auto s = BuildRequest(route, match.bindings, query, request.body(),
                              message.get());
        !s.ok()) {
      return SendError(exchange, s);
    }
    if (gateway_->in_flight.fetch_add(1) >= gateway_->options.max_in_flight) {
      gateway_->in_flight.fetch_sub(1);
      return SendError(exchange,
                       Error(absl::StatusCode::kUnavailable, "OVERLOADED",
                             "the gateway is busy; retry with backoff"));
    }
    auto call = std::make_unique<ServiceCall>();
    // No idle timer while the service works: the call's deadline bounds it.
    stream_.expires_never();
    call->context.set_deadline(
        absl::ToChronoTime(absl::Now() + gateway_->options.call_deadline));
    const std::string authorization =
        Header(request, http::field::authorization);
    if (!authorization.empty())
      call->context.AddMetadata("authorization", authorization);
    call->context.AddMetadata(kRequestIdHeader, exchange.request_id);
    call->context.AddMetadata(kAcceptLanguageHeader,
                              std::string(LanguageTag(exchange.language)));
    const std::string own = backend.channel->ServiceToken();
    if (!own.empty()) {
      call->context.AddMetadata(kServiceTokenHeader,
                                absl::StrCat("Bearer ", own));
      call->context.AddMetadata(
          kClientAddressHeader,
          ClientAddress(request, peer_, gateway_->options.trusted_proxies));
    }
    std::string bytes;
    message->SerializeToString(&bytes);
    grpc::Slice slice(std::move(bytes));
    // The answer is made on the completion queue's thread and sent from the
    // connection's strand (Write).
    call->done = [self = shared_from_this(), &route,
                  exchange = std::move(exchange)](ServiceCall& done) mutable {
      Impl* gateway = self->gateway_;
      self->OnReply(route, std::move(exchange), done.status, &done.response);
      self.reset();
      // Last: Stop may proceed once nothing is in flight.
      gateway->in_flight.fetch_sub(1);
    };
    gateway_->Call(backend, route.grpc_path, grpc::ByteBuffer(&slice, 1),
                   std::move(call));
  }

  void OnReply(const Route& route, Exchange exchange,
               const grpc::Status& status, grpc::ByteBuffer* bytes) {
    if (!status.ok()) return SendError(exchange, FromGrpcStatus(status));
    // Parsed from gRPC's slices as they are, into an arena: the answer's
    // strings cost no allocation each.
    google::protobuf::Arena arena;
    google::protobuf::Message* response =
        google::protobuf::MessageFactory::generated_factory()
            ->GetPrototype(route.method->output_type())
            ->New(&arena);
    grpc::ProtoBufferReader reader(bytes);
    if (!response->ParseFromZeroCopyStream(&reader)) {
      return SendError(exchange,
                       Error(absl::StatusCode::kInternal, "BAD_RESPONSE",
                             "the service's answer did not parse"));
    }
    auto json = ResponseJson(route, *response);
    if (!json.ok()) return SendError(exchange, json.status());
    Send(exchange, 200, *std::move(json));
  }

  // 200 when every service's gRPC health is SERVING, else 503 naming those
  // that are not.
  void CheckReady(Exchange exchange) {
    exchange.route = "/readyz";
    struct Probe {
      std::mutex mu;
      size_t pending = 0;
      std::vector<std::string> not_serving;
      Exchange exchange;
      std::shared_ptr<Session> session;
    };
    auto probe = std::make_shared<Probe>();
    probe->session = shared_from_this();
    probe->pending = gateway_->backends.size();
    probe->exchange = std::move(exchange);
    grpc::Slice empty("");
    const grpc::ByteBuffer request(&empty, 1);
    for (auto& [service, backend] : gateway_->backends) {
      auto check = std::make_unique<ServiceCall>();
      check->context.set_deadline(
          absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
      check->done = [probe, name = service](ServiceCall& done) {
        std::lock_guard<std::mutex> lock(probe->mu);
        // HealthCheckResponse{status: SERVING} is field 1, varint 1.
        if (!done.status.ok() ||
            ByteBufferToString(done.response) != "\x08\x01")
          probe->not_serving.push_back(name);
        if (--probe->pending > 0) return;
        std::shared_ptr<Session> self = std::move(probe->session);
        if (probe->not_serving.empty()) {
          return self->Send(probe->exchange, 200, R"({"status":"SERVING"})");
        }
        self->SendError(
            probe->exchange,
            Error(absl::StatusCode::kUnavailable, "NOT_READY",
                  absl::StrCat("not serving: ",
                               absl::StrJoin(probe->not_serving, ", "))));
      };
      gateway_->Call(backend, "/grpc.health.v1.Health/Check", request,
                     std::move(check));
    }
  }

  // The development sign-in's callers: a browser on this machine, reaching
  // the gateway directly, not through a proxy that could carry anyone.
  bool FromThisMachine(const Request& request) const {
    beast::error_code error;
    const auto peer = asio::ip::make_address(peer_, error);
    return !error && peer.is_loopback() && !HasForwardingHeader(request);
  }

  bool ServeFile(Exchange& exchange, const std::string& path) {
    auto file = FindStaticFile(gateway_->options.static_dir, path);
    if (!file.has_value()) return false;
    exchange.route = "static";
    Response response{http::status::ok, exchange.version};
    response.set(http::field::content_type, file->content_type);
    response.set(http::field::cache_control, "no-cache");
    response.body() = std::move(file->body);
    Write(exchange, std::move(response));
    return true;
  }

  void SendPreflight(Exchange& exchange) {
    exchange.route = "preflight";
    Response response{http::status::no_content, exchange.version};
    response.set(http::field::access_control_allow_methods,
                 "GET, POST, PUT, PATCH, DELETE");
    response.set(http::field::access_control_allow_headers,
                 "authorization, content-type, x-request-id, "
                 "accept-language");
    response.set(http::field::access_control_max_age, "600");
    Write(exchange, std::move(response));
  }

  void SendError(Exchange& exchange, const absl::Status& status,
                 int http_status = 0, const std::string& allow = "") {
    HttpError error = ToHttpError(InLanguage(status, exchange.language));
    if (http_status != 0) error.status = http_status;
    Response response{static_cast<http::status>(error.status),
                      exchange.version};
    if (error.retry_after_seconds > 0)
      response.set(http::field::retry_after,
                   std::to_string(error.retry_after_seconds));
    if (!allow.empty()) response.set(http::field::allow, allow);
    response.set(http::field::content_type, "application/json");
    response.body() = std::move(error.json);
    Write(exchange, std::move(response));
  }

  void Send(Exchange& exchange, int status, std::string json) {
    Response response{static_cast<http::status>(status), exchange.version};
    response.set(http::field::content_type, "application/json");
    response.body() = std::move(json);
    Write(exchange, std::move(response));
  }

  void Write(Exchange& exchange, Response response) {
    response.set(beast::string_view(kRequestIdHeader), exchange.request_id);
    SetSecurityHeaders(response, gateway_->options.identity_provider_origin);
    SetCorsHeaders(response, exchange.origin, gateway_->options.cors_origins);
    response.keep_alive(exchange.keep_alive);
    response.prepare_payload();
    const absl::Duration took = absl::Now() - exchange.start;
    const std::string status = std::to_string(response.result_int());
    HttpMetrics& metrics = Metrics();
    // Labelled by route template, never by path: no person's data, and as
    // few series as there are routes.
    metrics.requests.Add({exchange.route, exchange.method, status});
    metrics.latency.Observe({exchange.route}, took);
    // The access line: no path values, query or client address, which may
    // name a person.
    Log(LogLevel::kInfo, "http",
        {{"request_id", exchange.request_id},
         {"method", exchange.method},
         {"route", exchange.route},
         {"status", status},
         {"bytes", std::to_string(response.body().size())},
         {"duration_ms", absl::StrCat(absl::ToDoubleMilliseconds(took))}});
    std::ostringstream header;
    header << response.base();
    auto wire = std::make_shared<std::string>(header.str());
    wire->append(response.body());
    // Sent from the connection's strand, which alone touches the socket.
    asio::dispatch(stream_.get_executor(), [self = shared_from_this(), wire,
                                            keep_alive = exchange.keep_alive] {
      self->Transmit(wire, keep_alive);
    });
  }

  // Written at once when the socket takes it all, as it nearly always does;
  // a client slow to read gets the rest as it reads.
  void Transmit(std::shared_ptr<std::string> wire, bool keep_alive) {
    beast::error_code error;
    size_t sent = 0;
    while (!error && sent < wire->size()) {
      sent += stream_.socket().write_some(
          asio::buffer(wire->data() + sent, wire->size() - sent), error);
    }
    if (error == asio::error::would_block) {
      // A client that does not read its answer holds the connection for the
      // idle timeout at most.
      stream_.expires_after(
          absl::ToChronoMilliseconds(gateway_->options.idle_timeout));
      asio::async_write(
          stream_, asio::buffer(wire->data() + sent, wire->size() - sent),
          asio::bind_executor(stream_.get_executor(),
                              [self = shared_from_this(), wire, keep_alive](
                                  beast::error_code error, size_t) {
                                if (error || !keep_alive) return self->Close();
                                self->Read();
                              }));
      return;
    }
    if (error || !keep_alive) return Close();
    Read();
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  std::string peer_;  // The peer's address, "" when unknown.
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Impl* gateway_;
};

void Gateway::Impl::Accept() {
  acceptor.async_accept(asio::make_strand(io), [this](beast::error_code error,
                                                      tcp::socket socket) {
    if (error == asio::error::operation_aborted) return;
    if (!error) {
      socket.set_option(tcp::no_delay(true));
      std::make_shared<Session>(std::move(socket), this)->Read();
    }
    Accept();
  });
}

Gateway::Gateway(GatewayOptions options, Router router)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router))) {}

Gateway::~Gateway() { Stop(); }

absl::Status Gateway::Start() {
  if (!impl_->options.dev_signing_key_file.empty()) {
    auto pem = ReadFile(impl_->options.dev_signing_key_file);
    if (!pem.ok()) return pem.status();
    auto signer = TokenSigner::FromPrivateKeyPem(*pem);
    if (!signer.ok()) return signer.status();
    impl_->dev_signer = *std::move(signer);
    Log(LogLevel::kWarning, "dev_sign_in",
        {{"message", "POST /dev/token hands out staff tokens (development)"}});
  }
  for (const auto& [service, address] : impl_->options.backends) {
    Impl::Backend backend;
    backend.channel = std::make_unique<ServiceChannel>(
        address, impl_->options.service_token_file);
    backend.stub =
        std::make_unique<grpc::GenericStub>(backend.channel->channel());
    impl_->backends[service] = std::move(backend);
  }
  for (const Route& route : impl_->router.routes()) {
    if (impl_->backends.count(route.method->service()->full_name()) == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "no backend address for ", route.method->service()->full_name()));
    }
  }
  if (auto s =
          Listen(impl_->acceptor, impl_->options.listen_address, "--listen");
      !s.ok())
    return s;
  port_ = impl_->acceptor.local_endpoint().port();
  impl_->Accept();
  // One thread reads the requests: with two, each readiness wakes the other
  // to run what it found, a context switch per request. The answers, with
  // their JSON, are made on the completion threads.
  impl_->threads.emplace_back([this] { impl_->io.run(); });
  for (int i = 0; i < impl_->options.threads; ++i)
    impl_->completion_threads.emplace_back([this] { impl_->CompleteCalls(); });
  return absl::OkStatus();
}

int Gateway::in_flight() const { return impl_->in_flight.load(); }

void Gateway::Stop(absl::Duration grace) {
  if (!impl_ || impl_->threads.empty()) return;
  asio::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  const absl::Time until = absl::Now() + grace;
  while (impl_->in_flight.load() > 0 && absl::Now() < until)
    absl::SleepFor(absl::Milliseconds(10));
  {
    // Past the grace: the calls left end now, answered CANCELLED.
    absl::MutexLock lock(&impl_->calls_mu);
    for (grpc::ClientContext* call : impl_->calls) call->TryCancel();
  }
  // Their answers go out while the connections still run.
  while (impl_->in_flight.load() > 0) absl::SleepFor(absl::Milliseconds(10));
  impl_->io.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  impl_->completions.Shutdown();
  for (auto& t : impl_->completion_threads) t.join();
  impl_->completion_threads.clear();
}

}  // namespace mobility::gateway
