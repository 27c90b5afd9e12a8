// Outbound gRPC calls. Tools and tests build a context with NewClientContext;
// a service calling another service goes through ServiceChannel, which adds
// what such a call needs: the caller's deadline, the end user's token and
// request id, the service's own token, and retries on UNAVAILABLE only.
#ifndef MOBILITY_COMMON_CLIENT_H_
#define MOBILITY_COMMON_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/call.h"

namespace mobility {

inline constexpr absl::Duration kDefaultCallTimeout = absl::Seconds(10);

struct OutboundCall {
  std::string bearer_token;
  std::string request_id;  // Empty: the server makes one.
  absl::Duration timeout = kDefaultCallTimeout;
};

// A context for one call made outside any RPC (tools, tests).
std::unique_ptr<grpc::ClientContext> NewClientContext(const OutboundCall& call);

// A plaintext channel to host:port that spreads calls round_robin over every
// address the host name resolves to (a target with a scheme, such as
// "dns:///replicas.internal:50051" or "ipv4:10.0.0.7:50051,10.0.0.8:50051",
// is taken as written); inside the cluster traffic stays on loopback or a
// mesh. Tools and tests call through it.
std::shared_ptr<grpc::Channel> NewChannel(const std::string& address);
// The same for a caller that must ride out replicas restarting (the gateway,
// our services, ServiceChannel): only replicas whose health check answers
// SERVING are called, so one that drains is left at once; a call refused
// UNAVAILABLE is tried again, up to four times; a restarted replica is
// connected again within 2 s.
std::shared_ptr<grpc::Channel> NewReplicasChannel(const std::string& address);

// Another service, called on behalf of the call being served.
class ServiceChannel {
 public:
  // `service_token_file` holds this service's own token (re-read each minute,
  // so it can be renewed on disk); empty: calls carry the end user's only.
  ServiceChannel(const std::string& address, std::string service_token_file);

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  // One call, started with gRPC's callback API: e.g.
  //   [&](grpc::ClientContext* c, auto done) {
  //     stub->async()->GetX(c, &request, &response, std::move(done)); }
  using AsyncRpc = std::function<void(grpc::ClientContext*,
                                      std::function<void(grpc::Status)>)>;

  // Runs `rpcs` concurrently within `parent`'s deadline and returns their
  // statuses in order. Each is retried on UNAVAILABLE, up to three attempts
  // with jittered backoff, while the deadline allows. The callee's field
  // violations are dropped: its field names mean nothing to our caller, so
  // the caller names its own field where the error is the request's.
  std::vector<absl::Status> CallAll(const CallContext& parent,
                                    const std::vector<AsyncRpc>& rpcs) const {
    return CallAllAs(parent, parent.bearer_token, rpcs);
  }
  absl::Status Call(const CallContext& parent, const AsyncRpc& rpc) const {
    return CallAll(parent, {rpc}).front();
  }
  // One call made by this service itself, within `parent`'s deadline and
  // request id: for steps the service takes on its own authority (a place in
  // a quota, a grant), which the end user may not take directly.
  // FAILED_PRECONDITION when the service has no token of its own.
  absl::Status CallAsService(const CallContext& parent,
                             const AsyncRpc& rpc) const;

  // This service's own token as the file holds it now; empty when none.
  std::string ServiceToken() const;

 private:
  std::vector<absl::Status> CallAllAs(const CallContext& parent,
                                      const std::string& bearer_token,
                                      const std::vector<AsyncRpc>& rpcs) const;

  std::shared_ptr<grpc::Channel> channel_;
  const std::string service_token_file_;
  mutable absl::Mutex mu_;
  mutable std::string service_token_ ABSL_GUARDED_BY(mu_);
  mutable absl::Time token_read_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace mobility

#endif  // MOBILITY_COMMON_CLIENT_H_
