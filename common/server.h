// Serving every service the same way: gRPC's callback API receives each call;
// parsing, authentication and the role check run at once on gRPC's thread (so
// a flood of bad or unauthenticated calls never takes a worker); the body runs
// on a bounded worker pool behind a bounded queue; past that queue, or past
// the call's deadline while queued, the call fails UNAVAILABLE with reason
// OVERLOADED. Every call gets one JSON access line. Then the process
// lifecycle: health from the database, reflection, graceful shutdown.
#ifndef MOBILITY_COMMON_SERVER_H_
#define MOBILITY_COMMON_SERVER_H_

#include <google/protobuf/descriptor.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/server_callback_handlers.h>

#include <array>
#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/metrics.h"
#include "common/transactor.h"
#include "common/wire.h"

namespace mobility {

// Threads that run call bodies, fed from a bounded queue.
class WorkerPool {
 public:
  WorkerPool(int threads, int max_queued);
  // Runs what was queued, then stops the threads.
  ~WorkerPool();
  // False, and `task` dropped, when the queue is full.
  bool TrySubmit(std::function<void()> task);
  // Tasks waiting for a thread.
  int queued();

 private:
  const size_t max_queued_;
  absl::Mutex mu_;
  absl::CondVar ready_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

struct DispatchOptions {
  int workers = 16;
  int max_queued = 1024;
  // The deadline of a call that brings none.
  absl::Duration max_call_time = absl::Seconds(30);
};

// The body of one call: fills the response bytes and then hands `done` the
// call's status, once, on any thread.
using CallBody = std::function<void(const CallContext&, grpc::ByteBuffer*,
                                    std::function<void(absl::Status)> done)>;

// A method's cells of the process's call metrics, found once when it is
// registered so that a call only adds to them.
struct MethodMetrics {
  std::array<metrics::CounterCell*, 17> calls{};  // By grpc status code.
  metrics::HistogramCell* latency = nullptr;
  metrics::CounterCell* overloaded = nullptr;
};
const MethodMetrics* MetricsOfMethod(const std::string& name);

// One RPC method as the dispatcher runs it.
struct MethodSpec {
  std::string name;  // "GetAgreement": access log and error messages.
  std::set<Role> roles;
  // Callable without a token (the public inquiry form); a token sent anyway
  // must still verify.
  bool anonymous = false;
  // The body parks no thread (its reads go to the PostgreSQL reactor): it
  // starts on gRPC's thread and ends where its read does. Otherwise it runs on
  // a worker.
  bool nonblocking = false;
  const MethodMetrics* metrics = nullptr;
  // Parses the request on gRPC's thread; returns the body.
  std::function<absl::StatusOr<CallBody>(const grpc::ByteBuffer&)> prepare;
};

// The per-call path shared by every method of every service in a process.
class RpcDispatcher {
 public:
  RpcDispatcher(TokenVerifier verifier, DispatchOptions options);
  grpc::ServerUnaryReactor* Start(grpc::CallbackServerContext* context,
                                  const grpc::ByteBuffer* request,
                                  grpc::ByteBuffer* response,
                                  const MethodSpec& method) const;
  // Calls between arrival and answer, and calls waiting for a worker: what
  // the metrics port reports.
  int in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  int queued() const { return workers_->queued(); }
  // From now on every new call is refused UNAVAILABLE (reason DRAINING), so
  // that its caller retries on another replica while the calls in flight
  // finish here.
  void Drain() const { draining_.store(true, std::memory_order_relaxed); }

 private:
  class Call;
  TokenVerifier verifier_;
  const DispatchOptions options_;
  std::unique_ptr<WorkerPool> workers_;
  // Non-blocking calls under way: as many as the workers and their queue
  // hold, so that either kind of call is refused OVERLOADED at the same load.
  mutable std::atomic<int> nonblocking_calls_{0};
  mutable std::atomic<int> in_flight_{0};
  mutable std::atomic<bool> draining_{false};
};

// INVALID_ARGUMENT (reason MALFORMED_REQUEST) unless `bytes` parse as
// `message`: bytes that are no protobuf, or strings that are not UTF-8.
// CANCELLED (REQUEST_NEVER_ARRIVED) when there are no bytes at all.
absl::Status ParseRequest(const grpc::ByteBuffer& bytes,
                          google::protobuf::Message* message);
absl::Status SerializeResponse(const google::protobuf::Message& message,
                               grpc::ByteBuffer* bytes);
// A response already in wire form goes out as it is.
template <typename Message>
absl::Status SerializeResponse(Encoded<Message> message,
                               grpc::ByteBuffer* bytes) {
  grpc::Slice slice(std::move(message.bytes));
  *bytes = grpc::ByteBuffer(&slice, 1);
  return absl::OkStatus();
}

// Base of every service's gRPC adapter: `Generated` is the service class protoc
// made (e.g. v1::AgreementsService). Each RPC is declared once with Handle:
// its roles and the domain method that serves it. A method not declared
// answers UNIMPLEMENTED: access exists only where it is written down.
template <typename Generated>
class RpcService : public Generated::Service {
 public:
  // Who may call each declared method, as Handle and HandlePublic wrote it
  // down, by method name: what the role test checks every RPC against.
  struct Access {
    std::set<Role> roles;
    bool anonymous = false;
  };
  const std::map<std::string, Access>& access() const { return access_; }

