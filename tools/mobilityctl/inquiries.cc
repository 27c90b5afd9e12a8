// mobilityctl inquiries, questions, offices and holidays: the rector's
// office's appeals, the published Q&A, and the tables the procedure reads.
#include "absl/strings/numbers.h"
#include "mobility/inquiries/v1/inquiries.grpc.pb.h"
#include "tools/mobilityctl/ctl.h"

ABSL_FLAG(std::string, office, "",
          "inquiries: offices/ID; token: the offices/ID,... an inquiry "
          "handler is limited to");
ABSL_FLAG(std::string, handler, "", "inquiries assign: the handler's subject");
ABSL_FLAG(std::string, text, "", "inquiries: the text of a message or answer");
ABSL_FLAG(std::string, language, "", "inquiries answer: kk, ru or en");
ABSL_FLAG(std::string, to, "", "inquiries forward: the competent body");
ABSL_FLAG(std::string, due, "", "inquiries extend: the new due date");
ABSL_FLAG(std::string, decision_reference, "",
          "inquiries extend: the decision's reference");
ABSL_FLAG(std::string, number, "", "inquiries track: registration number");
ABSL_FLAG(std::string, code, "", "inquiries track: tracking code");
ABSL_FLAG(std::string, query, "", "questions list: words to search for");
ABSL_FLAG(std::string, display_name, "", "offices create: the office's name");
ABSL_FLAG(std::string, kind, "", "holidays set: DAY_OFF or WORKING_DAY");
ABSL_FLAG(std::string, description, "", "holidays set: what the day is");
ABSL_FLAG(std::string, hours, "",
          "holidays set: a WORKING_DAY's own hours, HH:MM-HH:MM");
ABSL_FLAG(int, due_within, -1,
          "inquiries list: only open ones due within N working days");

