#include "services/gateway/routes.h"

#include <algorithm>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/api/annotations.pb.h"
#include "services/gateway/json_printer.h"

namespace mobility::gateway {
namespace {

namespace pb = ::google::protobuf;

absl::Status AddRule(const pb::MethodDescriptor* method,
                     const google::api::HttpRule& rule,
                     std::vector<Route>& routes) {
  Route route;
  route.method = method;
  route.grpc_path =
      absl::StrCat("/", method->service()->full_name(), "/", method->name());
  std::string path;
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet:
      route.http_method = "GET", path = rule.get();
      break;
    case google::api::HttpRule::kPost:
      route.http_method = "POST", path = rule.post();
      break;
    case google::api::HttpRule::kPut:
      route.http_method = "PUT", path = rule.put();
      break;
    case google::api::HttpRule::kPatch:
      route.http_method = "PATCH", path = rule.patch();
      break;
    case google::api::HttpRule::kDelete:
      route.http_method = "DELETE", path = rule.delete_();
      break;
    case google::api::HttpRule::kCustom:
      route.http_method = rule.custom().kind(), path = rule.custom().path();
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat(method->full_name(), ": an http rule without a path"));
  }
  auto parsed = PathTemplate::Parse(path);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(method->full_name(), ": ", parsed.status().message()));
  }
  route.path = *std::move(parsed);
  route.body = rule.body();
  route.response_body = rule.response_body();
  if (!route.body.empty() && route.body != "*" &&
      method->input_type()->FindFieldByName(route.body) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(method->full_name(), ": no body field ", route.body));
  }
  const pb::Descriptor* answer = method->output_type();
  if (!route.response_body.empty()) {
    const pb::FieldDescriptor* field =
        answer->FindFieldByName(route.response_body);
    if (field == nullptr || field->is_repeated() ||
        field->message_type() == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(method->full_name(), ": no response message field ",
                       route.response_body));
    }
    answer = field->message_type();
  }
  route.json_printable = JsonPrintable(answer);
  routes.push_back(std::move(route));
  for (const auto& extra : rule.additional_bindings()) {
    if (auto s = AddRule(method, extra, routes); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

const pb::FieldDescriptor* FindFieldPath(
    const pb::Descriptor* message, absl::string_view path,
    std::vector<const pb::FieldDescriptor*>* parents) {
  const pb::FieldDescriptor* field = nullptr;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (message == nullptr) return nullptr;
    if (field != nullptr && parents != nullptr) parents->push_back(field);
    field = message->FindFieldByName(std::string(part));
    // Or by its JSON name, which query strings use ("pageSize").
    for (int i = 0; field == nullptr && i < message->field_count(); ++i) {
      if (message->field(i)->json_name() == part) field = message->field(i);
    }
    if (field == nullptr) return nullptr;
    message = field->message_type();
  }
  return field;
}

absl::StatusOr<Router> Router::FromServices(
    const pb::DescriptorPool& pool, const std::vector<std::string>& services) {
  Router router;
  for (const std::string& name : services) {
    const pb::ServiceDescriptor* service = pool.FindServiceByName(name);
    if (service == nullptr)
      return absl::InvalidArgumentError(absl::StrCat("no service ", name));
    for (int i = 0; i < service->method_count(); ++i) {
      const pb::MethodDescriptor* method = service->method(i);
      if (!method->options().HasExtension(google::api::http)) continue;
      if (auto s =
              AddRule(method, method->options().GetExtension(google::api::http),
                      router.routes_);
          !s.ok()) {
        return s;
      }
    }
  }
  for (const Route& route : router.routes_) {
    for (const std::string& field : route.path.FieldPaths()) {
      if (FindFieldPath(route.method->input_type(), field) == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat(route.method->full_name(), ": no field ", field));
      }
    }
  }
  return router;
}

Router::Match Router::Find(absl::string_view http_method,
                           absl::string_view path,
                           std::vector<std::string>* allowed) const {
  Match best;
  if (path.empty() || path[0] != '/') return best;
  absl::InlinedVector<absl::string_view, 8> parts =
      absl::StrSplit(path.substr(1), '/');
  for (const Route& route : routes_) {
    auto bindings = route.path.MatchParts(parts);
    if (!bindings) continue;
    if (route.http_method != http_method) {
      allowed->push_back(route.http_method);
      continue;
    }
    if (best.route == nullptr ||
        route.path.literal_count() > best.route->path.literal_count()) {
      best.route = &route;
      best.bindings = *std::move(bindings);
    }
  }
  std::sort(allowed->begin(), allowed->end());
  allowed->erase(std::unique(allowed->begin(), allowed->end()), allowed->end());
  return best;
}

}  // namespace mobility::gateway
