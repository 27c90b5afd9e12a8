#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "tools/mobilityctl/ctl.h"

namespace mobility::ctl {
namespace {

Client<a1::ApplicationsService> ApplicationsClient() {
  return Client<a1::ApplicationsService>(
      absl::GetFlag(FLAGS_applications_address));
}

const std::vector<std::string> kCallHeader = {"NAME", "STATE", "YEAR", "CLOSES",
                                              "TITLE"};
std::vector<std::string> CallRow(const a1::Call& c) {
  return {c.name(), a1::Call::State_Name(c.state()), c.academic_year(),
          FormatTimestamp(c.close_time()), c.title()};
}

const std::vector<std::string> kApplicationHeader = {
    "NAME", "STATE", "KIND", "CONDITION", "SCORE", "GRANT"};
std::vector<std::string> ApplicationRow(const a1::Application& a) {
  return {a.name(),
          a1::Application::State_Name(a.state()),
          a1::ParticipantKind_Name(a.kind()),
          a.condition_id(),
          absl::StrCat(a.total_score() / 100, ".",
                       absl::StrFormat("%02d", a.total_score() % 100)),
          a.grant()};
}

}  // namespace

int Calls(const std::vector<std::string>& args) {
  auto client = ApplicationsClient();
  const std::string verb = args.size() > 2 ? args[2] : "";
  const std::string name = args.size() > 3 ? args[3] : "";
  using Stub = a1::ApplicationsService::Stub;
  auto print_call = [](const a1::Call& c) {
    return Print(c, [&] { PrintTable(kCallHeader, {CallRow(c)}); });
  };
  if (verb == "list") {
    a1::ListCallsRequest request;
    request.set_open_only(absl::GetFlag(FLAGS_open));
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    request.set_page_token(absl::GetFlag(FLAGS_page_token));
    a1::ListCallsResponse response;
    if (auto s = client.Call(&Stub::ListCalls, request, &response); !s.ok())
      return Fail(s);
    return Print(response, [&] {
      std::vector<std::vector<std::string>> rows;
      for (const auto& c : response.calls()) rows.push_back(CallRow(c));
      PrintTable(kCallHeader, rows);
    });
  }
  if (verb == "get" && !name.empty()) {
    a1::GetCallRequest request;
    request.set_name(name);
    a1::Call response;
    if (auto s = client.Call(&Stub::GetCall, request, &response); !s.ok())
      return Fail(s);
    return print_call(response);
  }
  if (verb == "create") {
    a1::CreateCallRequest request;
    if (auto s = ParseJson(absl::GetFlag(FLAGS_json), request.mutable_call());
        !s.ok())
      return Fail(s);
    request.set_call_id(absl::GetFlag(FLAGS_id));
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    a1::Call response;
    if (auto s = client.Call(&Stub::CreateCall, request, &response); !s.ok())
      return Fail(s);
    return print_call(response);
  }
  if (verb == "update" && !name.empty()) {
    a1::UpdateCallRequest request;
    if (auto s = ParseJson(absl::GetFlag(FLAGS_json), request.mutable_call());
        !s.ok())
      return Fail(s);
    request.mutable_call()->set_name(name);
    for (absl::string_view path : absl::StrSplit(
             absl::GetFlag(FLAGS_update_mask), ',', absl::SkipEmpty())) {
      request.mutable_update_mask()->add_paths(std::string(path));
    }
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    a1::Call response;
    if (auto s = client.Call(&Stub::UpdateCall, request, &response); !s.ok())
      return Fail(s);
    return print_call(response);
  }
  if (verb == "close" && !name.empty()) {
    a1::CloseCallRequest request;
    request.set_name(name);
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    a1::Call response;
    if (auto s = client.Call(&Stub::CloseCall, request, &response); !s.ok())
      return Fail(s);
    return print_call(response);
  }
  if (verb == "rank" && !name.empty()) {
    a1::RankApplicationsRequest request;
    request.set_call(name);
    a1::RankApplicationsResponse response;
    if (auto s = client.Call(&Stub::RankApplications, request, &response);
        !s.ok())
      return Fail(s);
    return Print(response, [&] {
      std::vector<std::vector<std::string>> rows;
      for (const auto& e : response.entries()) {
        std::vector<std::string> row = ApplicationRow(e.application());
        row.insert(row.begin(), absl::StrCat(e.rank()));
        rows.push_back(row);
      }
      std::vector<std::string> header = kApplicationHeader;
      header.insert(header.begin(), "RANK");
      PrintTable(header, rows);
    });
  }
  return Usage(
      "calls list [--open] | get NAME | create --json FILE | update NAME "
      "--json FILE --update_mask PATHS | close NAME | rank NAME");
}

int Applications(const std::vector<std::string>& args) {
  auto client = ApplicationsClient();
  const std::string verb = args.size() > 2 ? args[2] : "";
  const std::string name = args.size() > 3 ? args[3] : "";
  using Stub = a1::ApplicationsService::Stub;
  auto print_application = [](const a1::Application& a) {
    return Print(a,
                 [&] { PrintTable(kApplicationHeader, {ApplicationRow(a)}); });
  };
  if (verb == "list") {
    a1::ListApplicationsRequest request;
    request.set_call(absl::GetFlag(FLAGS_call));
    if (!absl::GetFlag(FLAGS_state).empty()) {
      a1::Application::State state;
      if (!a1::Application::State_Parse(absl::GetFlag(FLAGS_state), &state))
        return Usage("--state must be an application state, e.g. SUBMITTED");
      request.set_state(state);
    }
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    request.set_page_token(absl::GetFlag(FLAGS_page_token));
    a1::ListApplicationsResponse response;
    if (auto s = client.Call(&Stub::ListApplications, request, &response);
        !s.ok())
      return Fail(s);
    return Print(response, [&] {
      std::vector<std::vector<std::string>> rows;
      for (const auto& a : response.applications())
        rows.push_back(ApplicationRow(a));
      PrintTable(kApplicationHeader, rows);
    });
  }
  if (verb == "get" && !name.empty()) {
    a1::GetApplicationRequest request;
    request.set_name(name);
    a1::Application response;
    if (auto s = client.Call(&Stub::GetApplication, request, &response);
        !s.ok())
      return Fail(s);
    return print_application(response);
  }
  if (verb == "create") {
    a1::CreateApplicationRequest request;
    if (auto s =
            ParseJson(absl::GetFlag(FLAGS_json), request.mutable_application());
        !s.ok())
      return Fail(s);
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    a1::Application response;
    if (auto s = client.Call(&Stub::CreateApplication, request, &response);
        !s.ok())
      return Fail(s);
    return print_application(response);
  }
  if (verb == "submit" && !name.empty()) {
    a1::SubmitApplicationRequest request;
    request.set_name(name);
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    a1::Application response;
    if (auto s = client.Call(&Stub::SubmitApplication, request, &response);
        !s.ok())
      return Fail(s);
    return print_application(response);
  }
  if (verb == "evaluate" && !name.empty()) {
    a1::EvaluateApplicationRequest request;
    request.set_name(name);
    for (absl::string_view pair :
         absl::StrSplit(absl::GetFlag(FLAGS_scores), ',', absl::SkipEmpty())) {
      std::pair<std::string, std::string> kv = absl::StrSplit(pair, '=');
      a1::Score* score = request.add_scores();
      score->set_criterion_id(kv.first);
      int points = 0;
      if (!absl::SimpleAtoi(kv.second, &points))
        return Usage("--scores takes criterion=points,...");
      score->set_points(points);
    }
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    a1::Application response;
    if (auto s = client.Call(&Stub::EvaluateApplication, request, &response);
        !s.ok())
      return Fail(s);
    return print_application(response);
  }
  if (verb == "propose-la" && !name.empty()) {
    a1::ProposeLearningAgreementRequest request;
    if (auto s = ParseJson(absl::GetFlag(FLAGS_json), &request); !s.ok())
      return Fail(s);
    request.set_name(name + "/learningAgreement");
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    a1::LearningAgreement response;
    if (auto s =
            client.Call(&Stub::ProposeLearningAgreement, request, &response);
        !s.ok())
      return Fail(s);
    return Print(response, [&] {
      std::cout << response.name() << " version " << response.versions_size()
                << " proposed\n";
    });
  }
  if (verb == "sign-la" && !name.empty()) {
    a1::SignLearningAgreementRequest request;
    request.set_name(name + "/learningAgreement");
    request.set_version(absl::GetFlag(FLAGS_version));
    request.set_signer_name(absl::GetFlag(FLAGS_signer_name));
    request.set_position(absl::GetFlag(FLAGS_position));
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    a1::LearningAgreement response;
    if (auto s = client.Call(&Stub::SignLearningAgreement, request, &response);
        !s.ok())
      return Fail(s);
    return Print(response, [&] {
      std::cout << response.name() << " in force: version "
                << response.in_force_version() << "\n";
    });
  }
  if (verb == "decide" && !name.empty()) {
    a1::DecideApplicationRequest request;
    request.set_name(name);
    a1::DecideApplicationRequest::Decision decision;
    if (!a1::DecideApplicationRequest::Decision_Parse(
            absl::GetFlag(FLAGS_decision), &decision)) {
      return Usage("--decision must be SELECTED, RESERVE or REJECTED");
    }
    request.set_decision(decision);
    request.set_reason(absl::GetFlag(FLAGS_reason));
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    a1::Application response;
    if (auto s = client.Call(&Stub::DecideApplication, request, &response);
        !s.ok())
      return Fail(s);
    return print_application(response);
  }
  if (verb == "withdraw" && !name.empty()) {
    a1::WithdrawApplicationRequest request;
    request.set_name(name);
    request.set_reason(absl::GetFlag(FLAGS_reason));
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    a1::Application response;
    if (auto s = client.Call(&Stub::WithdrawApplication, request, &response);
        !s.ok())
      return Fail(s);
    return print_application(response);
  }
  return Usage(
      "applications list [--call C] [--state S] | get NAME | create --json "
      "FILE | submit NAME | evaluate NAME --scores S | decide NAME --decision "
      "D | withdraw NAME | propose-la NAME --json FILE | sign-la NAME "
      "--version N --signer_name S [--position P]");
}

}  // namespace mobility::ctl
