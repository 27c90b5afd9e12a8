// The applications domain including the grants client's gRPC implementation
// instead of its interface: must not build.
#include "services/grants/client/grpc_grants_client.h"

int LayeringProbe() { return 0; }
