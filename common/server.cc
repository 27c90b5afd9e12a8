#include "common/server.h"

#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>

#include <atomic>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/api.h"
#include "common/grpc_status.h"
#include "common/handoff.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/status.h"

namespace mobility {
namespace {

std::string MetadataValue(const grpc::ServerContextBase* context,
                          absl::string_view key) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

absl::Status Draining() {
  return Error(absl::StatusCode::kUnavailable, "DRAINING",
               "this replica is stopping; retry on another");
}

absl::Status Overloaded() {
  return Error(absl::StatusCode::kUnavailable, "OVERLOADED",
               "the service is busy; retry with backoff");
}

// The host of a gRPC peer ("ipv4:10.0.0.7:51234", "ipv6:[::1]:51234").
std::string PeerHost(absl::string_view peer) {
  absl::string_view host = peer.substr(peer.find(':') + 1);
  const size_t port = host.rfind(':');
  if (port != absl::string_view::npos) host = host.substr(0, port);
  if (absl::ConsumePrefix(&host, "[")) absl::ConsumeSuffix(&host, "]");
  return std::string(host);
}

// Calls by method and code, their latency, and the calls refused for load.
struct CallMetrics {
  metrics::Counter calls = metrics::Default().AddCounter(
      "mobility_rpc_calls_total", "Calls answered, by method and status code.",
      {"method", "code"});
  metrics::Histogram latency = metrics::Default().AddHistogram(
      "mobility_rpc_duration_seconds",
      "Time from a call's arrival to its answer, by method.", {"method"});
  metrics::Counter overloaded = metrics::Default().AddCounter(
      "mobility_rpc_overload_refusals_total",
      "Calls refused OVERLOADED: the queue was full or the call's deadline "
      "passed while it waited.",
      {"method"});
};

CallMetrics& Metrics() {
  static CallMetrics* metrics = new CallMetrics();
  return *metrics;
}

}  // namespace

const MethodMetrics* MetricsOfMethod(const std::string& name) {
  // Kept for the life of the process, one per method name, as its cells are.
  static absl::Mutex mu;
  static auto* found = new std::map<std::string, MethodMetrics>();
  absl::MutexLock lock(&mu);
  auto [it, added] = found->try_emplace(name);
  if (added) {
    CallMetrics& metrics = Metrics();
    for (int code = 0; code < static_cast<int>(it->second.calls.size());
         ++code) {
      it->second.calls[code] = &metrics.calls.At(
          {name,
           absl::StatusCodeToString(static_cast<absl::StatusCode>(code))});
    }
    it->second.latency = &metrics.latency.At({name});
    it->second.overloaded = &metrics.overloaded.At({name});
  }
  return &it->second;
}

WorkerPool::WorkerPool(int threads, int max_queued)
    : max_queued_(static_cast<size_t>(max_queued)) {
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      while (true) {
        std::function<void()> task;
        {
          absl::MutexLock lock(&mu_);
          while (!stopping_ && queue_.empty()) ready_.Wait(&mu_);
          if (queue_.empty()) return;  // Stopping, and nothing left.
          task = std::move(queue_.front());
          queue_.pop_front();
        }
        task();
      }
    });
  }
}

WorkerPool::~WorkerPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  ready_.SignalAll();
  for (auto& t : threads_) t.join();
}

int WorkerPool::queued() {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(queue_.size());
}

bool WorkerPool::TrySubmit(std::function<void()> task) {
  {
    absl::MutexLock lock(&mu_);
    if (queue_.size() >= max_queued_) return false;
    queue_.push_back(std::move(task));
  }
  // One task wakes one worker; a condition on the mutex would wake them all.
  ready_.Signal();
  return true;
}

absl::Status ParseRequest(const grpc::ByteBuffer& bytes,
                          google::protobuf::Message* message) {
  // gRPC hands over no message at all (not an empty one) when the call ended
  // before it arrived: a caller whose deadline passed while this process could
  // not run is gone, not malformed.
  if (!bytes.Valid()) {
    return Error(absl::StatusCode::kCancelled, "REQUEST_NEVER_ARRIVED",
                 "the call ended before its request arrived");
  }
  std::vector<grpc::Slice> slices;
  bool ok = bytes.Dump(&slices).ok();
  if (ok) {
    std::string data;
    data.reserve(bytes.Length());
    for (const auto& slice : slices)
      data.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    ok = message->ParseFromString(data);
  }
  if (!ok) {
    return Error(absl::StatusCode::kInvalidArgument, "MALFORMED_REQUEST",
                 "the request is not a valid protocol buffer of its type (a "
                 "string field must be UTF-8)");
  }
  // Every RPC, before any service rule: no text smuggles a control character.
  Violations violations;
  CheckTexts(*message, "", violations);
  return violations.ToStatus("CONTROL_CHARACTERS");
}