namespace mobility::ctl {
namespace {

namespace i1 = ::mobility::inquiries::v1;
using Stub = i1::InquiriesService::Stub;

Client<i1::InquiriesService> InquiriesClient() {
  return Client<i1::InquiriesService>(absl::GetFlag(FLAGS_inquiries_address));
}

const std::vector<std::string> kInquiryHeader = {"NAME", "NUMBER", "STATE",
                                                 "DUE",  "OFFICE", "SUBJECT"};
std::vector<std::string> InquiryRow(const i1::Inquiry& i) {
  return {i.name(),
          i.registration_number(),
          i1::Inquiry::State_Name(i.state()),
          FormatDate(i.legal_due_date()),
          i.office(),
          i.subject()};
}

// Runs one call and prints its result as JSON or with `table`.
template <typename Request, typename Response, typename Method, typename Table>
int Run(Method method, const Request& request, Table&& table) {
  Response response;
  if (auto s = InquiriesClient().Call(method, request, &response); !s.ok())
    return Fail(s);
  return Print(response, [&] { table(response); });
}

template <typename Request, typename Method>
int Change(Method method, const Request& request) {
  return Run<Request, i1::Inquiry>(method, request, [](const i1::Inquiry& i) {
    PrintTable(kInquiryHeader, {InquiryRow(i)});
  });
}

}  // namespace

int Inquiries(const std::vector<std::string>& args) {
  const std::string verb = args.size() > 2 ? args[2] : "";
  const std::string name = args.size() > 3 ? args[3] : "";
  if (verb == "submit") {
    i1::CreateInquiryRequest request;
    if (auto s = ParseJson(absl::GetFlag(FLAGS_json), &request); !s.ok())
      return Fail(s);
    if (!absl::GetFlag(FLAGS_request_id).empty())
      request.set_request_id(absl::GetFlag(FLAGS_request_id));
    return Run<i1::CreateInquiryRequest, i1::InquiryReceipt>(
        &Stub::CreateInquiry, request, [](const i1::InquiryReceipt& r) {
          PrintTable(
              {"NAME", "NUMBER", "STATE", "REGISTERED", "DUE", "TRACKING CODE"},
              {{r.inquiry(), r.receipt().registration_number(),
                i1::Inquiry::State_Name(r.state()),
                FormatDate(r.receipt().registration_date()),
                FormatDate(r.receipt().legal_due_date()),
                r.tracking_code().empty() ? "(shown once before)"
                                          : r.tracking_code()}});
        });
  }
  if (verb == "list") {
    i1::ListInquiriesRequest request;
    request.set_office(absl::GetFlag(FLAGS_office));
    if (!absl::GetFlag(FLAGS_state).empty()) {
      i1::Inquiry::State state;
      if (!i1::Inquiry::State_Parse(absl::GetFlag(FLAGS_state), &state))
        return Usage("--state must be an inquiry state, e.g. REGISTERED");
      request.add_states(state);
    }
    if (absl::GetFlag(FLAGS_due_within) >= 0)
      request.set_due_within_working_days(absl::GetFlag(FLAGS_due_within));
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    request.set_page_token(absl::GetFlag(FLAGS_page_token));
    return Run<i1::ListInquiriesRequest, i1::ListInquiriesResponse>(
        &Stub::ListInquiries, request, [](const i1::ListInquiriesResponse& r) {
          std::vector<std::vector<std::string>> rows;
          for (const auto& i : r.inquiries()) rows.push_back(InquiryRow(i));
          PrintTable(kInquiryHeader, rows);
        });
  }
  if (verb == "get" && !name.empty()) {
    i1::GetInquiryRequest request;
    request.set_name(name);
    return Run<i1::GetInquiryRequest, i1::Inquiry>(
        &Stub::GetInquiry, request, [](const i1::Inquiry& i) {
          PrintTable(kInquiryHeader, {InquiryRow(i)});
          std::vector<std::vector<std::string>> rows;
          for (const auto& h : i.history()) {
            rows.push_back(
                {FormatTimestamp(h.time()), h.actor(), h.action(), h.detail()});
          }
          std::cout << "\n";
          PrintTable({"TIME", "ACTOR", "ACTION", "DETAIL"}, rows);
        });
  }
  if (verb == "track") {
    i1::TrackInquiryRequest request;
    request.set_registration_number(absl::GetFlag(FLAGS_number));
    request.set_tracking_code(absl::GetFlag(FLAGS_code));
    return Run<i1::TrackInquiryRequest, i1::TrackedInquiry>(
        &Stub::TrackInquiry, request, [](const i1::TrackedInquiry& t) {
          PrintTable(
              {"NUMBER", "STATE", "DUE", "SUBJECT"},
              {{t.registration_number(), i1::Inquiry::State_Name(t.state()),
                FormatDate(t.legal_due_date()), t.subject()}});
          if (t.has_answer()) std::cout << "\n" << t.answer().text() << "\n";
        });
  }
  if (verb == "assign" && !name.empty()) {
    i1::AssignInquiryRequest request;
    request.set_name(name);
    request.set_office(absl::GetFlag(FLAGS_office));
    request.set_handler(absl::GetFlag(FLAGS_handler));
    return Change(&Stub::AssignInquiry, request);
  }
  if (verb == "start" && !name.empty()) {
    i1::StartInquiryRequest request;
    request.set_name(name);
    return Change(&Stub::StartInquiry, request);
  }
  if ((verb == "note" || verb == "reply") && !name.empty()) {
    i1::AddMessageRequest request;
    request.set_name(name);
    request.mutable_message()->set_visibility(verb == "note"
                                                  ? i1::Message::INTERNAL_NOTE
                                                  : i1::Message::PUBLIC_REPLY);
    request.mutable_message()->set_text(absl::GetFlag(FLAGS_text));
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    return Change(&Stub::AddMessage, request);
  }
  if (verb == "answer" && !name.empty()) {
    i1::AnswerInquiryRequest request;
    request.set_name(name);
    request.mutable_answer()->set_text(absl::GetFlag(FLAGS_text));
    request.mutable_answer()->set_language(absl::GetFlag(FLAGS_language));
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    return Change(&Stub::AnswerInquiry, request);
  }
  if (verb == "forward" && !name.empty()) {
    i1::ForwardInquiryRequest request;
    request.set_name(name);
    request.mutable_forwarding()->set_body(absl::GetFlag(FLAGS_to));
    request.mutable_forwarding()->set_reason(absl::GetFlag(FLAGS_reason));
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    return Change(&Stub::ForwardInquiry, request);
  }
  if (verb == "extend" && !name.empty()) {
    i1::ExtendInquiryRequest request;
    request.set_name(name);
    auto due = DateFlag(FLAGS_due, "due");
    if (!due.ok()) return Fail(due.status());
    *request.mutable_extension()->mutable_due_date() = *due;
    request.mutable_extension()->set_reason(absl::GetFlag(FLAGS_reason));
    request.mutable_extension()->set_decision_reference(
        absl::GetFlag(FLAGS_decision_reference));
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    return Change(&Stub::ExtendInquiry, request);
  }
  if (verb == "close" && !name.empty()) {
    i1::CloseInquiryRequest request;
    request.set_name(name);
    return Change(&Stub::CloseInquiry, request);
  }
  if (verb == "publish" && !name.empty()) {
    i1::PublishQuestionRequest request;
    if (auto s = ParseJson(absl::GetFlag(FLAGS_json),
                           request.mutable_published_question());
        !s.ok())
      return Fail(s);
    request.set_inquiry(name);
    return Run<i1::PublishQuestionRequest, i1::PublishedQuestion>(
        &Stub::PublishQuestion, request, [](const i1::PublishedQuestion& q) {
          PrintTable({"NAME", "TITLE"}, {{q.name(), q.title()}});
        });
  }
  return Usage(
      "inquiries submit --json FILE | list [--office O] [--state S] "
      "[--due_within N] | get NAME | track --number N --code C | assign NAME "
      "--office O --handler H | start NAME | note|reply NAME --text T | answer "
      "NAME --text T --language L | forward NAME --to BODY --reason R | "
      "extend NAME --due DATE --reason R | close NAME | publish NAME --json "
      "FILE");
}

int Questions(const std::vector<std::string>& args) {
  const std::string verb = args.size() > 2 ? args[2] : "";
  if (verb != "list") return Usage("questions list [--query WORDS]");
  i1::ListPublishedQuestionsRequest request;
  request.set_query(absl::GetFlag(FLAGS_query));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  request.set_page_token(absl::GetFlag(FLAGS_page_token));
  return Run<i1::ListPublishedQuestionsRequest,
             i1::ListPublishedQuestionsResponse>(
      &Stub::ListPublishedQuestions, request,
      [](const i1::ListPublishedQuestionsResponse& r) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& q : r.published_questions())
          rows.push_back({q.name(), q.language(), q.title()});
        PrintTable({"NAME", "LANGUAGE", "TITLE"}, rows);
      });
}

