#include "services/inquiries/handling.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/idempotency.h"
#include "common/status.h"
#include "common/types.h"
#include "services/inquiries/directory.h"
#include "services/inquiries/inquiry_record.h"
#include "services/inquiries/inquiry_rules.h"
#include "services/inquiries/words.h"

namespace mobility::inquiries {
namespace {

using State = v1::Inquiry::State;
const std::set<State> kOpen = {
    v1::Inquiry::REGISTERED, v1::Inquiry::ASSIGNED, v1::Inquiry::IN_PROGRESS,
    v1::Inquiry::WAITING_FOR_AUTHOR, v1::Inquiry::REOPENED};

absl::Status WrongState(const v1::Inquiry& inquiry,
                        const std::set<State>& from) {
  std::vector<std::string> names;
  for (State s : from) names.push_back(v1::Inquiry::State_Name(s));
  return Error(absl::StatusCode::kFailedPrecondition, "INQUIRY_STATE",
               absl::StrCat(inquiry.name(), " is ",
                            v1::Inquiry::State_Name(inquiry.state()),
                            "; this step needs ", absl::StrJoin(names, ", ")),
               Text(words::INQUIRY_STATE));
}

absl::Status CheckText(absl::string_view field, absl::string_view text,
                       int max = kMaxTextChars) {
  if (absl::StripAsciiWhitespace(text).empty() || CharCount(text) > max) {
    return InvalidField(field,
                        Text(common_words::REQUIRED_AT_MOST, {{"max", max}}));
  }
  return absl::OkStatus();
}

absl::Status AddWhole(InquiriesStore& store, v1::Inquiry& inquiry) {
  const std::string id = ResourceIdOf(inquiry.name());
  MOBILITY_ASSIGN_OR_RETURN(auto messages, store.Messages(id, false));
  for (auto& m : messages) *inquiry.add_messages() = std::move(m);
  MOBILITY_ASSIGN_OR_RETURN(auto history, store.History(id));
  for (auto& e : history) *inquiry.add_history() = std::move(e);
  return absl::OkStatus();
}

}  // namespace

template <typename Request>
absl::StatusOr<v1::Inquiry> Handling::Change(
    const std::string& method, const Request& request, const std::string& name,
    const std::string& etag, const std::string& request_id,
    std::set<State> from, const CallContext& call,
    const std::function<absl::Status(Step&)>& apply) {
  auto id = ParseResourceName("name", name, "inquiries");
  if (!id.ok()) return id.status();
  if (auto s = ValidateRequestId("request_id", request_id); !s.ok()) return s;
  v1::Inquiry out;
  absl::Status status =
      store_->Transact(call.limit, [&](InquiriesStore& store) -> absl::Status {
        return RunIdempotent(
            store, method, call.principal, request_id, request, &out,
            [&]() -> absl::Status {
              MOBILITY_ASSIGN_OR_RETURN(
                  auto inquiry, store.GetInquiry(*id, /*for_update=*/true));
              if (!inquiry || !SeesOffice(call.principal, inquiry->office()))
                return InquiryNotFound(name);
              if (auto s = CheckEtag(etag, inquiry->etag()); !s.ok()) return s;
              if (from.count(inquiry->state()) == 0)
                return WrongState(*inquiry, from);
              Step step{store, *inquiry, settings_->Now(), "", "", {}};
              if (auto s = apply(step); !s.ok()) return s;
              Stamp(*inquiry, step.now);
              MOBILITY_RETURN_IF_ERROR(store.SaveInquiry(*id, *inquiry));
              MOBILITY_RETURN_IF_ERROR(AppendHistory(store, *inquiry, step.now,
                                                     call.principal.subject,
                                                     step.action, step.detail));
              if (step.notice) {
                MOBILITY_RETURN_IF_ERROR(Notify(store, *step.notice, *inquiry,
                                                *settings_, step.now));
              }
              MOBILITY_RETURN_IF_ERROR(AddWhole(store, *inquiry));
              out = *std::move(inquiry);
              return absl::OkStatus();
            });
      });
  if (!status.ok()) return status;
  return out;
}

void Handling::GetInquiry(const v1::GetInquiryRequest& request,
                          const CallContext& call, Then<v1::Inquiry> reply) {
  auto id = ParseResourceName("name", request.name(), "inquiries");
  if (!id.ok()) return reply(id.status());
  reads_->GetWholeInquiry(
      call.limit, *id,
      [&call, name = request.name(), reply = std::move(reply)](
          absl::StatusOr<std::optional<v1::Inquiry>> inquiry) {
        if (!inquiry.ok()) return reply(inquiry.status());
        // Another office's appeal is as absent as one that does not exist.
        if (!*inquiry || !SeesOffice(call.principal, (*inquiry)->office()))
          return reply(InquiryNotFound(name));
        reply(**std::move(inquiry));
      });
}

void Handling::ListInquiries(const v1::ListInquiriesRequest& request,
                             const CallContext& call,
                             Then<v1::ListInquiriesResponse> reply) {
  auto page_size = EffectivePageSize(request.page_size());
  if (!page_size.ok()) return reply(page_size.status());
  InquiriesStore::Filter filter;
  if (!request.office().empty()) {
    auto office = ParseResourceName("office", request.office(), "offices");
    if (!office.ok()) return reply(office.status());
    if (auto s = CheckOffice(call.principal, request.office()); !s.ok())
      return reply(s);
    filter.offices = {request.office()};
  } else if (!SeesOffice(call.principal, "")) {
    filter.offices = call.principal.offices;  // A handler's own offices.
  }
  for (int i = 0; i < request.states_size(); ++i) {
    const int state = request.states(i);
    if (state == v1::Inquiry::STATE_UNSPECIFIED ||
        !v1::Inquiry::State_IsValid(state)) {
      return reply(
          InvalidField(absl::StrCat("states[", i, "]"), Text(words::A_STATE)));
    }
    filter.states.push_back(v1::Inquiry::State_Name(request.states(i)));
  }
  const bool overdue_view = request.has_due_within_working_days();
  if (overdue_view) {
    if (request.due_within_working_days() < 0 ||
        request.due_within_working_days() > 60) {
      return reply(
          InvalidField("due_within_working_days", Text(words::DUE_WITHIN)));
    }
    if (filter.states.empty()) {
      for (State s : kOpen) filter.states.push_back(v1::Inquiry::State_Name(s));
    }
  }
  const std::string query =
      absl::StrCat("inquiries|", absl::StrJoin(filter.offices, ","), "|",
                   absl::StrJoin(filter.states, ","), "|",
                   overdue_view ? request.due_within_working_days() : -1);
  auto after = DecodePageToken(request.page_token(), query);
  if (!after.ok()) return reply(after.status());
  // One row more than the page tells whether another page follows.
  auto list = [this, limit = call.limit, after = *after, page_size = *page_size,
               query, reply](InquiriesStore::Filter filter) {
    reads_->ListInquiries(
        limit, filter, after, page_size + 1,
        [page_size, query,
         reply](absl::StatusOr<std::vector<v1::Inquiry>> rows) {
          if (!rows.ok()) return reply(rows.status());
          v1::ListInquiriesResponse out;
          out.set_next_page_token(TakePage(
              *rows, page_size, query,
              [&](v1::Inquiry i) { *out.add_inquiries() = std::move(i); },
              [](const v1::Inquiry& i) {
                return absl::StrCat(FormatDate(i.legal_due_date()), "/",
                                    ResourceIdOf(i.name()));
              }));
          reply(std::move(out));
        });
  };
  if (!overdue_view) return list(std::move(filter));
  // The due view: what falls due within n working days of the office's
  // calendar, read first when n > 0.
  const absl::CivilDay today = settings_->Today();
  const int n = request.due_within_working_days();
  filter.due_by = today;
  if (n == 0) return list(std::move(filter));
  if (auto calendar = calendars_->Find(kCalendarKey)) {
    filter.due_by = calendar->AddWorkingDays(today, n);
    return list(std::move(filter));
  }
  // Taken before reading, so a holiday changed meanwhile is not kept.
  const auto ticket = calendars_->Take();
  reads_->LoadCalendarTable(
      call.limit,
      [this, ticket, today, n, filter, list = std::move(list),
       reply = std::move(reply)](
          absl::StatusOr<InquiriesStore::CalendarTable> table) mutable {
        if (!table.ok()) return reply(table.status());
        auto calendar = calendars_->Keep(
            ticket, kCalendarKey, CalendarOf(*std::move(table), *settings_));
        filter.due_by = calendar->AddWorkingDays(today, n);
        list(std::move(filter));
      });
}

absl::StatusOr<v1::Inquiry> Handling::AssignInquiry(
    const v1::AssignInquiryRequest& request, const CallContext& call) {
  auto office_id = ParseResourceName("office", request.office(), "offices");
  if (!office_id.ok()) return office_id.status();
  if (request.handler().empty() || request.handler().size() > 200)
    return InvalidField("handler", Text(words::HANDLER));
  return Change(
      "AssignInquiry", request, request.name(), request.etag(), "",
      {v1::Inquiry::REGISTERED, v1::Inquiry::REOPENED, v1::Inquiry::ASSIGNED,
       v1::Inquiry::IN_PROGRESS, v1::Inquiry::WAITING_FOR_AUTHOR},
      call, [&](Step& step) -> absl::Status {
        MOBILITY_ASSIGN_OR_RETURN(const auto office,
                                  step.store.GetOffice(*office_id));
        if (!office || !office->active())
          return InvalidField("office", Text(words::OFFICE_NOT_ACTIVE));
        step.inquiry.set_state(v1::Inquiry::ASSIGNED);
        step.inquiry.set_office(request.office());
        step.inquiry.set_handler(request.handler());
        step.inquiry.clear_follow_up_date();
        step.action = "assigned";
        step.detail = absl::StrCat(request.office(), " ", request.handler());
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Inquiry> Handling::StartInquiry(
    const v1::StartInquiryRequest& request, const CallContext& call) {
  return Change("StartInquiry", request, request.name(), request.etag(), "",
                {v1::Inquiry::ASSIGNED, v1::Inquiry::WAITING_FOR_AUTHOR}, call,
                [&](Step& step) {
                  step.inquiry.set_state(v1::Inquiry::IN_PROGRESS);
                  step.inquiry.clear_follow_up_date();
                  step.action = "started";
                  return absl::OkStatus();
                });
}

absl::StatusOr<v1::Inquiry> Handling::WaitForAuthor(
    const v1::WaitForAuthorRequest& request, const CallContext& call) {
  if (!IsValidDate(request.follow_up_date()))
    return InvalidField("follow_up_date", Text(common_words::REAL_DATE));
  return Change(
      "WaitForAuthor", request, request.name(), request.etag(), "",
      {v1::Inquiry::IN_PROGRESS}, call, [&](Step& step) -> absl::Status {
        if (ToCivilDay(request.follow_up_date()) <
            absl::ToCivilDay(step.now, settings_->zone)) {
          return InvalidField("follow_up_date", Text(words::IN_THE_PAST));
        }
        step.inquiry.set_state(v1::Inquiry::WAITING_FOR_AUTHOR);
        *step.inquiry.mutable_follow_up_date() = request.follow_up_date();
        step.action = "waiting for the author";
        step.detail =
            absl::StrCat("follow up on ", FormatDate(request.follow_up_date()));
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Inquiry> Handling::AddMessage(
    const v1::AddMessageRequest& request, const CallContext& call) {
  const v1::Message& message = request.message();
  const bool reply = message.visibility() == v1::Message::PUBLIC_REPLY;
  if (!reply && message.visibility() != v1::Message::INTERNAL_NOTE) {
    return InvalidField("message.visibility", Text(words::VISIBILITY));
  }
  if (auto s = CheckText("message.text", message.text()); !s.ok()) return s;
  // Notes may be added to the file at any time; the author is written to only
  // while the office still handles the appeal.
  std::set<State> from = kOpen;
  if (!reply) {
    from.insert({v1::Inquiry::ANSWERED, v1::Inquiry::CLOSED,
                 v1::Inquiry::FORWARDED, v1::Inquiry::NOT_CONSIDERED});
  }
  return Change(
      "AddMessage", request, request.name(), "", request.request_id(), from,
      call, [&](Step& step) {
        v1::Message m = message;
        m.set_sender(call.principal.subject);
        *m.mutable_create_time() = ToTimestamp(step.now);
        MOBILITY_RETURN_IF_ERROR(
            step.store.AppendMessage(ResourceIdOf(step.inquiry.name()), m));
        step.action = reply ? "public reply" : "internal note";
        if (reply) {
          // The notice quotes the reply, which the body lacks.
          v1::Inquiry with_reply = step.inquiry;
          *with_reply.add_messages() = m;
          MOBILITY_RETURN_IF_ERROR(Notify(step.store, NoticeKind::kReply,
                                          with_reply, *settings_, step.now));
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Inquiry> Handling::AnswerInquiry(
    const v1::AnswerInquiryRequest& request, const CallContext& call) {
  v1::Answer answer = request.answer();
  if (auto s = CheckText("answer.text", answer.text()); !s.ok()) return s;
  if (!IsSupportedLanguage(answer.language()))
    return InvalidField("answer.language", Text(common_words::PAGE_LANGUAGE));
  if (CharCount(answer.appeal_procedure()) > kMaxTextChars)
    return InvalidField("answer.appeal_procedure",
                        Text(common_words::TOO_LONG));
  return Change(
      "AnswerInquiry", request, request.name(), request.etag(),
      request.request_id(),
      {v1::Inquiry::IN_PROGRESS, v1::Inquiry::WAITING_FOR_AUTHOR,
       v1::Inquiry::REOPENED},
      call, [&](Step& step) -> absl::Status {
        // The state language, or the language of the appeal (Art. 76).
        if (answer.language() != "kk" &&
            answer.language() != step.inquiry.language()) {
          return InvalidField("answer.language",
                              Text(words::ANSWER_LANGUAGE,
                                   {{"language", step.inquiry.language()}}));
        }
        if (answer.appeal_procedure().empty())
          answer.set_appeal_procedure(AppealProcedure(answer.language()));
        answer.set_answered_by(call.principal.subject);
        *answer.mutable_answer_time() = ToTimestamp(step.now);
        *step.inquiry.mutable_answer() = answer;
        step.inquiry.set_state(v1::Inquiry::ANSWERED);
        step.inquiry.clear_follow_up_date();
        step.action = "answered";
        step.detail = absl::StrCat("in ", answer.language());
        step.notice = NoticeKind::kAnswered;
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Inquiry> Handling::ForwardInquiry(
    const v1::ForwardInquiryRequest& request, const CallContext& call) {
  v1::Forwarding forwarding = request.forwarding();
  if (auto s = CheckText("forwarding.body", forwarding.body(), kMaxFieldChars);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckText("forwarding.reason", forwarding.reason()); !s.ok())
    return s;
  return Change(
      "ForwardInquiry", request, request.name(), request.etag(),
      request.request_id(),
      {v1::Inquiry::REGISTERED, v1::Inquiry::ASSIGNED, v1::Inquiry::IN_PROGRESS,
       v1::Inquiry::WAITING_FOR_AUTHOR},
      call, [&](Step& step) {
        forwarding.set_forwarded_by(call.principal.subject);
        *forwarding.mutable_forward_time() = ToTimestamp(step.now);
        // Late forwarding still goes: the appeal must reach the competent
        // body; the record shows the 3 working days were missed.
        forwarding.set_late(absl::ToCivilDay(step.now, settings_->zone) >
                            ToCivilDay(step.inquiry.forward_due_date()));
        *step.inquiry.mutable_forwarding() = forwarding;
        step.inquiry.set_state(v1::Inquiry::FORWARDED);
        step.action = "forwarded";
        step.detail = absl::StrCat("to ", forwarding.body(),
                                   forwarding.late() ? " (late)" : "");
        step.notice = NoticeKind::kForwarded;
        return absl::OkStatus();
      });
}

namespace {

// INVALID_ARGUMENT on `field` unless `due` is after the inquiry's legal due
// date and at most 2 months from its registration.
absl::Status CheckExtendedDueDate(const v1::Inquiry& inquiry,
                                  const type::v1::Date& due,
                                  absl::string_view field) {
  const absl::CivilDay limit = WorkingCalendar::AddMonths(
      ToCivilDay(inquiry.receipt().registration_date()), kMaxExtensionMonths);
  if (ToCivilDay(due) <= ToCivilDay(inquiry.legal_due_date())) {
    return InvalidField(
        field,
        Text(words::EXTENSION_AFTER_DUE,
             {{"date", Value::Date(ToCivilDay(inquiry.legal_due_date()))}}));
  }
  if (ToCivilDay(due) > limit) {
    return InvalidField(field, Text(words::EXTENSION_TWO_MONTHS,
                                    {{"date", Value::Date(limit)}}));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::Inquiry> Handling::RequestExtension(
    const v1::RequestExtensionRequest& request, const CallContext& call) {
  v1::ExtensionRequest asked = request.extension_request();
  if (!IsValidDate(asked.due_date()))
    return InvalidField("extension_request.due_date",
                        Text(common_words::REAL_DATE));
  if (auto s = CheckText("extension_request.reason", asked.reason()); !s.ok())
    return s;
  return Change(
      "RequestExtension", request, request.name(), request.etag(), "", kOpen,
      call, [&](Step& step) -> absl::Status {
        if (auto s = CheckExtendedDueDate(step.inquiry, asked.due_date(),
                                          "extension_request.due_date");
            !s.ok())
          return s;
        asked.set_requested_by(call.principal.subject);
        *asked.mutable_request_time() = ToTimestamp(step.now);
        *step.inquiry.mutable_extension_request() = asked;
        step.action = "extension requested";
        step.detail = absl::StrCat("due ", FormatDate(asked.due_date()));
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Inquiry> Handling::ExtendInquiry(
    const v1::ExtendInquiryRequest& request, const CallContext& call) {
  v1::Extension extension = request.extension();
  if (!IsValidDate(extension.due_date()))
    return InvalidField("extension.due_date", Text(common_words::REAL_DATE));
  if (auto s = CheckText("extension.reason", extension.reason()); !s.ok())
    return s;
  if (CharCount(extension.decision_reference()) > kMaxFieldChars)
    return InvalidField("extension.decision_reference",
                        Text(common_words::TOO_LONG));
  return Change(
      "ExtendInquiry", request, request.name(), request.etag(),
      request.request_id(), kOpen, call, [&](Step& step) -> absl::Status {
        if (auto s = CheckExtendedDueDate(step.inquiry, extension.due_date(),
                                          "extension.due_date");
            !s.ok())
          return s;
        MOBILITY_ASSIGN_OR_RETURN(const WorkingCalendar calendar,
                                  LoadCalendar(step.store, *settings_));
        extension.set_decided_by(call.principal.subject);
        *extension.mutable_decide_time() = ToTimestamp(step.now);
        *extension.mutable_notice_due_date() = ToDate(
            calendar.AddWorkingDays(absl::ToCivilDay(step.now, settings_->zone),
                                    kExtensionNoticeWorkingDays));
        *step.inquiry.add_extensions() = extension;
        *step.inquiry.mutable_legal_due_date() = extension.due_date();
        step.inquiry.clear_extension_request();
        step.action = "extended";
        step.detail = absl::StrCat("due ", FormatDate(extension.due_date()),
                                   "; ", extension.decision_reference());
        step.notice = NoticeKind::kExtended;
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Inquiry> Handling::DeclineExtension(
    const v1::DeclineExtensionRequest& request, const CallContext& call) {
  if (auto s = CheckText("reason", request.reason()); !s.ok()) return s;
  return Change("DeclineExtension", request, request.name(), request.etag(), "",
                kOpen, call, [&](Step& step) -> absl::Status {
                  if (!step.inquiry.has_extension_request()) {
                    return Error(absl::StatusCode::kFailedPrecondition,
                                 "NO_EXTENSION_REQUEST",
                                 Text(words::NO_EXTENSION_REQUEST));
                  }
                  step.inquiry.clear_extension_request();
                  step.action = "extension declined";
                  step.detail = request.reason();
                  return absl::OkStatus();
                });
}

absl::StatusOr<v1::Inquiry> Handling::CloseInquiry(
    const v1::CloseInquiryRequest& request, const CallContext& call) {
  return Change("CloseInquiry", request, request.name(), request.etag(), "",
                {v1::Inquiry::ANSWERED, v1::Inquiry::FORWARDED,
                 v1::Inquiry::NOT_CONSIDERED},
                call, [&](Step& step) {
                  step.inquiry.set_state(v1::Inquiry::CLOSED);
                  if (!step.inquiry.has_close_time())
                    *step.inquiry.mutable_close_time() = ToTimestamp(step.now);
                  step.action = "closed";
                  return absl::OkStatus();
                });
}

absl::StatusOr<v1::Inquiry> Handling::MarkAsReport(
    const v1::MarkAsReportRequest& request, const CallContext& call) {
  if (auto s = CheckText("reason", request.reason()); !s.ok()) return s;
  return Change("MarkAsReport", request, request.name(), request.etag(), "",
                {v1::Inquiry::NOT_CONSIDERED}, call, [&](Step& step) {
                  step.inquiry.set_state(v1::Inquiry::REGISTERED);
                  step.inquiry.set_kind(v1::REPORT);
                  step.inquiry.clear_not_considered_reason();
                  step.inquiry.clear_close_time();
                  step.action = "marked as a report to pass on";
                  step.detail = request.reason();
                  return absl::OkStatus();
                });
}

}  // namespace mobility::inquiries