absl::Status SerializeResponse(const google::protobuf::Message& message,
                               grpc::ByteBuffer* bytes) {
  std::string data;
  if (!message.SerializeToString(&data)) {
    return Error(absl::StatusCode::kInternal, "INTERNAL",
                 "cannot serialize the response");
  }
  grpc::Slice slice(std::move(data));
  *bytes = grpc::ByteBuffer(&slice, 1);
  return absl::OkStatus();
}

// One call from arrival to its access log line. Deletes itself when gRPC is
// done with it.
class RpcDispatcher::Call final : public grpc::ServerUnaryReactor {
 public:
  Call(const MethodSpec& method, std::atomic<int>* in_flight)
      : method_(method),
        in_flight_(in_flight),
        start_(absl::Now()),
        cancelled_(std::make_shared<std::atomic<bool>>(false)) {}

  // gRPC may cancel from another thread before the call is answered.
  void OnCancel() override {
    TakeBack(this);
    cancelled_->store(true);
  }
  void OnDone() override {
    TakeBack(this);
    delete this;
  }
  // Both reactions above are trivial, so gRPC may run them on the thread that
  // ends the call: otherwise it hands every OnDone to its executor, a thread
  // wake and a context switch per call (ENGINEERING.md, "Speed"). gRPC marks
  // this hook not for applications; it holds in the 1.51 that Debian ships.
  bool InternalInlineable() override { return true; }

  // Logs, counts and answers; `this` may be gone when it returns.
  void Answer(const absl::Status& status) {
    const absl::Duration took = absl::Now() - start_;
    const MethodMetrics& metrics = *method_.metrics;
    const size_t code = static_cast<size_t>(status.code());
    if (code < metrics.calls.size())
      metrics.calls[code]->value.fetch_add(1, std::memory_order_relaxed);
    metrics.latency->Observe(took);
    const std::string reason = ErrorReason(status);
    if (reason == "OVERLOADED")
      metrics.overloaded->value.fetch_add(1, std::memory_order_relaxed);
    in_flight_->fetch_sub(1, std::memory_order_relaxed);
    std::string roles;
    for (Role r : call_.principal.roles)
      absl::StrAppend(&roles, roles.empty() ? "" : ",", RoleName(r));
    Log(status.code() == absl::StatusCode::kInternal ? LogLevel::kError
                                                     : LogLevel::kInfo,
        "rpc",
        {{"request_id", call_.request_id},
         {"method", method_.name},
         {"status", absl::StatusCodeToString(status.code())},
         {"reason", reason},
         {"roles", roles},
         // A service's own identity, never a person's.
         {"calling_service", call_.calling_service.subject},
         {"duration_ms", absl::StrCat(absl::ToDoubleMilliseconds(took))}});
    HandOff(this);
    Finish(ToGrpcStatus(InLanguage(status, call_.language)));
  }

  const MethodSpec& method_;
  std::atomic<int>* const in_flight_;
  const absl::Time start_;
  const std::shared_ptr<std::atomic<bool>> cancelled_;
  CallContext call_;
  CallBody body_;
};

RpcDispatcher::RpcDispatcher(TokenVerifier verifier, DispatchOptions options)
    : verifier_(std::move(verifier)),
      options_(options),
      workers_(
          std::make_unique<WorkerPool>(options.workers, options.max_queued)) {}