int Offices(const std::vector<std::string>& args) {
  const std::string verb = args.size() > 2 ? args[2] : "";
  auto table = [](const i1::Office& o) {
    PrintTable({"NAME", "ACTIVE", "DISPLAY NAME"},
               {{o.name(), o.active() ? "yes" : "no", o.display_name()}});
  };
  if (verb == "list") {
    return Run<i1::ListOfficesRequest, i1::ListOfficesResponse>(
        &Stub::ListOffices, i1::ListOfficesRequest(),
        [](const i1::ListOfficesResponse& r) {
          std::vector<std::vector<std::string>> rows;
          for (const auto& o : r.offices())
            rows.push_back(
                {o.name(), o.active() ? "yes" : "no", o.display_name()});
          PrintTable({"NAME", "ACTIVE", "DISPLAY NAME"}, rows);
        });
  }
  if (verb == "create") {
    i1::CreateOfficeRequest request;
    request.set_office_id(absl::GetFlag(FLAGS_id));
    // An Office in JSON gives its name in several languages.
    if (!absl::GetFlag(FLAGS_json).empty()) {
      if (auto s =
              ParseJson(absl::GetFlag(FLAGS_json), request.mutable_office());
          !s.ok())
        return Fail(s);
    } else {
      request.mutable_office()->set_display_name(
          absl::GetFlag(FLAGS_display_name));
    }
    request.mutable_office()->set_active(true);
    return Run<i1::CreateOfficeRequest, i1::Office>(&Stub::CreateOffice,
                                                    request, table);
  }
  return Usage(
      "offices list | create --id ID (--display_name NAME | --json OFFICE)");
}

int Holidays(const std::vector<std::string>& args) {
  const std::string verb = args.size() > 2 ? args[2] : "";
  const std::string day = args.size() > 3 ? args[3] : "";
  auto table = [](const i1::Holiday& h) {
    PrintTable({"NAME", "KIND", "DESCRIPTION"},
               {{h.name(), i1::Holiday::Kind_Name(h.kind()), h.description()}});
  };
  if (verb == "list") {
    i1::ListHolidaysRequest request;
    if (!absl::GetFlag(FLAGS_year).empty()) {
      int year = 0;
      if (!absl::SimpleAtoi(absl::GetFlag(FLAGS_year), &year))
        return Usage("--year must be a year, e.g. 2026");
      request.set_year(year);
    }
    return Run<i1::ListHolidaysRequest, i1::ListHolidaysResponse>(
        &Stub::ListHolidays, request, [](const i1::ListHolidaysResponse& r) {
          std::vector<std::vector<std::string>> rows;
          for (const auto& h : r.holidays()) {
            rows.push_back(
                {h.name(), i1::Holiday::Kind_Name(h.kind()), h.description()});
          }
          PrintTable({"NAME", "KIND", "DESCRIPTION"}, rows);
        });
  }
  if (verb == "set" && !day.empty()) {
    i1::SetHolidayRequest request;
    request.mutable_holiday()->set_name(absl::StrCat("holidays/", day));
    i1::Holiday::Kind kind = i1::Holiday::KIND_UNSPECIFIED;
    if (!i1::Holiday::Kind_Parse(absl::GetFlag(FLAGS_kind), &kind))
      return Usage("--kind must be DAY_OFF or WORKING_DAY");
    request.mutable_holiday()->set_kind(kind);
    request.mutable_holiday()->set_description(
        absl::GetFlag(FLAGS_description));
    request.mutable_holiday()->set_working_hours(absl::GetFlag(FLAGS_hours));
    return Run<i1::SetHolidayRequest, i1::Holiday>(&Stub::SetHoliday, request,
                                                   table);
  }
  if (verb == "delete" && !day.empty()) {
    i1::DeleteHolidayRequest request;
    request.set_name(absl::StrCat("holidays/", day));
    return Run<i1::DeleteHolidayRequest, google::protobuf::Empty>(
        &Stub::DeleteHoliday, request, [](const google::protobuf::Empty&) {});
  }
  return Usage(
      "holidays list [--year Y] | set YYYY-MM-DD --kind DAY_OFF|WORKING_DAY "
      "--description D [--hours HH:MM-HH:MM] | delete YYYY-MM-DD");
}

}  // namespace mobility::ctl
