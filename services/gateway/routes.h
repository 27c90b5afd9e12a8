// The HTTP routes of the services, read at start from the `google.api.http`
// annotations of their compiled descriptors: a newly annotated RPC is served
// with no gateway code.
#ifndef MOBILITY_SERVICES_GATEWAY_ROUTES_H_
#define MOBILITY_SERVICES_GATEWAY_ROUTES_H_

#include <google/protobuf/descriptor.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/gateway/path_template.h"

namespace mobility::gateway {

struct Route {
  std::string http_method;  // "GET", "POST", "PUT", "PATCH", "DELETE".
  PathTemplate path;
  // "" (no body), "*" (the whole request) or the request field the body is.
  std::string body;
  // "" (the whole response) or the response message field that is the body.
  std::string response_body;
  // The gateway's own JSON printer covers the body's type.
  bool json_printable = false;
  const google::protobuf::MethodDescriptor* method = nullptr;
  // "/mobility.agreements.v1.AgreementsService/GetAgreement".
  std::string grpc_path;
};

class Router {
 public:
  // The routes of every method of `services` (full names) in `pool`, with
  // their additional bindings. INVALID_ARGUMENT when an annotation is
  // malformed or names a field the request lacks.
  static absl::StatusOr<Router> FromServices(
      const google::protobuf::DescriptorPool& pool,
      const std::vector<std::string>& services);

  struct Match {
    const Route* route = nullptr;
    PathTemplate::Bindings bindings;
  };
  // The route for `method` and `path`; when none, `route` is null and
  // `allowed` lists the methods the path takes (empty: no such path).
  Match Find(absl::string_view http_method, absl::string_view path,
             std::vector<std::string>* allowed) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// The field of `message` at `path` ("agreement.name"), by proto or JSON name;
// nullptr when there is none. `parents` gets the message fields on the way.
const google::protobuf::FieldDescriptor* FindFieldPath(
    const google::protobuf::Descriptor* message, absl::string_view path,
    std::vector<const google::protobuf::FieldDescriptor*>* parents = nullptr);

}  // namespace mobility::gateway

#endif  // MOBILITY_SERVICES_GATEWAY_ROUTES_H_