grpc::ServerUnaryReactor* RpcDispatcher::Start(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response, const MethodSpec& method) const {
  in_flight_.fetch_add(1, std::memory_order_relaxed);
  auto* call = new Call(method, &in_flight_);
  HandOff(call);  // To OnCancel, which gRPC may run on another thread.
  call->call_.request_id = MetadataValue(context, kRequestIdHeader);
  if (!IsAcceptableRequestId(call->call_.request_id))
    call->call_.request_id = NewRequestId();
  call->call_.language =
      FromAcceptLanguage(MetadataValue(context, kAcceptLanguageHeader));
  // Refused before any header goes out: gRPC tries again, on another
  // replica, only a call that got no headers.
  if (draining_.load(std::memory_order_relaxed)) {
    call->Answer(Draining());
    return call;
  }
  context->AddInitialMetadata(kRequestIdHeader, call->call_.request_id);

  // Everything up to the queue runs here, on gRPC's thread, and costs no
  // worker: a caller that cannot be served is answered at once.
  const absl::Time now = absl::Now();
  absl::Status status = [&]() -> absl::Status {
    const std::string authorization = MetadataValue(context, "authorization");
    if (!(authorization.empty() && method.anonymous)) {
      auto token = BearerToken(authorization);
      if (!token.ok()) return token.status();
      auto principal = verifier_.Verify(*token, now);
      if (!principal.ok()) return principal.status();
      call->call_.principal = *std::move(principal);
      call->call_.bearer_token = *std::move(token);
    }
    const std::string service_header =
        MetadataValue(context, kServiceTokenHeader);
    if (!service_header.empty()) {
      auto service_token = BearerToken(service_header);
      if (!service_token.ok()) return service_token.status();
      auto service = verifier_.Verify(*service_token, now);
      if (!service.ok()) return service.status();
      if (!service->Has(Role::kService)) {
        return Error(absl::StatusCode::kUnauthenticated, "TOKEN_INVALID",
                     "the service token does not name a service");
      }
      call->call_.calling_service = *std::move(service);
    }
    // Only the gateway's internal identity vouches for the end user's address:
    // another caller's header would reset the per-client limits at will.
    const std::string vouched = MetadataValue(context, kClientAddressHeader);
    call->call_.client_address =
        !vouched.empty() &&
                call->call_.calling_service.subject == kGatewaySubject
            ? vouched
            : PeerHost(context->peer());
    if (!method.anonymous) {
      if (auto s = Authorize(call->call_.principal, method.roles, method.name);
          !s.ok()) {
        return s;
      }
    }
    auto body = method.prepare(*request);
    if (!body.ok()) return body.status();
    call->body_ = *std::move(body);
    // gRPC's "no deadline" is a far-off time point: the server's maximum
    // applies instead.
    call->call_.limit =
        CallLimit(std::min(absl::FromChrono(context->deadline()),
                           now + options_.max_call_time),
                  call->cancelled_);
    return absl::OkStatus();
  }();
  if (!status.ok()) {
    call->Answer(status);
    return call;
  }
  if (method.nonblocking) {
    if (nonblocking_calls_.fetch_add(1, std::memory_order_relaxed) >=
        options_.workers + options_.max_queued) {
      nonblocking_calls_.fetch_sub(1, std::memory_order_relaxed);
      call->Answer(Overloaded());
      return call;
    }
    call->body_(call->call_, response, [this, call](absl::Status result) {
      nonblocking_calls_.fetch_sub(1, std::memory_order_relaxed);
      call->Answer(result);
    });
    return call;
  }
  auto answer = [call](absl::Status result) { call->Answer(result); };
  const bool queued = workers_->TrySubmit([call, response, answer] {
    // A call whose deadline passed while it waited was refused for load.
    if (call->call_.limit.Over(absl::Now())) {
      answer(Overloaded());
    } else {
      call->body_(call->call_, response, answer);
    }
  });
  if (!queued) call->Answer(Overloaded());
  return call;
}

void BlockTerminationSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

void StartServerProcess(absl::string_view log_name) {
  BlockTerminationSignals();
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  SetLogService(log_name);
  InstallProtobufLogHandler();
}

absl::Status Serve(const ServerOptions& options,
                   const std::vector<grpc::Service*>& services) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen_address,
                           grpc::InsecureServerCredentials(), &port);
  builder.SetMaxReceiveMessageSize(options.max_request_bytes);
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address));
  }
  auto* health = server->GetHealthCheckService();
  auto set_health = [&](bool serving) {
    health->SetServingStatus(serving);
    health->SetServingStatus(options.service_name, serving);
  };

  set_health(false);  // Until the first database check passes.

  absl::Notification stopping;
  // Watches readiness for the health service and runs the hourly upkeep while
  // ready.
  std::thread health_thread([&] {
    bool serving = false;
    absl::Time next_upkeep = absl::Now();
    do {
      bool now_serving = options.ready();
      if (now_serving != serving) {
        set_health(now_serving);
        Log(now_serving ? LogLevel::kInfo : LogLevel::kWarning, "health",
            {{"serving", now_serving ? "true" : "false"}});
      }
      serving = now_serving;
      if (serving && absl::Now() >= next_upkeep) {
        next_upkeep = absl::Now() + absl::Hours(1);
        if (options.hourly) options.hourly();
      }
    } while (!stopping.WaitForNotificationWithTimeout(options.health_interval));
  });

  absl::Notification drained;
  std::thread signal_thread([&] {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    int received = 0;
    sigwait(&signals, &received);
    Log(LogLevel::kInfo, "shutdown", {{"signal", std::to_string(received)}});
    stopping.Notify();
    set_health(false);
    if (options.drain) options.drain();
    absl::SleepFor(options.drain_time);
    // At the end of the grace, calls still in the database are cancelled
    // there too, so the process ends when the grace does.
    std::thread at_grace([&] {
      if (!drained.WaitForNotificationWithTimeout(options.shutdown_grace)) {
        const int running = options.cancel_running();
        Log(LogLevel::kWarning, "shutdown_grace_over",
            {{"cancelled_queries", std::to_string(running)}});
      }
    });
    // New calls are refused at once; calls in flight get the grace period to
    // finish, then gRPC cancels them.
    server->Shutdown(absl::ToChronoTime(absl::Now() + options.shutdown_grace));
    drained.Notify();
    at_grace.join();
  });

  Log(LogLevel::kInfo, "listening",
      {{"address", options.listen_address}, {"port", std::to_string(port)}});
  server->Wait();
  health_thread.join();
  signal_thread.join();
  Log(LogLevel::kInfo, "stopped");
  return absl::OkStatus();
}

}  // namespace mobility
