#include "common/status.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/error_info.pb.h"
#include "google/rpc/status.pb.h"

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

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  google::rpc::Status rpc_status;
  rpc_status.set_code(static_cast<int>(status.code()));
  rpc_status.set_message(std::string(status.message()));
  if (ErrorReason(status).empty()) {
    // Every error carries ErrorInfo; a bare status gets its code's name as
    // reason.
    absl::Status with_info = status;
    AttachErrorInfo(with_info, absl::StatusCodeToString(status.code()));
    return ToGrpcStatus(with_info);
  }
  status.ForEachPayload(
      [&](absl::string_view type_url, const absl::Cord& payload) {
        auto* any = rpc_status.add_details();
        any->set_type_url(std::string(type_url));
        any->set_value(std::string(payload));
      });
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()),
                      rpc_status.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()),
                   status.error_message());
  google::rpc::Status rpc_status;
  if (rpc_status.ParseFromString(status.error_details())) {
    for (const auto& any : rpc_status.details()) {
      out.SetPayload(any.type_url(), absl::Cord(any.value()));
    }
  }
  return out;
}

}  // namespace mobility
