#include "common/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>

#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/api.h"
#include "common/idempotency.h"
#include "common/log.h"
#include "common/status.h"

namespace mobility {
namespace {

std::string MetadataValue(const grpc::ServerContext* context,
                          absl::string_view key) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

// Request ids come from callers; keep only short printable ones so logs stay
// clean.
bool IsAcceptableRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!(absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.'))
      return false;
  }
  return true;
}

}  // namespace

grpc::Status RpcGuard::Run(
    grpc::ServerContext* context, absl::string_view method,
    const std::function<absl::Status(const CallContext&)>& body) const {
  absl::Time start = absl::Now();
  CallContext call;
  call.server_context = context;
  call.request_id = MetadataValue(context, kRequestIdHeader);
  if (!IsAcceptableRequestId(call.request_id))
    call.request_id = NewResourceId();
  context->AddInitialMetadata(kRequestIdHeader, call.request_id);

  absl::Status status;
  auto token = BearerToken(MetadataValue(context, "authorization"));
  if (!token.ok()) {
    status = token.status();
  } else {
    auto principal = verifier_.Verify(*token, absl::Now());
    if (!principal.ok()) {
      status = principal.status();
    } else {
      call.principal = *std::move(principal);
      call.bearer_token = *token;
      status = roles_->Authorize(call.principal, method);
      if (status.ok()) {
        // gRPC's "no deadline" is a far-off time point; only a real one bounds
        // the database.
        const absl::Time deadline = absl::FromChrono(context->deadline());
        ScopedCallDeadline bounded(deadline - absl::Now() < absl::Hours(24)
                                       ? deadline
                                       : absl::InfiniteFuture());
        status = body(call);
      }
    }
  }

  std::string roles;
  for (Role r : call.principal.roles)
    absl::StrAppend(&roles, roles.empty() ? "" : ",", RoleName(r));
  Log(status.ok() || status.code() != absl::StatusCode::kInternal
          ? LogLevel::kInfo
          : LogLevel::kError,
      "rpc",
      {{"request_id", call.request_id},
       {"method", std::string(method)},
       {"status", absl::StatusCodeToString(status.code())},
       {"reason", ErrorReason(status)},
       {"roles", roles},
       {"duration_ms",
        absl::StrCat(absl::ToDoubleMilliseconds(absl::Now() - start))}});
  return ToGrpcStatus(status);
}

void BlockTerminationSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

absl::Status Serve(const ServerOptions& options,
                   const std::vector<grpc::Service*>& services, Database* db) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen_address,
                           grpc::InsecureServerCredentials(), &port);
  grpc::ResourceQuota quota(options.service_name);
  quota.SetMaxThreads(options.max_threads);
  builder.SetResourceQuota(quota);
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
  // Watches the database for the health service and, hourly, purges request
  // records past their retention (any replica may: the delete is idempotent).
  std::thread health_thread([&] {
    bool serving = false;
    absl::Time next_purge = absl::Now();
    do {
      bool now_serving = db->Ping().ok();
      if (now_serving != serving) {
        set_health(now_serving);
        Log(now_serving ? LogLevel::kInfo : LogLevel::kWarning, "health",
            {{"serving", now_serving ? "true" : "false"}});
      }
      serving = now_serving;
      if (serving && absl::Now() >= next_purge) {
        next_purge = absl::Now() + absl::Hours(1);
        auto purged = PurgeRequestRecords(*db, kRequestIdRetention);
        if (purged.ok() && *purged > 0) {
          Log(LogLevel::kInfo, "request_records_purged",
              {{"count", std::to_string(*purged)}});
        }
      }
    } while (!stopping.WaitForNotificationWithTimeout(options.health_interval));
  });

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
    // New calls are refused at once; calls in flight get the grace period to
    // finish.
    server->Shutdown(absl::ToChronoTime(absl::Now() + options.shutdown_grace));
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
