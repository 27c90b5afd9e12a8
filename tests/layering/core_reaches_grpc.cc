// common/ core code (status, types, auth) that includes gRPC: must not build.
#include "common/grpc_status.h"

int LayeringProbe() { return 0; }
