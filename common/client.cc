#include "common/client.h"

#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/time/clock.h"
#include "common/config.h"
#include "common/grpc_status.h"
#include "common/handoff.h"
#include "common/log.h"
#include "common/status.h"

namespace mobility {
namespace {

constexpr int kMaxAttempts = 3;
constexpr absl::Duration kTokenRereadInterval = absl::Minutes(1);

void AddIdentity(grpc::ClientContext& context, const std::string& bearer_token,
                 const std::string& request_id) {
  if (!bearer_token.empty()) {
    context.AddMetadata("authorization", absl::StrCat("Bearer ", bearer_token));
  }
  if (!request_id.empty()) context.AddMetadata(kRequestIdHeader, request_id);
}

// Keeps code, reason, message and the reader's message; drops the callee's
// BadRequest.
absl::Status WithoutFieldViolations(const absl::Status& status) {
  if (status.ok()) return status;
  absl::Status out =
      Error(status.code(), ErrorReason(status), status.message());
  status.ForEachPayload([&](absl::string_view type_url, const absl::Cord& p) {
    if (absl::EndsWith(type_url, "/google.rpc.LocalizedMessage"))
      out.SetPayload(type_url, p);
  });
  return out;
}

}  // namespace

std::unique_ptr<grpc::ClientContext> NewClientContext(
    const OutboundCall& call) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + call.timeout));
  AddIdentity(*context, call.bearer_token, call.request_id);
  return context;
}

namespace {

// A target with its own scheme ("dns:///replicas:50051", "unix:/run/s",
// "ipv4:10.0.0.7:50051,10.0.0.8:50051") goes as written; a bare host:port is
// resolved by DNS.
std::string Target(const std::string& address) {
  const bool has_scheme = absl::StrContains(address, ":///") ||
                          absl::StartsWith(address, "unix:") ||
                          absl::StartsWith(address, "ipv4:") ||
                          absl::StartsWith(address, "ipv6:");
  return has_scheme ? address : absl::StrCat("dns:///", address);
}

}  // namespace

std::shared_ptr<grpc::Channel> NewChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetLoadBalancingPolicyName("round_robin");
  // Answers may carry a 10 MiB document (gRPC's default takes 4 MiB).
  args.SetMaxReceiveMessageSize(16 * 1024 * 1024);
  return grpc::CreateCustomChannel(Target(address),
                                   grpc::InsecureChannelCredentials(), args);
}

std::shared_ptr<grpc::Channel> NewReplicasChannel(const std::string& address) {
  grpc::ChannelArguments args;
  // Round robin over the replicas that answer their health check SERVING: a
  // replica that drains (SIGTERM) is left at once. A call refused
  // UNAVAILABLE is tried again, up to four times.
  args.SetServiceConfigJSON(R"json({
    "loadBalancingConfig": [{"round_robin": {}}],
    "healthCheckConfig": {"serviceName": ""},
    "methodConfig": [{
      "name": [{}],
      "retryPolicy": {
        "maxAttempts": 4,
        "initialBackoff": "0.02s",
        "maxBackoff": "0.5s",
        "backoffMultiplier": 2,
        "retryableStatusCodes": ["UNAVAILABLE"]
      }
    }]
  })json");
  // A replica that restarts is connected again within a second or two, not
  // after gRPC's default backoff, which grows to two minutes.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  args.SetMaxReceiveMessageSize(16 * 1024 * 1024);
  return grpc::CreateCustomChannel(Target(address),
                                   grpc::InsecureChannelCredentials(), args);
}

ServiceChannel::ServiceChannel(const std::string& address,
                               std::string service_token_file)
    : channel_(NewReplicasChannel(address)),
      service_token_file_(std::move(service_token_file)) {}

std::string ServiceChannel::ServiceToken() const {
  if (service_token_file_.empty()) return "";
  absl::MutexLock lock(&mu_);
  if (absl::Now() - token_read_ >= kTokenRereadInterval) {
    auto text = ReadFile(service_token_file_);
    if (text.ok()) {
      service_token_ = std::string(absl::StripAsciiWhitespace(*text));
    } else {
      // Keep the token read last: it may still be valid until the file is back.
      Log(LogLevel::kWarning, "service_token_unreadable",
          {{"message", std::string(text.status().message())}});
    }
    token_read_ = absl::Now();
  }
  return service_token_;
}

absl::Status ServiceChannel::CallAsService(const CallContext& parent,
                                           const AsyncRpc& rpc) const {
  const std::string token = ServiceToken();
  if (token.empty()) {
    return Error(absl::StatusCode::kFailedPrecondition, "NO_SERVICE_TOKEN",
                 "this service has no token of its own to make the call "
                 "with; configure --service_token_file");
  }
  return CallAllAs(parent, token, {rpc}).front();
}

std::vector<absl::Status> ServiceChannel::CallAllAs(
    const CallContext& parent, const std::string& bearer_token,
    const std::vector<AsyncRpc>& rpcs) const {
  thread_local std::minstd_rand jitter(std::random_device{}());
  const absl::Time deadline =
      std::min(parent.limit.deadline(), absl::Now() + kDefaultCallTimeout);
  const std::string service_token = ServiceToken();
  std::vector<absl::Status> statuses(rpcs.size());
  std::vector<size_t> pending(rpcs.size());
  for (size_t i = 0; i < rpcs.size(); ++i) pending[i] = i;
  absl::Duration backoff = absl::Milliseconds(20);
  for (int attempt = 1; !pending.empty(); ++attempt) {
    std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
    absl::BlockingCounter done(static_cast<int>(pending.size()));
    for (size_t i : pending) {
      contexts.push_back(std::make_unique<grpc::ClientContext>());
      grpc::ClientContext& context = *contexts.back();
      context.set_deadline(absl::ToChronoTime(deadline));
      AddIdentity(context, bearer_token, parent.request_id);
      context.AddMetadata(kAcceptLanguageHeader,
                          std::string(LanguageTag(parent.language)));
      if (!service_token.empty() && service_token != bearer_token) {
        context.AddMetadata(kServiceTokenHeader,
                            absl::StrCat("Bearer ", service_token));
      }
      HandOff(&statuses);
      rpcs[i](&context, [&statuses, &done, i](grpc::Status status) {
        TakeBack(&statuses);
        statuses[i] = FromGrpcStatus(status);
        done.DecrementCount();
      });
    }
    done.Wait();
    std::vector<size_t> retry;
    for (size_t i : pending) {
      if (statuses[i].code() == absl::StatusCode::kUnavailable)
        retry.push_back(i);
    }
    // Full jitter: replicas retrying together would collide again.
    const absl::Duration pause =
        backoff * std::uniform_real_distribution<double>(0.5, 1.0)(jitter);
    if (retry.empty() || attempt == kMaxAttempts ||
        absl::Now() + pause >= deadline || parent.limit.cancelled()) {
      break;
    }
    absl::SleepFor(pause);
    backoff *= 2;
    pending = std::move(retry);
  }
  for (auto& status : statuses) status = WithoutFieldViolations(status);
  return statuses;
}

}  // namespace mobility
