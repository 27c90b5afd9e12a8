// Every RPC against the checked-in access table (tests/access_table.tsv),
// written from DOMAIN.md rather than read from the code: each RPC of the four
// services is called by every kind of caller (no token, each role alone,
// several roles together, a partner's system, our internal service) over
// gRPC on the real server processes and over HTTP through the real gateway,
// and whether it gets past the role check must match the table; every RPC the
// contracts have must have its row, and no row names one they lack. Then the
// relations the table gives, on the demo's resources: staff of the owning
// institution, of the partner and of an unrelated one, the owning applicant
// and another. Then the objects an applicant or an inquiry's author owns,
// tried by someone else.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "common/client.h"
#include "common/status.h"
#include "common/test_support.h"
#include "google/api/annotations.pb.h"
#include "mobility/agreements/v1/agreements.pb.h"
#include "mobility/applications/v1/applications.pb.h"
#include "mobility/ewp/v1/ewp.pb.h"
#include "mobility/grants/v1/grants.pb.h"
#include "mobility/inquiries/v1/inquiries.pb.h"
#include "tests/e2e_support.h"

namespace mobility {
namespace {

namespace pb = ::google::protobuf;

// Who calls: no token, each role alone, and roles together.
struct Caller {
  std::string label;
  std::vector<Role> roles;  // Empty: no token.
};

std::vector<Caller> Callers() {
  std::vector<Caller> callers = {{"no token", {}}};
  for (Role role : AnyRole())
    callers.push_back({std::string(RoleName(role)), {role}});
  callers.push_back(
      {"applicant+coordinator", {Role::kApplicant, Role::kCoordinator}});
  callers.push_back(
      {"finance+inquiry_handler", {Role::kFinance, Role::kInquiryHandler}});
  callers.push_back(
      {"rector_office+admin", {Role::kRectorOffice, Role::kAdmin}});
  return callers;
}

// Whether the table lets `caller` past the role check: with no token only
// the public may call; several roles get what each one gets.
bool Allowed(const e2e::AccessRow& row, const Caller& caller) {
  if (caller.roles.empty()) return row.at("public") == "y";
  for (Role role : caller.roles) {
    if (row.at(std::string(RoleName(role))) == "y") return true;
  }
  return false;
}

// The route's path with every variable filled ("{name=calls/*}" ->
// "calls/x1234").
std::string FilledPath(const std::string& pattern) {
  static const std::regex variable(R"(\{[^}=]+(=([^}]*))?\})");
  std::string out;
  auto begin = std::sregex_iterator(pattern.begin(), pattern.end(), variable);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    out += pattern.substr(last, it->position() - last);
    std::string value = (*it)[2].matched ? (*it)[2].str() : "*";
    value = std::regex_replace(value, std::regex(R"(\*\*?)"), "x1234");
    out += value;
    last = it->position() + it->length();
  }
  return out + pattern.substr(last);
}

class RolesTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(stack_.Start()); }

  testing::TestDatabase database_;
  std::string dir_ = e2e::MakeWorkspace();
  e2e::Stack stack_{database_.url(), dir_};
};

