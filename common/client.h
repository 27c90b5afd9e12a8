// Outbound gRPC calls: every call has a deadline (the caller's own, when made
// inside an RPC, is never exceeded), carries the bearer token and propagates
// the request id.
#ifndef MOBILITY_COMMON_CLIENT_H_
#define MOBILITY_COMMON_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/server.h"

namespace mobility {

inline constexpr absl::Duration kDefaultCallTimeout = absl::Seconds(10);

struct OutboundCall {
  std::string bearer_token;  // Empty: the parent's, when made inside an RPC.
  std::string
      request_id;  // Empty: take the parent's, or let the server make one.
  absl::Duration timeout = kDefaultCallTimeout;
};

// A context for one outbound call; `parent` is the RPC being served, if any.
std::unique_ptr<grpc::ClientContext> NewClientContext(
    const OutboundCall& call, const CallContext* parent = nullptr);

// A plaintext channel to host:port; inside the cluster traffic stays on
// loopback or a mesh.
std::shared_ptr<grpc::Channel> NewChannel(const std::string& address);

}  // namespace mobility

#endif  // MOBILITY_COMMON_CLIENT_H_
