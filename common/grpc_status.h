// absl::Status <-> grpc::Status at the edges of a process: the servers' and
// the clients' side of the error model of common/status.h.
#ifndef MOBILITY_COMMON_GRPC_STATUS_H_
#define MOBILITY_COMMON_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace mobility {

// Converts to gRPC, carrying the details as google.rpc.Status in
// grpc-status-details-bin.
grpc::Status ToGrpcStatus(const absl::Status& status);
// The inverse, for clients and tests: keeps ErrorInfo and BadRequest.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace mobility

#endif  // MOBILITY_COMMON_GRPC_STATUS_H_