TEST_F(RolesTest, EveryRpcAllowsExactlyWhatTheAccessTableSays) {
  const std::map<std::string, e2e::AccessRow> table = e2e::AccessTable();
  // Linked in, so that their services are in the generated pool.
  agreements::v1::Agreement::descriptor();
  applications::v1::Application::descriptor();
  grants::v1::Grant::descriptor();
  inquiries::v1::Inquiry::descriptor();
  ewp::v1::PartnerAgreement::descriptor();
  const std::map<std::string, std::string> services = {
      {"ewp", "mobility.ewp.v1.EwpService"},
      {"agreements", "mobility.agreements.v1.AgreementsService"},
      {"applications", "mobility.applications.v1.ApplicationsService"},
      {"grants", "mobility.grants.v1.GrantsService"},
      {"inquiries", "mobility.inquiries.v1.InquiriesService"}};
  std::map<std::string, std::unique_ptr<grpc::GenericStub>> stubs;
  for (const auto& [short_name, full_name] : services) {
    stubs[short_name] = std::make_unique<grpc::GenericStub>(
        NewChannel(stack_.address(short_name)));
  }
  e2e::HttpClient http;
  int checked = 0;
  for (const auto& [short_name, full_name] : services) {
    const pb::ServiceDescriptor* service =
        pb::DescriptorPool::generated_pool()->FindServiceByName(full_name);
    ASSERT_NE(service, nullptr);
    for (int i = 0; i < service->method_count(); ++i) {
      const pb::MethodDescriptor* method = service->method(i);
      auto declared = table.find(absl::StrCat(short_name, ".", method->name()));
      // Access exists only where it is written down.
      ASSERT_NE(declared, table.end())
          << method->full_name() << " has no row in tests/access_table.tsv";
      const auto [verb, pattern] = e2e::HttpRoute(method);
      for (const Caller& caller : Callers()) {
        const std::string label =
            absl::StrCat(method->full_name(), " by ", caller.label);
        const std::string token =
            caller.roles.empty()
                ? ""
                : testing::TokenFor("roles-test", caller.roles);
        const bool allowed = Allowed(declared->second, caller);
        absl::Status grpc_status = e2e::CallRaw(
            *stubs.at(short_name),
            absl::StrCat("/", full_name, "/", method->name()), "", token);
        const bool role_refused =
            ErrorReason(grpc_status) == "ROLE_NOT_ALLOWED";
        if (allowed) {
          EXPECT_NE(grpc_status.code(), absl::StatusCode::kUnauthenticated)
              << label;
          EXPECT_FALSE(role_refused) << label;
        } else if (caller.roles.empty()) {
          EXPECT_EQ(grpc_status.code(), absl::StatusCode::kUnauthenticated)
              << label;
        } else {
          EXPECT_TRUE(role_refused) << label << ": " << grpc_status;
          EXPECT_EQ(grpc_status.code(), absl::StatusCode::kPermissionDenied)
              << label;
        }
        // The same through the gateway, on the method's route.
        ASSERT_FALSE(verb.empty()) << method->full_name() << " has no route";
        std::vector<std::string> headers;
        if (!token.empty()) headers.push_back("Authorization: Bearer " + token);
        e2e::HttpReply reply = http.Call(
            verb,
            absl::StrCat("http://", stack_.gateway(), FilledPath(pattern)),
            verb == "GET" || verb == "DELETE" ? "" : "{}", headers);
        const bool http_refused =
            reply.status == 403 &&
            absl::StrContains(reply.body, "ROLE_NOT_ALLOWED");
        if (allowed) {
          EXPECT_NE(reply.status, 401) << label << " over HTTP: " << reply.body;
          EXPECT_FALSE(http_refused) << label << " over HTTP";
        } else if (caller.roles.empty()) {
          EXPECT_EQ(reply.status, 401) << label << " over HTTP: " << reply.body;
        } else {
          EXPECT_TRUE(http_refused)
              << label << " over HTTP: " << reply.status << " " << reply.body;
        }
        ++checked;
      }
    }
  }
  // Every RPC of the five contracts, each by every caller, and no row for an
  // RPC the contracts lack.
  EXPECT_EQ(checked, static_cast<int>(table.size() * Callers().size()));
}

