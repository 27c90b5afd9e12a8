// The OpenAPI 3 document of every route, generated at start from the
// services' descriptors with their .proto comments (kept in a descriptor set
// the build embeds, since generated code drops comments).
#ifndef MOBILITY_SERVICES_GATEWAY_OPENAPI_H_
#define MOBILITY_SERVICES_GATEWAY_OPENAPI_H_

#include <string>

#include "absl/status/statusor.h"
#include "services/gateway/routes.h"

namespace mobility::gateway {

absl::StatusOr<std::string> OpenApiDocument(const Router& router);

}  // namespace mobility::gateway

#endif  // MOBILITY_SERVICES_GATEWAY_OPENAPI_H_
