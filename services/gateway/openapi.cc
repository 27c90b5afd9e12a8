#include "services/gateway/openapi.h"

#include <google/protobuf/descriptor.pb.h>

#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "common/log.h"
#include "services/gateway/transcode.h"

namespace mobility {
std::string MobilityDescriptorSet();
}  // namespace mobility

namespace mobility::gateway {
namespace {

namespace pb = ::google::protobuf;
using Field = pb::FieldDescriptor;

// The comment above `descriptor` in its .proto, trimmed.
template <typename Descriptor>
std::string Comment(const Descriptor* descriptor) {
  pb::SourceLocation location;
  if (descriptor == nullptr || !descriptor->GetSourceLocation(&location))
    return "";
  std::string text(absl::StripAsciiWhitespace(location.leading_comments));
  return absl::StrReplaceAll(text, {{"\n ", "\n"}});
}

std::string Described(const std::string& comment) {
  return comment.empty()
             ? ""
             : absl::StrCat(",\"description\":", JsonQuoted(comment));
}

std::string Ref(const pb::Descriptor* message) {
  return absl::StrCat(R"({"$ref":"#/components/schemas/)", message->full_name(),
                      R"("})");
}

class Document {
 public:
  explicit Document(const pb::DescriptorPool* pool) : pool_(pool) {}

  // The schema of one field's value (not its repetition).
  std::string ValueSchema(const Field* field) {
    switch (field->type()) {
      case Field::TYPE_DOUBLE:
        return R"({"type":"number","format":"double"})";
      case Field::TYPE_FLOAT:
        return R"({"type":"number","format":"float"})";
      case Field::TYPE_INT64:
      case Field::TYPE_SINT64:
      case Field::TYPE_SFIXED64:
      case Field::TYPE_UINT64:
      case Field::TYPE_FIXED64:
        // Proto3 JSON writes 64-bit integers as strings.
        return R"({"type":"string","format":"int64"})";
      case Field::TYPE_INT32:
      case Field::TYPE_SINT32:
      case Field::TYPE_SFIXED32:
      case Field::TYPE_UINT32:
      case Field::TYPE_FIXED32:
        return R"({"type":"integer","format":"int32"})";
      case Field::TYPE_BOOL:
        return R"({"type":"boolean"})";
      case Field::TYPE_STRING:
        return R"({"type":"string"})";
      case Field::TYPE_BYTES:
        return R"({"type":"string","format":"byte"})";
      case Field::TYPE_ENUM: {
        std::vector<std::string> names;
        for (int i = 0; i < field->enum_type()->value_count(); ++i)
          names.push_back(JsonQuoted(field->enum_type()->value(i)->name()));
        return absl::StrCat(R"({"type":"string","enum":[)",
                            absl::StrJoin(names, ","), "]}");
      }
      default:
        return MessageSchemaRef(field->message_type());
    }
  }

  std::string MessageSchemaRef(const pb::Descriptor* message) {
    const std::string& name = message->full_name();
    if (name == "google.protobuf.Timestamp")
      return R"({"type":"string","format":"date-time"})";
    if (name == "google.protobuf.Duration" ||
        name == "google.protobuf.FieldMask")
      return R"({"type":"string"})";
    if (name == "google.protobuf.Empty" || name == "google.protobuf.Struct" ||
        name == "google.protobuf.Any" || name == "google.protobuf.Value")
      return R"({"type":"object"})";
    Want(message);
    return Ref(message);
  }

  std::string FieldSchema(const Field* field) {
    std::string schema;
    if (field->is_map()) {
      schema =
          absl::StrCat(R"({"type":"object","additionalProperties":)",
                       ValueSchema(field->message_type()->map_value()), "}");
    } else if (field->is_repeated()) {
      schema =
          absl::StrCat(R"({"type":"array","items":)", ValueSchema(field), "}");
    } else {
      schema = ValueSchema(field);
    }
    const std::string comment = Comment(field);
    if (comment.empty()) return schema;
    // allOf keeps a $ref valid beside a description.
    return absl::StrCat(R"({"allOf":[)", schema, "]", Described(comment), "}");
  }

  void Want(const pb::Descriptor* message) {
    if (seen_.insert(message->full_name()).second) queue_.push_back(message);
  }

  // Every message schema wanted so far, and those they name.
  std::string Schemas() {
    std::vector<std::string> out;
    for (size_t i = 0; i < queue_.size(); ++i) {
      const pb::Descriptor* message = queue_[i];
      std::vector<std::string> properties;
      for (int f = 0; f < message->field_count(); ++f) {
        const Field* field = message->field(f);
        properties.push_back(absl::StrCat(JsonQuoted(field->json_name()), ":",
                                          FieldSchema(field)));
      }
      out.push_back(absl::StrCat(JsonQuoted(message->full_name()),
                                 R"(:{"type":"object","properties":{)",
                                 absl::StrJoin(properties, ","), "}",
                                 Described(Comment(message)), "}"));
    }
    out.push_back(
        R"("Error":{"type":"object","description":"AIP-193: every error, with its canonical status and details (google.rpc.ErrorInfo, BadRequest, RetryInfo).","properties":{"error":{"type":"object","properties":{"code":{"type":"integer"},"message":{"type":"string"},"status":{"type":"string"},"details":{"type":"array","items":{"type":"object"}}}}}})");
    return absl::StrJoin(out, ",");
  }