// The relations of tests/access_table.tsv on the demo's resources, through the
// gateway: the staff of the owning institution (Kokshetau), of its partner
// (Vidzeme) and of an unrelated one (Tartu), holding every office role, the
// system of each, and the applicant the resources are about and another.
// Changes are probed with a stale etag, so that a caller let through gets
// ABORTED and nothing changes.
TEST_F(RolesTest, EveryRelationAsTheAccessTableSays) {
  ASSERT_TRUE(stack_.LoadDemo());
  const std::map<std::string, e2e::AccessRow> table = e2e::AccessTable();
  e2e::HttpClient http;
  const std::string base = absl::StrCat("http://", stack_.gateway());
  const std::vector<Role> office = {Role::kCoordinator, Role::kFinance,
                                    Role::kInquiryHandler, Role::kRectorOffice,
                                    Role::kAdmin};
  const std::string own =
      testing::TokenFor("own", office, "institutions/kokshetau-amu");
  // The demo's selected student: an application with a grant charged to the
  // spring call's budget, and a learning agreement.
  e2e::HttpReply selected = http.Call(
      "GET", base + "/v1/applications?call=calls/spring-2027&state=SELECTED",
      "", {"Authorization: Bearer " + own});
  ASSERT_EQ(selected.status, 200) << selected.body;
  const std::string application = e2e::JsonField(selected.body, "name");
  const std::string grant = e2e::JsonField(selected.body, "grant");
  const std::string owner = e2e::JsonField(selected.body, "owner");
  ASSERT_FALSE(application.empty() || grant.empty() || owner.empty());
  // The demo's answered question, assigned to the international office.
  e2e::HttpReply inquiries = http.Call(
      "GET", base + "/v1/inquiries?office=offices/international-office", "",
      {"Authorization: Bearer " + own});
  const std::string inquiry = e2e::JsonField(inquiries.body, "name");
  ASSERT_FALSE(inquiry.empty()) << inquiries.body;
  const std::string budget = "budgets/ka171-2024-kz";

  const std::map<std::string, std::string> callers = {
      {"own", own},
      {"partner",
       testing::TokenFor("partner", office, "institutions/vidzeme-via")},
      {"unrelated",
       testing::TokenFor("unrelated", office, "institutions/tartu-ut")},
      {"owner", testing::TokenFor(owner, {Role::kApplicant})},
      {"other", testing::TokenFor("intruder", {Role::kApplicant})},
      {"system_own", testing::TokenFor("ewp:kokshetau", {Role::kPartnerSystem},
                                       "institutions/kokshetau-amu")},
      {"system_partner", testing::TokenFor("ewp:va.lv", {Role::kPartnerSystem},
                                           "institutions/vidzeme-via")},
      {"system_unrelated",
       testing::TokenFor("ewp:ut.ee", {Role::kPartnerSystem},
                         "institutions/tartu-ut")},
      {"office_own", testing::OfficeHandlerToken(
                         "office-own", {"offices/international-office"})},
      {"office_other", testing::OfficeHandlerToken(
                           "office-other", {"offices/academic-affairs"})}};
  struct Probe {
    const char* verb;
    std::string path, body;
    // What a caller let through gets: a status, or a list naming `lists`.
    long granted_status = 200;
    std::string lists;
  };
  // A read, granted with 200 (and, for a list, naming `lists`); a change with
  // a stale etag, granted with 409 ABORTED.
  auto read = [](std::string path, std::string lists = "") {
    return Probe{"GET", std::move(path), "", 200, std::move(lists)};
  };
  auto change = [](const char* verb, std::string path, std::string body) {
    return Probe{verb, std::move(path), std::move(body), 409, ""};
  };
  const std::map<std::string, Probe> probes = {
      {"agreements.UpdateInstitution",
       change("PATCH", "/v1/institutions/vidzeme-via?updateMask=city",
              R"({"city": "Valmiera", "etag": "stale"})")},
      {"agreements.UpdateAgreement",
       change("PATCH", "/v1/agreements/ka107-2016-kz-lv?updateMask=title",
              R"({"title": "Taken", "etag": "stale"})")},
      {"agreements.DeleteAgreement",
       change("DELETE", "/v1/agreements/ka107-2016-kz-lv?etag=stale", "")},
      {"applications.RankApplications",
       read("/v1/calls/spring-2027:rankApplications")},
      {"applications.GetApplication", read("/v1/" + application)},
      {"applications.ListApplications", read("/v1/applications", application)},
      {"applications.GetLearningAgreement",
       read("/v1/" + application + "/learningAgreement")},
      {"applications.ListDocuments", read("/v1/" + application + "/documents")},
      {"grants.GetGrant", read("/v1/" + grant)},
      {"grants.ListGrants", read("/v1/grants", grant)},
      {"grants.ListPayments", read("/v1/" + grant + "/payments")},
      {"grants.GetBudget", read("/v1/" + budget)},
      {"grants.GetBudgetReport", read("/v1/" + budget + "/report")},
      {"grants.ExportGrants", read("/v1/" + budget + "/grants:export")},
      {"inquiries.GetInquiry", read("/v1/" + inquiry)},
      {"inquiries.ListInquiries", read("/v1/inquiries", inquiry)},
      {"inquiries.StartInquiry",
       change("POST", "/v1/" + inquiry + ":start", R"({"etag": "stale"})")},
  };
  int checked = 0;
  for (const auto& [rpc, row] : table) {
    for (const auto& [relation, token] : callers) {
      const std::string expected = row.at(relation);
      if (expected == "-") continue;
      auto probe = probes.find(rpc);
      ASSERT_NE(probe, probes.end()) << rpc << " has relations but no probe";
      const Probe& p = probe->second;
      e2e::HttpReply reply = http.Call(p.verb, base + p.path, p.body,
                                       {"Authorization: Bearer " + token});
      const bool granted =
          reply.status == p.granted_status &&
          (p.lists.empty() || absl::StrContains(reply.body, p.lists));
      EXPECT_EQ(granted ? "y" : "n", expected)
          << rpc << " by " << relation << ": " << reply.status << " "
          << reply.body.substr(0, 300);
      if (!granted) {
        EXPECT_TRUE(reply.status == 200 || reply.status == 403 ||
                    reply.status == 404)
            << rpc << " by " << relation << ": " << reply.status;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 50);
}

// What an applicant or an inquiry's author owns, tried by someone else through
// the gateway: always NOT_FOUND or PERMISSION_DENIED, never the data.
TEST_F(RolesTest, NoOneReadsOrChangesWhatAnotherOwns) {
  ASSERT_TRUE(stack_.LoadDemo());
  e2e::HttpClient http;
  const std::string base = absl::StrCat("http://", stack_.gateway());
  auto as = [](const std::string& token) {
    return std::vector<std::string>{"Authorization: Bearer " + token};
  };
  // The demo's selected student: an application with a grant and a learning
  // agreement.
  const auto office = as(testing::TokenFor("coordinator", {Role::kCoordinator},
                                           "institutions/kokshetau-amu"));
  e2e::HttpReply listed = http.Call(
      "GET", base + "/v1/applications?call=calls/spring-2027&state=SELECTED",
      "", office);
  ASSERT_EQ(listed.status, 200) << listed.body;
  const std::string application = e2e::JsonField(listed.body, "name");
  const std::string grant = e2e::JsonField(listed.body, "grant");
  ASSERT_TRUE(absl::StartsWith(application, "applications/")) << listed.body;
  ASSERT_TRUE(absl::StartsWith(grant, "grants/")) << listed.body;
  const std::string owner_data[] = {"Aigerim", "demo-student-4@example.kz"};

  for (const std::string& token :
       {testing::TokenFor("demo-student-1", {Role::kApplicant}),
        testing::TokenFor("intruder", {Role::kApplicant})}) {
    const struct {
      const char* verb;
      std::string path, body;
    } attempts[] = {
        {"GET", "/v1/" + application, ""},
        {"PATCH", "/v1/" + application + "?updateMask=motivation",
         R"({"motivation": "mine now"})"},
        {"POST", "/v1/" + application + ":submit", "{}"},
        {"POST", "/v1/" + application + ":withdraw", "{}"},
        {"GET", "/v1/" + application + "/documents", ""},
        {"POST", "/v1/" + application + "/documents",
         R"({"fileName": "a.pdf", "documentType": "transcript",)"
         R"( "content": "JVBERi0xLjQK"})"},
        {"GET", "/v1/" + application + "/documents/d1234", ""},
        {"DELETE", "/v1/" + application + "/documents/d1234", ""},
        {"GET", "/v1/" + application + "/learningAgreement", ""},
        {"POST", "/v1/" + application + "/learningAgreement:propose",
         R"({"studyComponents": [{"code": "X", "title": "X", "ectsCredits": "5"}],)"
         R"( "recognisedComponents": [{"code": "Y", "title": "Y", "ectsCredits": "5"}]})"},
        {"POST", "/v1/" + application + "/learningAgreement:sign",
         R"({"version": 1, "signerName": "Not Aigerim", "position": "student"})"},
        {"GET", "/v1/" + grant, ""},
    };
    for (const auto& attempt : attempts) {
      e2e::HttpReply reply =
          http.Call(attempt.verb, base + attempt.path, attempt.body, as(token));
      EXPECT_TRUE(reply.status == 404 || reply.status == 403)
          << attempt.verb << " " << attempt.path << ": " << reply.status << " "
          << reply.body;
      for (const std::string& data : owner_data)
        EXPECT_FALSE(absl::StrContains(reply.body, data)) << attempt.path;
    }
    // Lists and the export hold only the caller's own.
    for (const char* path :
         {"/v1/applications", "/v1/grants", "/v1/applications:exportMine"}) {
      e2e::HttpReply reply = http.Call("GET", base + path, "", as(token));
      EXPECT_EQ(reply.status, 200) << path << ": " << reply.body;
      EXPECT_FALSE(absl::StrContains(reply.body, application)) << path;
      EXPECT_FALSE(absl::StrContains(reply.body, grant)) << path;
    }
  }
  // Nothing changed: the owner's application is as it was.
  e2e::HttpReply after =
      http.Call("GET", base + "/v1/" + application, "", office);
  EXPECT_TRUE(absl::StrContains(after.body, "\"state\":\"SELECTED\""))
      << after.body;
  EXPECT_FALSE(absl::StrContains(after.body, "mine now"));

  // Two authors: one's code does not open, or reply to, the other's appeal.
  auto submit = [&](const std::string& subject, const std::string& email) {
    e2e::HttpReply reply = http.Call(
        "POST", base + "/v1/inquiries",
        absl::StrCat(
            R"({"kind": "REQUEST", "addressee": "rector", "language": "en",)",
            R"( "subject": ")", subject, R"(", "text": "A question.",)",
            R"( "author": {"fullName": "Author", "email": ")", email,
            R"("}, "consentToProcessing": true})"));
    EXPECT_EQ(reply.status, 200) << reply.body;
    return std::make_pair(e2e::JsonField(reply.body, "registrationNumber"),
                          e2e::JsonField(reply.body, "trackingCode"));
  };
  const auto [first_number, first_code] =
      submit("First secret subject", "a@example.kz");
  const auto [second_number, second_code] =
      submit("Second subject", "b@example.kz");
  ASSERT_FALSE(first_code.empty());
  for (const char* verb : {"track", "reply"}) {
    e2e::HttpReply reply = http.Call(
        "POST", base + "/v1/inquiries:" + verb,
        absl::StrCat(
            R"({"registrationNumber": ")", first_number,
            R"(", "trackingCode": ")", second_code, R"(")",
            std::string(verb) == "reply" ? R"(, "text": "Injected reply")" : "",
            "}"));
    EXPECT_EQ(reply.status, 404) << verb << ": " << reply.body;
    EXPECT_FALSE(absl::StrContains(reply.body, "First secret subject")) << verb;
  }
  e2e::HttpReply own =
      http.Call("POST", base + "/v1/inquiries:track",
                absl::StrCat(R"({"registrationNumber": ")", first_number,
                             R"(", "trackingCode": ")", first_code, R"("})"));
  EXPECT_EQ(own.status, 200) << own.body;
  EXPECT_TRUE(absl::StrContains(own.body, "First secret subject"));
  EXPECT_FALSE(absl::StrContains(own.body, "Injected reply"));
}

}  // namespace
}  // namespace mobility
