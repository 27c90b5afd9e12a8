#include "services/gateway/errors.h"

#include <google/protobuf/any.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status.h"
#include "services/gateway/transcode.h"

namespace mobility::gateway {

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    default:
      return 500;
  }
}

HttpError ToHttpError(const absl::Status& status) {
  HttpError out;
  out.status = HttpStatusOf(status.code());
  std::string details;
  // Every error carries an ErrorInfo; a bare status gets its code's name.
  const absl::Status full =
      ErrorReason(status).empty()
          ? Error(status.code(), absl::StatusCodeToString(status.code()),
                  status.message())
          : status;
  full.ForEachPayload(
      [&](absl::string_view type_url, const absl::Cord& payload) {
        google::protobuf::Any any;
        any.set_type_url(std::string(type_url));
        any.set_value(std::string(payload));
        std::string json;
        if (google::protobuf::util::MessageToJsonString(any, &json).ok())
          absl::StrAppend(&details, details.empty() ? "" : ",", json);
      });
  const absl::Duration wait = RetryDelayOf(status);
  if (wait > absl::ZeroDuration())
    out.retry_after_seconds = static_cast<int>(
        absl::ToInt64Seconds(absl::Ceil(wait, absl::Seconds(1))));
  out.json =
      absl::StrCat("{\"error\":{\"code\":", out.status,
                   ",\"message\":", JsonQuoted(status.message()),
                   ",\"status\":\"", absl::StatusCodeToString(status.code()),
                   "\",\"details\":[", details, "]}}");
  return out;
}

}  // namespace mobility::gateway