  std::string Operation(const Route& route) {
    const pb::MethodDescriptor* method =
        pool_->FindMethodByName(route.method->full_name());
    const pb::Descriptor* input = method->input_type();
    std::vector<std::string> parameters;
    std::set<std::string> bound;
    for (const std::string& path : route.path.FieldPaths()) {
      bound.insert(path.substr(0, path.find('.')));
      parameters.push_back(absl::StrCat(
          R"({"name":)", JsonQuoted(path),
          R"(,"in":"path","required":true,"schema":{"type":"string"}})"));
    }
    // With no whole-body, the request's other plain fields are query
    // parameters.
    if (route.body != "*") {
      for (int i = 0; i < input->field_count(); ++i) {
        const Field* field = input->field(i);
        if (bound.count(field->name()) > 0 || field->name() == route.body ||
            (field->type() == Field::TYPE_MESSAGE &&
             ValueSchema(field).find("$ref") != std::string::npos)) {
          continue;
        }
        parameters.push_back(absl::StrCat(
            R"({"name":)", JsonQuoted(field->json_name()),
            R"(,"in":"query","schema":)",
            field->is_repeated() ? absl::StrCat(R"({"type":"array","items":)",
                                                ValueSchema(field), "}")
                                 : ValueSchema(field),
            Described(Comment(field)), "}"));
      }
    }
    std::string body;
    if (!route.body.empty()) {
      const std::string schema =
          route.body == "*"
              ? MessageSchemaRef(input)
              : MessageSchemaRef(
                    input->FindFieldByName(route.body)->message_type());
      body = absl::StrCat(
          R"(,"requestBody":{"required":true,"content":{"application/json":{"schema":)",
          schema, "}}}");
    }
    const pb::Descriptor* output = method->output_type();
    if (!route.response_body.empty())
      output = output->FindFieldByName(route.response_body)->message_type();
    const std::string comment = Comment(method);
    return absl::StrCat(
        R"({"operationId":)", JsonQuoted(method->name()), R"(,"tags":[)",
        JsonQuoted(method->service()->name()), "]", R"(,"summary":)",
        JsonQuoted(comment.substr(0, comment.find('.') == std::string::npos
                                         ? comment.size()
                                         : comment.find('.') + 1)),
        Described(comment), R"(,"parameters":[)",
        absl::StrJoin(parameters, ","), "]", body,
        R"(,"responses":{"200":{"description":"OK","content":{"application/json":{"schema":)",
        MessageSchemaRef(output),
        R"(}}},"default":{"description":"An error","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Error"}}}}}})");
  }

 private:
  const pb::DescriptorPool* pool_;
  std::set<std::string> seen_;
  std::vector<const pb::Descriptor*> queue_;
};

}  // namespace

absl::StatusOr<std::string> OpenApiDocument(const Router& router) {
  pb::FileDescriptorSet files;
  if (!files.ParseFromString(MobilityDescriptorSet())) {
    return absl::InternalError("the embedded descriptor set does not parse");
  }
  pb::DescriptorPool pool;
  for (const auto& file : files.file()) {
    if (pool.BuildFile(file) == nullptr) {
      return absl::InternalError(
          absl::StrCat("cannot build ", file.name(), " of the descriptor set"));
    }
  }
  Document document(&pool);
  // Paths in the order of the services and their methods; one path may take
  // several HTTP methods.
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::string>> operations;
  std::set<std::string> tags;
  for (const Route& route : router.routes()) {
    if (pool.FindMethodByName(route.method->full_name()) == nullptr) {
      return absl::InternalError(absl::StrCat(route.method->full_name(),
                                              " is not in the descriptor set"));
    }
    const std::string& path = route.path.text();
    if (operations.count(path) == 0) order.push_back(path);
    operations[path].push_back(
        absl::StrCat(JsonQuoted(absl::AsciiStrToLower(route.http_method)), ":",
                     document.Operation(route)));
    tags.insert(absl::StrCat(
        R"({"name":)", JsonQuoted(route.method->service()->name()),
        Described(Comment(
            pool.FindServiceByName(route.method->service()->full_name()))),
        "}"));
  }
  std::vector<std::string> paths;
  for (const std::string& path : order) {
    paths.push_back(absl::StrCat(JsonQuoted(path), ":{",
                                 absl::StrJoin(operations[path], ","), "}"));
  }
  return absl::StrCat(
      R"({"openapi":"3.0.3","info":{"title":"Mobility Office API","version":"v1",)",
      R"("description":"Erasmus+ KA1 International Credit Mobility: agreements, applications, grants and inquiries. Paths follow google.api.http: {name=agreements/*} is one variable, the whole resource name. Errors follow AIP-193."},)",
      R"("servers":[{"url":"/"}],"security":[{"bearer":[]}],"tags":[)",
      absl::StrJoin(tags, ","), R"(],"paths":{)", absl::StrJoin(paths, ","),
      R"(},"components":{"securitySchemes":{"bearer":{"type":"http","scheme":"bearer","bearerFormat":"JWT"}},"schemas":{)",
      document.Schemas(), "}}}");
}

}  // namespace mobility::gateway
