#include "common/idempotency.h"

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/log.h"
#include "common/status.h"

namespace mobility {

absl::Status DamagedRequestRecord(absl::string_view method,
                                  absl::string_view request_id) {
  Log(LogLevel::kError, "stored_body_unparsable",
      {{"table", "request_records"},
       {"row", absl::StrCat(method, " ", request_id)}});
  return Error(absl::StatusCode::kInternal, "STORED_DATA_DAMAGED",
               "stored data does not parse; the operators are told");
}

std::string RequestHash(const google::protobuf::Message& request,
                        const Principal& caller) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  const auto* field = copy->GetDescriptor()->FindFieldByName("request_id");
  if (field != nullptr &&
      field->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
      !field->is_repeated()) {
    const auto* reflection = copy->GetReflection();
    reflection->SetString(
        copy.get(), field,
        absl::AsciiStrToLower(reflection->GetString(*copy, field)));
  }
  return Sha256Hex(absl::StrCat(MessageHash(*copy), "\n", caller.subject, "\n",
                                caller.institution));
}

}  // namespace mobility