 protected:
  explicit RpcService(std::shared_ptr<const RpcDispatcher> dispatcher)
      : dispatcher_(std::move(dispatcher)) {}

  // The RPC `method` served by `serve` of `domain` on a worker, e.g.
  // Handle("CreateAgreement", {Role::kCoordinator}, &agreements_,
  //        &Agreements::CreateAgreement).
  template <typename Domain, typename Request, typename Response>
  void Handle(const std::string& method, std::set<Role> roles, Domain* domain,
              absl::StatusOr<Response> (Domain::*serve)(const Request&,
                                                        const CallContext&)) {
    Register<Request, Response>(
        method, std::move(roles), /*anonymous=*/false,
        /*nonblocking=*/false,
        Blocking<Request, Response>(Bind(domain, serve)));
  }
  // The same for a method that parks no thread, e.g.
  // Handle("GetQuotaUsage", AnyRole(), &quotas_, &Quotas::GetQuotaUsage)
  // where GetQuotaUsage answers through a Then<v1::QuotaUsage>.
  template <typename Domain, typename Request, typename Response>
  void Handle(const std::string& method, std::set<Role> roles, Domain* domain,
              void (Domain::*serve)(const Request&, const CallContext&,
                                    Then<Response>)) {
    Register<Request, Response>(method, std::move(roles), /*anonymous=*/false,
                                /*nonblocking=*/true,
                                Nonblocking(domain, serve));
  }
  // An RPC anyone may call, with or without a token; the domain sees an empty
  // principal when there is none.
  template <typename Domain, typename Request, typename Response>
  void HandlePublic(const std::string& method, Domain* domain,
                    absl::StatusOr<Response> (Domain::*serve)(
                        const Request&, const CallContext&)) {
    Register<Request, Response>(
        method, AnyRole(), /*anonymous=*/true,
        /*nonblocking=*/false,
        Blocking<Request, Response>(Bind(domain, serve)));
  }
  template <typename Domain, typename Request, typename Response>
  void HandlePublic(const std::string& method, Domain* domain,
                    void (Domain::*serve)(const Request&, const CallContext&,
                                          Then<Response>)) {
    Register<Request, Response>(method, AnyRole(), /*anonymous=*/true,
                                /*nonblocking=*/true,
                                Nonblocking(domain, serve));
  }

  template <typename Request, typename Response>
  void Handle(
      const std::string& method, std::set<Role> roles,
      std::function<void(const Request&, const CallContext&, Then<Response>)>
          serve) {
    Register<Request, Response>(
        method, std::move(roles), /*anonymous=*/false, /*nonblocking=*/true,
        [serve = std::move(serve)](
            const Request& request, const CallContext& call,
            grpc::ByteBuffer* out, std::function<void(absl::Status)> done) {
          serve(request, call, Answering<Response>(out, std::move(done)));
        });
  }
  template <typename Request, typename Response>
  void Handle(const std::string& method, std::set<Role> roles,
              std::function<absl::StatusOr<Response>(const Request&,
                                                     const CallContext&)>
                  serve) {
    Register<Request, Response>(method, std::move(roles), /*anonymous=*/false,
                                /*nonblocking=*/false,
                                Blocking<Request, Response>(std::move(serve)));
  }

 private:
  // What a typed body does with the request and the response bytes.
  template <typename Request>
  using TypedBody =
      std::function<void(const Request&, const CallContext&, grpc::ByteBuffer*,
                         std::function<void(absl::Status)>)>;

  template <typename Request, typename Response>
  static TypedBody<Request> Blocking(std::function<absl::StatusOr<Response>(
                                         const Request&, const CallContext&)>
                                         serve) {
    return [serve = std::move(serve)](
               const Request& request, const CallContext& call,
               grpc::ByteBuffer* out, std::function<void(absl::Status)> done) {
      Answering<Response>(out, std::move(done))(serve(request, call));
    };
  }

  template <typename Domain, typename Request, typename Response>
  static TypedBody<Request> Nonblocking(
      Domain* domain, void (Domain::*serve)(const Request&, const CallContext&,
                                            Then<Response>)) {
    return [domain, serve](const Request& request, const CallContext& call,
                           grpc::ByteBuffer* out,
                           std::function<void(absl::Status)> done) {
      (domain->*serve)(request, call,
                       Answering<Response>(out, std::move(done)));
    };
  }

