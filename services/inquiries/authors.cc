#include "services/inquiries/authors.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/idempotency.h"
#include "common/status.h"
#include "common/types.h"
#include "services/inquiries/inquiry_record.h"
#include "services/inquiries/inquiry_rules.h"
#include "services/inquiries/words.h"

namespace mobility::inquiries {
namespace {

// "2026-000123": four digits, a dash, at least six digits.
bool IsRegistrationNumber(absl::string_view number) {
  if (number.size() < 11 || number.size() > 16 || number[4] != '-')
    return false;
  for (size_t i = 0; i < number.size(); ++i) {
    if (i != 4 && !absl::ascii_isdigit(number[i])) return false;
  }
  return true;
}

absl::Status CheckCredentials(absl::string_view number,
                              absl::string_view code) {
  Violations violations;
  if (!IsRegistrationNumber(number))
    violations.Add("registration_number", Text(words::REGISTRATION_NUMBER));
  if (code.empty() || code.size() > 64)
    violations.Add("tracking_code", Text(common_words::REQUIRED));
  return violations.ToStatus("INVALID_TRACKING_REQUEST");
}

// The same answer for an unknown number and a wrong code.
absl::Status NotTracked() {
  return Error(absl::StatusCode::kNotFound, "INQUIRY_NOT_FOUND",
               Text(words::NOT_TRACKED));
}

v1::TrackedInquiry AuthorView(const v1::Inquiry& inquiry,
                              std::vector<v1::Message> public_messages) {
  v1::TrackedInquiry out;
  out.set_registration_number(inquiry.registration_number());
  out.set_kind(inquiry.kind());
  out.set_subject(inquiry.subject());
  out.set_text(inquiry.text());
  out.set_state(AuthorVisibleState(inquiry.state()));
  out.set_not_considered_reason(inquiry.not_considered_reason());
  *out.mutable_receipt() = inquiry.receipt();
  *out.mutable_legal_due_date() = inquiry.legal_due_date();
  for (const auto& e : inquiry.extensions()) {
    v1::Extension* x = out.add_extensions();
    *x->mutable_due_date() = e.due_date();
    x->set_reason(e.reason());
    x->set_decision_reference(e.decision_reference());
    *x->mutable_decide_time() = e.decide_time();
  }
  if (inquiry.has_forwarding()) {
    out.mutable_forwarding()->set_body(inquiry.forwarding().body());
    out.mutable_forwarding()->set_reason(inquiry.forwarding().reason());
    *out.mutable_forwarding()->mutable_forward_time() =
        inquiry.forwarding().forward_time();
  }
  if (inquiry.has_answer()) {
    *out.mutable_answer() = inquiry.answer();
    out.mutable_answer()->clear_answered_by();  // Staff subjects stay inside.
  }
  for (auto& m : public_messages) {
    if (m.sender() != kAuthorActor) m.set_sender("office");
    *out.add_messages() = std::move(m);
  }
  return out;
}

std::string LookupKey(const CallContext& call) {
  return KeyedDigest("rate limit",
                     absl::StrCat("lookup:", call.client_address));
}

}  // namespace

absl::Status Authors::CheckLookups(const CallContext& call) const {
  const absl::Time now = settings_->Now();
  return store_->Transact(call.limit, [&](InquiriesStore& store) {
    const std::string key = LookupKey(call);
    MOBILITY_RETURN_IF_ERROR(store.LockSubmissions({key}));
    MOBILITY_ASSIGN_OR_RETURN(
        const auto usage,
        store.CountSubmissions(key, now - absl::Hours(1), std::nullopt));
    if (usage.count < kFailedLookupsPerHour) return absl::OkStatus();
    const absl::Duration wait =
        absl::Ceil(usage.earliest + absl::Hours(1) - now, absl::Seconds(1));
    return WithRetryDelay(
        Error(absl::StatusCode::kResourceExhausted, "LOOKUP_RATE_LIMITED",
              Text(words::LOOKUPS_PER_HOUR, {{"minutes", WholeMinutes(wait)}})),
        wait);
  });
}

template <typename T>
absl::StatusOr<T> Authors::CountingFailure(absl::StatusOr<T> result,
                                           const CallContext& call) const {
  if (result.ok() || ErrorReason(result.status()) != "INQUIRY_NOT_FOUND")
    return result;
  const absl::Time now = settings_->Now();
  absl::Status counted =
      store_->Transact(call.limit, [&](InquiriesStore& store) {
        MOBILITY_RETURN_IF_ERROR(store.RecordSubmission(LookupKey(call), now));
        return absl::OkStatus();
      });
  if (!counted.ok()) return counted;
  return result;
}

absl::StatusOr<v1::TrackedInquiry> Authors::TrackInquiry(
    const v1::TrackInquiryRequest& request, const CallContext& call) {
  if (auto s = CheckCredentials(request.registration_number(),
                                request.tracking_code());
      !s.ok()) {
    return s;
  }
  if (auto s = CheckLookups(call); !s.ok()) return s;
  const std::string hash = TrackingCodeHash(request.tracking_code());
  return CountingFailure(
      store_->ReadValue(
          call.limit,
          [&](InquiriesStore& store) -> absl::StatusOr<v1::TrackedInquiry> {
            MOBILITY_ASSIGN_OR_RETURN(
                auto id,
                store.FindTracked(request.registration_number(), hash));
            if (!id) return NotTracked();
            MOBILITY_ASSIGN_OR_RETURN(auto inquiry,
                                      store.GetInquiry(*id, false));
            if (!inquiry) return NotTracked();
            MOBILITY_ASSIGN_OR_RETURN(
                auto messages, store.Messages(*id, /*public_only=*/true));
            return AuthorView(*inquiry, std::move(messages));
          }),
      call);
}

absl::StatusOr<v1::TrackedInquiry> Authors::ReplyToInquiry(
    const v1::ReplyToInquiryRequest& request, const CallContext& call) {
  if (auto s = CheckCredentials(request.registration_number(),
                                request.tracking_code());
      !s.ok()) {
    return s;
  }
  if (absl::StripAsciiWhitespace(request.text()).empty() ||
      CharCount(request.text()) > kMaxTextChars) {
    return InvalidField("text",
                        Text(words::TEXT_REQUIRED, {{"max", kMaxTextChars}}));
  }
  if (auto s = ValidateRequestId("request_id", request.request_id()); !s.ok())
    return s;
  if (auto s = CheckLookups(call); !s.ok()) return s;
  const std::string hash = TrackingCodeHash(request.tracking_code());
  v1::TrackedInquiry out;
  absl::Status status =
      store_->Transact(call.limit, [&](InquiriesStore& store) -> absl::Status {
        MOBILITY_ASSIGN_OR_RETURN(
            auto id, store.FindTracked(request.registration_number(), hash));
        if (!id) return NotTracked();
        return RunIdempotent(
            store, "ReplyToInquiry", call.principal, request.request_id(),
            request, &out, [&]() -> absl::Status {
              MOBILITY_ASSIGN_OR_RETURN(
                  auto inquiry, store.GetInquiry(*id, /*for_update=*/true));
              if (!inquiry) return NotTracked();
              const absl::Time now = settings_->Now();
              const v1::Inquiry::State state = inquiry->state();
              std::string action = "author replied";
              if (state == v1::Inquiry::ANSWERED ||
                  state == v1::Inquiry::CLOSED) {
                if (now - FromTimestamp(inquiry->answer().answer_time()) >
                    kReopenPeriod) {
                  return Error(absl::StatusCode::kFailedPrecondition,
                               "REPLY_PERIOD_OVER",
                               Text(words::REPLY_PERIOD_OVER));
                }
                inquiry->set_state(v1::Inquiry::REOPENED);
                inquiry->clear_close_time();
                action = "reopened by the author's reply";
              } else if (state == v1::Inquiry::WAITING_FOR_AUTHOR) {
                inquiry->set_state(v1::Inquiry::IN_PROGRESS);
                inquiry->clear_follow_up_date();
              } else if (!IsOpen(state)) {
                return Error(
                    absl::StatusCode::kFailedPrecondition, "INQUIRY_STATE",
                    absl::StrCat("an inquiry ", v1::Inquiry::State_Name(state),
                                 " takes no replies"),
                    Text(words::NO_REPLIES));
              }
              v1::Message message;
              message.set_visibility(v1::Message::PUBLIC_REPLY);
              message.set_sender(kAuthorActor);
              message.set_text(request.text());
              *message.mutable_create_time() = ToTimestamp(now);
              MOBILITY_RETURN_IF_ERROR(store.AppendMessage(*id, message));
              Stamp(*inquiry, now);
              MOBILITY_RETURN_IF_ERROR(store.SaveInquiry(*id, *inquiry));
              MOBILITY_RETURN_IF_ERROR(
                  AppendHistory(store, *inquiry, now, kAuthorActor, action));
              MOBILITY_ASSIGN_OR_RETURN(auto messages,
                                        store.Messages(*id, true));
              out = AuthorView(*inquiry, std::move(messages));
              return absl::OkStatus();
            });
      });
  if (!status.ok()) {
    return CountingFailure(absl::StatusOr<v1::TrackedInquiry>(status), call);
  }
  return out;
}

}  // namespace mobility::inquiries
