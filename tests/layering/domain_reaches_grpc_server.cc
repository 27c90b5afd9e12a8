// Domain code that includes the gRPC server: must not build.
#include <grpcpp/server.h>

int LayeringProbe() { return 0; }
