#include "common/status.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/error_info.pb.h"

namespace mobility {
namespace {

constexpr char kTypePrefix[] = "type.googleapis.com/";

std::string TypeUrl(const google::protobuf::Message& m) {
  return absl::StrCat(kTypePrefix, m.GetDescriptor()->full_name());
}

template <typename Detail>
bool ReadPayload(const absl::Status& status, Detail* out) {
  Detail probe;
  auto payload = status.GetPayload(TypeUrl(probe));
  return payload.has_value() && out->ParseFromString(std::string(*payload));
}

void AttachErrorInfo(absl::Status& status, absl::string_view reason) {
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(kErrorDomain));
  status.SetPayload(TypeUrl(info), absl::Cord(info.SerializeAsString()));
}

}  // namespace

void Violations::Add(std::string field, std::string description) {
  list_.push_back({std::move(field), std::move(description)});
}

absl::Status Violations::ToStatus(absl::string_view reason,
                                  absl::StatusCode code) const {
  if (list_.empty()) return absl::OkStatus();
  google::rpc::BadRequest bad_request;
  // Bounded, so the details always fit in gRPC's metadata.
  for (size_t i = 0; i < list_.size() && i < kMaxFieldViolations; ++i) {
    auto* fv = bad_request.add_field_violations();
    fv->set_field(list_[i].field);
    fv->set_description(list_[i].description);
  }
  if (list_.size() > kMaxFieldViolations) {
    auto* more = bad_request.add_field_violations();
    more->set_field("*");
    more->set_description(absl::StrCat(list_.size() - kMaxFieldViolations,
                                       " more invalid fields not listed"));
  }
  std::string message =
      list_.size() == 1
          ? absl::StrCat(list_[0].field, ": ", list_[0].description)
          : absl::StrCat(list_.size(), " invalid fields, first ",
                         list_[0].field, ": ", list_[0].description);
  absl::Status status = Error(code, reason, message);
  status.SetPayload(TypeUrl(bad_request),
                    absl::Cord(bad_request.SerializeAsString()));
  return status;
}

absl::Status Error(absl::StatusCode code, absl::string_view reason,
                   absl::string_view message) {
  absl::Status status(code, message);
  AttachErrorInfo(status, reason);
  return status;
}

absl::Status InvalidField(absl::string_view field,
                          absl::string_view description) {
  Violations v;
  v.Add(std::string(field), std::string(description));
  return v.ToStatus("INVALID_ARGUMENT");
}

absl::Status IfNotFound(const absl::Status& status, absl::Status missing) {
  return status.code() == absl::StatusCode::kNotFound ? missing : status;
}

absl::Status WithRetryDelay(absl::Status status, absl::Duration delay) {
  google::rpc::RetryInfo info;
  const int64_t seconds = absl::ToInt64Seconds(delay);
  info.mutable_retry_delay()->set_seconds(seconds);
  info.mutable_retry_delay()->set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(delay - absl::Seconds(seconds))));
  status.SetPayload(TypeUrl(info), absl::Cord(info.SerializeAsString()));
  return status;
}

absl::Duration RetryDelayOf(const absl::Status& status) {
  google::rpc::RetryInfo info;
  if (!ReadPayload(status, &info)) return absl::ZeroDuration();
  return absl::Seconds(info.retry_delay().seconds()) +
         absl::Nanoseconds(info.retry_delay().nanos());
}

std::string ErrorReason(const absl::Status& status) {
  google::rpc::ErrorInfo info;
  return ReadPayload(status, &info) ? info.reason() : "";
}

std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status) {
  std::vector<FieldViolation> out;
  google::rpc::BadRequest bad_request;
  if (ReadPayload(status, &bad_request)) {
    for (const auto& fv : bad_request.field_violations()) {
      out.push_back({fv.field(), fv.description()});
    }
  }
  return out;
}

absl::Status WithErrorInfo(absl::Status status) {
  if (!status.ok() && ErrorReason(status).empty()) {
    AttachErrorInfo(status, absl::StatusCodeToString(status.code()));
  }
  return status;
}

}  // namespace mobility
