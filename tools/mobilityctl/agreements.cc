#include "tools/mobilityctl/ctl.h"

namespace mobility::ctl {
namespace {

std::vector<std::string> InstitutionRow(const v1::Institution& i) {
  return {i.name(), i.display_name(), i.country_code(), i.city(),
          i.erasmus_code()};
}
const std::vector<std::string> kInstitutionHeader = {
    "NAME", "DISPLAY NAME", "COUNTRY", "CITY", "ERASMUS CODE"};

std::vector<std::string> AgreementRow(const v1::Agreement& a) {
  return {a.name(),
          v1::Programme_Name(a.programme()),
          v1::Agreement::State_Name(a.state()),
          absl::StrCat(a.first_academic_year(), "-", a.last_academic_year()),
          absl::StrCat(a.revision()),
          a.title()};
}
const std::vector<std::string> kAgreementHeader = {
    "NAME", "PROGRAMME", "STATE", "YEARS", "REVISION", "TITLE"};

}  // namespace

int Institutions(const std::vector<std::string>& args) {
  auto client = AgreementsClient();
  const std::string verb = args.size() > 2 ? args[2] : "";
  using Stub = v1::AgreementsService::Stub;
  if (verb == "list") {
    v1::ListInstitutionsRequest request;
    request.set_country_code(absl::GetFlag(FLAGS_country));
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    request.set_page_token(absl::GetFlag(FLAGS_page_token));
    v1::ListInstitutionsResponse response;
    if (auto s = client.Call(&Stub::ListInstitutions, request, &response);
        !s.ok())
      return Fail(s);
    return Print(response, [&] {
      std::vector<std::vector<std::string>> rows;
      for (const auto& i : response.institutions())
        rows.push_back(InstitutionRow(i));
      PrintTable(kInstitutionHeader, rows);
      if (!response.next_page_token().empty()) {
        std::cout << "next page: --page_token " << response.next_page_token()
                  << "\n";
      }
    });
  }
  if (verb == "get" && args.size() == 4) {
    v1::GetInstitutionRequest request;
    request.set_name(args[3]);
    v1::Institution response;
    if (auto s = client.Call(&Stub::GetInstitution, request, &response);
        !s.ok())
      return Fail(s);
    return Print(response, [&] {
      PrintTable(kInstitutionHeader, {InstitutionRow(response)});
    });
  }
  if (verb == "create") {
    v1::CreateInstitutionRequest request;
    if (auto s =
            ParseJson(absl::GetFlag(FLAGS_json), request.mutable_institution());
        !s.ok()) {
      return Fail(s);
    }
    request.set_institution_id(absl::GetFlag(FLAGS_id));
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    v1::Institution response;
    if (auto s = client.Call(&Stub::CreateInstitution, request, &response);
        !s.ok()) {
      return Fail(s);
    }
    return Print(response, [&] {
      PrintTable(kInstitutionHeader, {InstitutionRow(response)});
    });
  }
  return Usage("institutions list | get NAME | create --json FILE");
}

int Agreements(const std::vector<std::string>& args) {
  auto client = AgreementsClient();
  const std::string verb = args.size() > 2 ? args[2] : "";
  const std::string name = args.size() > 3 ? args[3] : "";
  using Stub = v1::AgreementsService::Stub;
  auto print_agreement = [](const v1::Agreement& a) {
    return Print(a, [&] { PrintTable(kAgreementHeader, {AgreementRow(a)}); });
  };
  if (verb == "list") {
    v1::ListAgreementsRequest request;
    request.set_partner_institution(absl::GetFlag(FLAGS_partner));
    request.set_academic_year(absl::GetFlag(FLAGS_year));
    if (!absl::GetFlag(FLAGS_state).empty()) {
      v1::Agreement::State state;
      if (!v1::Agreement::State_Parse(absl::GetFlag(FLAGS_state), &state)) {
        return Usage("--state must be DRAFT, APPROVED or TERMINATED");
      }
      request.set_state(state);
    }
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    request.set_page_token(absl::GetFlag(FLAGS_page_token));
    v1::ListAgreementsResponse response;
    if (auto s = client.Call(&Stub::ListAgreements, request, &response);
        !s.ok())
      return Fail(s);
    return Print(response, [&] {
      std::vector<std::vector<std::string>> rows;
      for (const auto& a : response.agreements())
        rows.push_back(AgreementRow(a));
      PrintTable(kAgreementHeader, rows);
      if (!response.next_page_token().empty()) {
        std::cout << "next page: --page_token " << response.next_page_token()
                  << "\n";
      }
    });
  }
  if (verb == "get" && !name.empty()) {
    v1::GetAgreementRequest request;
    request.set_name(name);
    request.set_revision(absl::GetFlag(FLAGS_revision));
    v1::Agreement response;
    if (auto s = client.Call(&Stub::GetAgreement, request, &response); !s.ok())
      return Fail(s);
    return print_agreement(response);
  }
  if (verb == "create") {
    v1::CreateAgreementRequest request;
    if (auto s =
            ParseJson(absl::GetFlag(FLAGS_json), request.mutable_agreement());
        !s.ok()) {
      return Fail(s);
    }
    request.set_agreement_id(absl::GetFlag(FLAGS_id));
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    v1::Agreement response;
    if (auto s = client.Call(&Stub::CreateAgreement, request, &response);
        !s.ok())
      return Fail(s);
    return print_agreement(response);
  }
  if (verb == "approve" && !name.empty()) {
    v1::ApproveAgreementRequest request;
    request.set_name(name);
    request.set_institution(absl::GetFlag(FLAGS_institution));
    request.set_content_hash(absl::GetFlag(FLAGS_content_hash));
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    v1::Agreement response;
    if (auto s = client.Call(&Stub::ApproveAgreement, request, &response);
        !s.ok())
      return Fail(s);
    return print_agreement(response);
  }
  if (verb == "terminate" && !name.empty()) {
    v1::TerminateAgreementRequest request;
    request.set_name(name);
    request.set_institution(absl::GetFlag(FLAGS_institution));
    if (!absl::GetFlag(FLAGS_notice_date).empty()) {
      auto notice = DateFlag(FLAGS_notice_date, "notice_date");
      if (!notice.ok()) return Usage(std::string(notice.status().message()));
      *request.mutable_notice_date() = *notice;
    }
    request.set_immediately(absl::GetFlag(FLAGS_immediately));
    request.set_reason(absl::GetFlag(FLAGS_reason));
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    v1::Agreement response;
    if (auto s = client.Call(&Stub::TerminateAgreement, request, &response);
        !s.ok()) {
      return Fail(s);
    }
    return print_agreement(response);
  }
  if (verb == "delete" && !name.empty()) {
    v1::DeleteAgreementRequest request;
    request.set_name(name);
    request.set_etag(absl::GetFlag(FLAGS_etag));
    google::protobuf::Empty response;
    if (auto s = client.Call(&Stub::DeleteAgreement, request, &response);
        !s.ok())
      return Fail(s);
    return Print(response, [&] { std::cout << "deleted " << name << "\n"; });
  }
  const std::vector<std::string> allocation_header = {"AGREEMENT", "CONDITION",
                                                      "YEAR", "KEY", "STATE"};
  auto allocation_row = [](const v1::MobilityAllocation& a) {
    return std::vector<std::string>{
        a.agreement(), a.condition_id(), a.academic_year(), a.allocation_key(),
        v1::MobilityAllocation::State_Name(a.state())};
  };
  if (verb == "allocate" && !name.empty()) {
    v1::AllocateMobilityRequest request;
    request.set_agreement(name);
    request.set_condition_id(absl::GetFlag(FLAGS_condition));
    request.set_academic_year(absl::GetFlag(FLAGS_year));
    request.set_allocation_key(absl::GetFlag(FLAGS_key));
    v1::MobilityAllocation response;
    if (auto s = client.Call(&Stub::AllocateMobility, request, &response);
        !s.ok())
      return Fail(s);
    return Print(response, [&] {
      PrintTable(allocation_header, {allocation_row(response)});
    });
  }
  if (verb == "release" && !name.empty()) {
    v1::ReleaseMobilityRequest request;
    request.set_agreement(name);
    request.set_allocation_key(absl::GetFlag(FLAGS_key));
    v1::MobilityAllocation response;
    if (auto s = client.Call(&Stub::ReleaseMobility, request, &response);
        !s.ok())
      return Fail(s);
    return Print(response, [&] {
      PrintTable(allocation_header, {allocation_row(response)});
    });
  }
  if (verb == "quota" && !name.empty()) {
    v1::GetQuotaUsageRequest request;
    request.set_agreement(name);
    request.set_academic_year(absl::GetFlag(FLAGS_year));
    v1::QuotaUsage response;
    if (auto s = client.Call(&Stub::GetQuotaUsage, request, &response); !s.ok())
      return Fail(s);
    return Print(response, [&] {
      std::vector<std::vector<std::string>> rows;
      for (const auto& e : response.entries()) {
        rows.push_back(
            {e.condition_id(), v1::MobilityType_Name(e.mobility_type()),
             e.academic_year(), absl::StrCat(e.mobilities_per_year()),
             absl::StrCat(e.used()), absl::StrCat(e.free())});
      }
      PrintTable({"CONDITION", "TYPE", "YEAR", "PER YEAR", "USED", "FREE"},
                 rows);
    });
  }
  return Usage(
      "agreements list | get NAME | create --json FILE | approve NAME "
      "--institution I "
      "--content_hash H | terminate NAME --institution I | delete NAME | "
      "allocate NAME --condition C --year "
      "Y --key K | "
      "release NAME --key K | quota NAME");
}

}  // namespace mobility::ctl
