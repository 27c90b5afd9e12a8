// HTTP to gRPC and back for one route: the request message built from the
// path's variables, the query string and the JSON body with protobuf's own
// JSON mapping, and the response (or its response_body field) as JSON.
#ifndef MOBILITY_SERVICES_GATEWAY_TRANSCODE_H_
#define MOBILITY_SERVICES_GATEWAY_TRANSCODE_H_

#include <google/protobuf/message.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/gateway/routes.h"

namespace mobility::gateway {

// Fills `request` (empty, of the route's input type): the body first, then
// the query parameters (`a.b=1&ids=x&ids=y`: nested and repeated fields), then
// the path's variables. INVALID_ARGUMENT with reason MALFORMED_JSON or
// BAD_PARAMETER and the field for anything that does not fit: malformed JSON,
// unknown fields, wrong types, a parameter naming no field.
absl::Status BuildRequest(const Route& route,
                          const PathTemplate::Bindings& bindings,
                          absl::string_view query, absl::string_view body,
                          google::protobuf::Message* request);

// The response (of the route's output type), or its response_body field
// alone, as proto3 JSON (lowerCamelCase, enums as names, 64-bit integers as
// strings): by the gateway's printer when it covers the type, else by
// protobuf's.
absl::StatusOr<std::string> ResponseJson(
    const Route& route, const google::protobuf::Message& response);

}  // namespace mobility::gateway

#endif  // MOBILITY_SERVICES_GATEWAY_TRANSCODE_H_
