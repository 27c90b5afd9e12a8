#include "services/gateway/transcode.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver_util.h>

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/log.h"
#include "common/status.h"
#include "services/gateway/json_printer.h"
#include "services/gateway/words.h"

namespace mobility::gateway {
namespace {

namespace pb = ::google::protobuf;
using Field = pb::FieldDescriptor;

// A query parameter the route cannot take: the detail for the caller's
// developer, general words for a reader.
absl::Status BadParameter(absl::string_view field, absl::string_view why) {
  Violations v;
  v.Add(std::string(field), std::string(why), Text(words::BAD_PARAMETER));
  return v.ToStatus("BAD_PARAMETER");
}

absl::Status ParseJsonInto(absl::string_view json, pb::Message* message,
                           absl::string_view field) {
  pb::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = pb::util::JsonStringToMessage(
      pb::StringPiece(json.data(), json.size()), message, options);
  if (status.ok()) return absl::OkStatus();
  Violations v;
  v.Add(field.empty() ? "body" : std::string(field),
        std::string(status.message()), Text(words::MALFORMED_JSON));
  return v.ToStatus("MALFORMED_JSON");
}

bool IsWellKnownFromString(const pb::Descriptor* type) {
  const std::string& name = type->full_name();
  return name == "google.protobuf.Timestamp" ||
         name == "google.protobuf.Duration" ||
         name == "google.protobuf.FieldMask" ||
         (absl::StartsWith(name, "google.protobuf.") &&
          absl::EndsWith(name, "Value"));
}

// Sets (or, for a repeated field, adds) the field at `path` of `message` from
// its text in a URL.
absl::Status SetFromText(pb::Message* message, absl::string_view path,
                         const std::string& text) {
  std::vector<const Field*> parents;
  const Field* field = FindFieldPath(message->GetDescriptor(), path, &parents);
  if (field == nullptr) return BadParameter(path, "names no field");
  for (const Field* parent : parents) {
    if (parent->is_repeated())
      return BadParameter(path, "goes through a repeated field");
    message = message->GetReflection()->MutableMessage(message, parent);
  }
  const pb::Reflection* r = message->GetReflection();
  const bool repeated = field->is_repeated();
  auto wrong = [&] {
    return BadParameter(
        path, absl::StrCat("is not a valid ", field->cpp_type_name()));
  };
  switch (field->cpp_type()) {
    case Field::CPPTYPE_STRING: {
      std::string value = text;
      if (field->type() == Field::TYPE_BYTES &&
          !absl::WebSafeBase64Unescape(text, &value) &&
          !absl::Base64Unescape(text, &value)) {
        return wrong();
      }
      repeated ? r->AddString(message, field, value)
               : r->SetString(message, field, value);
      return absl::OkStatus();
    }
    case Field::CPPTYPE_BOOL: {
      if (text != "true" && text != "false") return wrong();
      repeated ? r->AddBool(message, field, text == "true")
               : r->SetBool(message, field, text == "true");
      return absl::OkStatus();
    }
    case Field::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(text, &v)) return wrong();
      repeated ? r->AddInt32(message, field, v)
               : r->SetInt32(message, field, v);
      return absl::OkStatus();
    }
    case Field::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(text, &v)) return wrong();
      repeated ? r->AddInt64(message, field, v)
               : r->SetInt64(message, field, v);
      return absl::OkStatus();
    }
    case Field::CPPTYPE_UINT32: {
      uint32_t v;
      if (!absl::SimpleAtoi(text, &v)) return wrong();
      repeated ? r->AddUInt32(message, field, v)
               : r->SetUInt32(message, field, v);
      return absl::OkStatus();
    }
    case Field::CPPTYPE_UINT64: {
      uint64_t v;
      if (!absl::SimpleAtoi(text, &v)) return wrong();
      repeated ? r->AddUInt64(message, field, v)
               : r->SetUInt64(message, field, v);
      return absl::OkStatus();
    }
    case Field::CPPTYPE_DOUBLE:
    case Field::CPPTYPE_FLOAT: {
      double v;
      if (!absl::SimpleAtod(text, &v)) return wrong();
      if (field->cpp_type() == Field::CPPTYPE_FLOAT) {
        repeated ? r->AddFloat(message, field, static_cast<float>(v))
                 : r->SetFloat(message, field, static_cast<float>(v));
      } else {
        repeated ? r->AddDouble(message, field, v)
                 : r->SetDouble(message, field, v);
      }
      return absl::OkStatus();
    }
    case Field::CPPTYPE_ENUM: {
      const pb::EnumValueDescriptor* value =
          field->enum_type()->FindValueByName(text);
      int number;
      if (value == nullptr && absl::SimpleAtoi(text, &number))
        value = field->enum_type()->FindValueByNumber(number);
      if (value == nullptr) return wrong();
      repeated ? r->AddEnum(message, field, value)
               : r->SetEnum(message, field, value);
      return absl::OkStatus();
    }
    case Field::CPPTYPE_MESSAGE: {
      // Timestamps, durations, field masks and wrappers take their JSON
      // string form ("2026-11-28T10:00:00Z", "agreement.title,etag").
      if (!IsWellKnownFromString(field->message_type()))
        return BadParameter(path, "is a message: give its fields");
      pb::Message* target = repeated ? r->AddMessage(message, field)
                                     : r->MutableMessage(message, field);
      // Numbers and booleans in wrappers are JSON as they are; the rest are
      // JSON strings.
      const std::string& type = field->message_type()->full_name();
      const bool bare = absl::EndsWith(type, "Value") &&
                        type != "google.protobuf.StringValue" &&
                        type != "google.protobuf.BytesValue";
      const std::string json = bare ? text : JsonQuoted(text);
      return ParseJsonInto(json, target, path);
    }
  }
  return wrong();
}

}  // namespace

