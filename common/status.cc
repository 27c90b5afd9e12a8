#include "common/status.h"

#include <algorithm>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "common/common_words.h"
#include "google/rpc/error_details.pb.h"
#include "mobility/type/v1/error_words.pb.h"

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

template <typename Detail>
void SetPayload(absl::Status& status, const Detail& detail) {
  status.SetPayload(TypeUrl(detail), absl::Cord(detail.SerializeAsString()));
}

// `text` in every language, by tag.
void PutWords(const Text& text,
              google::protobuf::Map<std::string, std::string>* words) {
  for (Language language : kLanguages)
    (*words)[std::string(LanguageTag(language))] = text.In(language);
}

void AttachErrorInfo(absl::Status& status, absl::string_view reason) {
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(kErrorDomain));
  SetPayload(status, info);
}

}  // namespace

void Violations::Add(std::string field, const Text& text) {
  Add(std::move(field), text.In(Language::kEnglish), text);
}

void Violations::Add(std::string field, std::string description,
                     const Text& text) {
  list_.push_back({std::move(field), std::move(description), ""});
  std::map<std::string, std::string>& words = words_.emplace_back();
  for (Language language : kLanguages)
    words[std::string(LanguageTag(language))] = text.In(language);
}

void Violations::Add(std::string field, const absl::Status& reason) {
  list_.push_back({std::move(field), std::string(reason.message()), ""});
  type::v1::ErrorWords words;
  words_.emplace_back();
  if (ReadPayload(reason, &words)) {
    words_.back().insert(words.message().begin(), words.message().end());
  }
}

absl::Status Violations::ToStatus(absl::string_view reason,
                                  absl::StatusCode code) const {
  if (list_.empty()) return absl::OkStatus();
  google::rpc::BadRequest bad_request;
  type::v1::ErrorWords words;
  bool has_words = false;
  // Bounded, so the details always fit in gRPC's metadata.
  const size_t listed = std::min(list_.size(), kMaxFieldViolations);
  for (size_t i = 0; i < listed; ++i) {
    auto* fv = bad_request.add_field_violations();
    fv->set_field(list_[i].field);
    fv->set_description(list_[i].description);
    auto* vw = words.add_field_violations();
    if (!words_[i].empty()) {
      vw->mutable_description()->insert(words_[i].begin(), words_[i].end());
      has_words = true;
    }
  }
  if (list_.size() > kMaxFieldViolations) {
    const Text more(common_words::MORE_FIELDS,
                    {{"count", static_cast<int64_t>(list_.size() - listed)}});
    auto* fv = bad_request.add_field_violations();
    fv->set_field("*");
    fv->set_description(more.In(Language::kEnglish));
    PutWords(more, words.add_field_violations()->mutable_description());
  }
  std::string message =
      list_.size() == 1
          ? absl::StrCat(list_[0].field, ": ", list_[0].description)
          : absl::StrCat(list_.size(), " invalid fields, first ",
                         list_[0].field, ": ", list_[0].description);
  absl::Status status = Error(code, reason, message);
  SetPayload(status, bad_request);
  if (has_words) {
    // The reader's message names no field path: the page shows each
    // violation beside its field.
    for (Language language : kLanguages) {
      const std::string tag(LanguageTag(language));
      const auto it = words_[0].find(tag);
      const std::string first =
          it != words_[0].end() ? it->second : list_[0].description;
      (*words.mutable_message())[tag] =
          list_.size() == 1
              ? first
              : Text(common_words::SEVERAL_FIELDS,
                     {{"count", static_cast<int64_t>(list_.size())},
                      {"first", first}})
                    .In(language);
    }
    SetPayload(status, words);
  }
  return status;
}

absl::Status Error(absl::StatusCode code, absl::string_view reason,
                   absl::string_view message) {
  absl::Status status(code, message);
  AttachErrorInfo(status, reason);
  return status;
}

absl::Status Error(absl::StatusCode code, absl::string_view reason,
                   const Text& text) {
  return Error(code, reason, text.In(Language::kEnglish), text);
}

absl::Status Error(absl::StatusCode code, absl::string_view reason,
                   absl::string_view message, const Text& text) {
  absl::Status status = Error(code, reason, message);
  type::v1::ErrorWords words;
  PutWords(text, words.mutable_message());
  SetPayload(status, words);
  return status;
}

absl::Status InvalidField(absl::string_view field, const Text& text) {
  Violations v;
  v.Add(std::string(field), text);
  return v.ToStatus("INVALID_ARGUMENT");
}

absl::Status InvalidField(absl::string_view field, const absl::Status& reason) {
  Violations v;
  v.Add(std::string(field), reason);
  return v.ToStatus("INVALID_ARGUMENT");
}

namespace {

// What a reader is told of a refusal built without words: one whose detail
// is the operators' (a lost database connection, an overloaded service).
const Words& GeneralWords(absl::StatusCode code) {
  using C = absl::StatusCode;
  switch (code) {
    case C::kUnavailable:
      return common_words::TRY_AGAIN_SOON;
    case C::kDeadlineExceeded:
    case C::kCancelled:
      return common_words::TOOK_TOO_LONG;
    case C::kUnauthenticated:
      return common_words::SIGN_IN_AGAIN;
    case C::kPermissionDenied:
      return common_words::NOT_YOURS;
    case C::kNotFound:
      return common_words::NOT_FOUND;
    case C::kAborted:
      return common_words::CHANGED_MEANWHILE;
    case C::kAlreadyExists:
      return common_words::EXISTS;
    case C::kResourceExhausted:
      return common_words::TOO_MANY_REQUESTS;
    case C::kFailedPrecondition:
      return common_words::NOT_NOW;
    case C::kInvalidArgument:
    case C::kOutOfRange:
      return common_words::NOT_ACCEPTED;
    default:
      return common_words::FAILED_ON_OUR_SIDE;
  }
}

void SetLocalizedMessage(absl::Status& status, const std::string& tag,
                         const std::string& text) {
  google::rpc::LocalizedMessage localized;
  localized.set_locale(tag);
  localized.set_message(text);
  SetPayload(status, localized);
}

}  // namespace

absl::Status InLanguage(absl::Status status, Language language) {
  if (status.ok()) return status;
  const std::string tag(LanguageTag(language));
  type::v1::ErrorWords words;
  if (!ReadPayload(status, &words)) {
    // One from another service carries the caller's language already.
    google::rpc::LocalizedMessage localized;
    if (!ReadPayload(status, &localized)) {
      SetLocalizedMessage(status, tag,
                          Text(GeneralWords(status.code())).In(language));
    }
    return status;
  }
  status.ErasePayload(TypeUrl(words));
  if (auto it = words.message().find(tag); it != words.message().end()) {
    SetLocalizedMessage(status, tag, it->second);
  }
  google::rpc::BadRequest bad_request;
  if (ReadPayload(status, &bad_request)) {
    for (int i = 0; i < bad_request.field_violations_size() &&
                    i < words.field_violations_size();
         ++i) {
      const auto& description = words.field_violations(i).description();
      auto it = description.find(tag);
      if (it == description.end()) continue;
      auto* localized =
          bad_request.mutable_field_violations(i)->mutable_localized_message();
      localized->set_locale(tag);
      localized->set_message(it->second);
    }
    SetPayload(status, bad_request);
  }
  return status;
}

std::string LocalizedMessageOf(const absl::Status& status) {
  google::rpc::LocalizedMessage localized;
  return ReadPayload(status, &localized) ? localized.message() : "";
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
  SetPayload(status, info);
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
      out.push_back(
          {fv.field(), fv.description(), fv.localized_message().message()});
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