  // The Then a non-blocking method answers through: the response into `out`,
  // then the status to `done`.
  template <typename Response>
  static Then<Response> Answering(grpc::ByteBuffer* out,
                                  std::function<void(absl::Status)> done) {
    return [out, done = std::move(done)](absl::StatusOr<Response> response) {
      done(response.ok() ? SerializeResponse(*std::move(response), out)
                         : response.status());
    };
  }

  template <typename Domain, typename Request, typename Response>
  static std::function<absl::StatusOr<Response>(const Request&,
                                                const CallContext&)>
  Bind(Domain* domain,
       absl::StatusOr<Response> (Domain::*serve)(const Request&,
                                                 const CallContext&)) {
    return [domain, serve](const Request& request, const CallContext& call) {
      return (domain->*serve)(request, call);
    };
  }

  template <typename Request, typename Response>
  void Register(const std::string& method, std::set<Role> roles, bool anonymous,
                bool nonblocking, TypedBody<Request> serve) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            Generated::service_full_name());
    const auto* descriptor = service->FindMethodByName(method);
    // A wrong name or type is a programming error found at the first start.
    if (descriptor == nullptr ||
        descriptor->input_type() != Request::descriptor() ||
        descriptor->output_type() != Response::descriptor()) {
      std::abort();
    }
    access_[method] = Access{roles, anonymous};
    auto spec = std::make_shared<MethodSpec>();
    spec->name = method;
    spec->roles = std::move(roles);
    spec->anonymous = anonymous;
    spec->nonblocking = nonblocking;
    spec->metrics = MetricsOfMethod(method);
    spec->prepare =
        [serve = std::move(serve)](
            const grpc::ByteBuffer& bytes) -> absl::StatusOr<CallBody> {
      auto request = std::make_shared<Request>();
      if (absl::Status parsed = ParseRequest(bytes, request.get());
          !parsed.ok()) {
        return parsed;
      }
      return [serve, request](const CallContext& call, grpc::ByteBuffer* out,
                              std::function<void(absl::Status)> done) {
        serve(*request, call, out, std::move(done));
      };
    };
    this->MarkMethodRawCallback(
        descriptor->index(),
        new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer,
                                                 grpc::ByteBuffer>(
            [dispatcher = dispatcher_, spec](
                grpc::CallbackServerContext* context,
                const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
              return dispatcher->Start(context, request, response, *spec);
            }));
  }

  std::shared_ptr<const RpcDispatcher> dispatcher_;
  std::map<std::string, Access> access_;
};

struct ServerOptions {
  std::string service_name;  // e.g. "mobility.agreements.v1.AgreementsService".
  std::string listen_address;  // host:port; port 0 picks a free one.
  absl::Duration shutdown_grace = absl::Seconds(20);
  // How often readiness is checked (a query on its own connection): health
  // follows the database within this, and a balancer with it.
  absl::Duration health_interval = absl::Milliseconds(250);
  // The largest request taken; gRPC's default is 4 MiB.
  int max_request_bytes = 4 * 1024 * 1024;
  // The serving path sees the database only through these, so it links no
  // database library. Health is SERVING only while `ready` holds.
  std::function<bool()> ready;
  // Cancels the work still running at the end of the shutdown grace; returns
  // how much there was.
  std::function<int()> cancel_running;
  // Upkeep run hourly while ready (any replica may: it must be idempotent).
  std::function<void()> hourly;
  // On SIGTERM, before gRPC stops taking calls: health turns NOT_SERVING and
  // `drain` runs (the dispatcher refuses new calls UNAVAILABLE); for
  // `drain_time` callers move to the other replicas, then the calls still in
  // flight get shutdown_grace.
  std::function<void()> drain;
  absl::Duration drain_time = absl::ZeroDuration();
};

// Serves `services` until SIGTERM or SIGINT, then drains (see
// ServerOptions::drain), stops taking calls, lets in-flight ones finish
// within shutdown_grace, cancels the database work of those still running
// and returns.
// Call BlockTerminationSignals() first thing in main, before any thread
// starts.
absl::Status Serve(const ServerOptions& options,
                   const std::vector<grpc::Service*>& services);

// Blocks SIGTERM and SIGINT in the calling thread and every thread it later
// starts, so that Serve's signal thread is the one that receives them.
void BlockTerminationSignals();

// What every server process does first thing in main, before any thread
// starts: blocks the termination signals, turns off Abseil's mutex deadlock
// detector (Debian builds it on, and it records every lock order in a global
// graph: a cost on every lock of every call; tests keep it on), and names
// `log_name` in every log line, protobuf's included.
void StartServerProcess(absl::string_view log_name);

}  // namespace mobility

#endif  // MOBILITY_COMMON_SERVER_H_