absl::Status BuildRequest(const Route& route,
                          const PathTemplate::Bindings& bindings,
                          absl::string_view query, absl::string_view body,
                          pb::Message* request) {
  if (route.body.empty()) {
    if (!body.empty()) {
      return BadParameter(
          "body", absl::StrCat(route.http_method, " ", route.path.text(),
                               " takes no body"));
    }
  } else if (!body.empty()) {
    if (route.body == "*") {
      if (auto s = ParseJsonInto(body, request, ""); !s.ok()) return s;
    } else {
      const Field* field =
          request->GetDescriptor()->FindFieldByName(route.body);
      if (auto s = ParseJsonInto(
              body, request->GetReflection()->MutableMessage(request, field),
              field->json_name());
          !s.ok()) {
        return s;
      }
    }
  }
  if (!query.empty()) {
    if (route.body == "*") {
      return BadParameter("query", "this route takes every field in its body");
    }
    for (absl::string_view pair :
         absl::StrSplit(query, '&', absl::SkipEmpty())) {
      std::pair<absl::string_view, absl::string_view> kv =
          absl::StrSplit(pair, absl::MaxSplits('=', 1));
      // '+' is a space in a query string.
      std::string key(kv.first), value(kv.second);
      std::replace(key.begin(), key.end(), '+', ' ');
      std::replace(value.begin(), value.end(), '+', ' ');
      auto name = PercentDecode(key);
      auto text = PercentDecode(value);
      if (!name || !text) return BadParameter(key, "has a malformed escape");
      if (auto s = SetFromText(request, *name, *text); !s.ok()) return s;
    }
  }
  for (const auto& [path, text] : bindings) {
    if (auto s = SetFromText(request, path, text); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ResponseJson(const Route& route,
                                         const pb::Message& response) {
  const pb::Message* body = &response;
  if (!route.response_body.empty()) {
    body = &response.GetReflection()->GetMessage(
        response,
        response.GetDescriptor()->FindFieldByName(route.response_body));
  }
  std::string out;
  if (route.json_printable && PrintJson(*body, &out)) return out;
  out.clear();
  // Protobuf's own printer, for what the gateway's does not cover.
  static pb::util::TypeResolver* const resolver =
      pb::util::NewTypeResolverForDescriptorPool(
          "type.googleapis.com", pb::DescriptorPool::generated_pool());
  auto status = pb::util::BinaryToJsonString(
      resolver,
      absl::StrCat("type.googleapis.com/", body->GetDescriptor()->full_name()),
      body->SerializeAsString(), &out, pb::util::JsonPrintOptions());
  if (!status.ok()) {
    return Error(absl::StatusCode::kInternal, "BAD_RESPONSE",
                 std::string(status.message()));
  }
  return out;
}

}  // namespace mobility::gateway
