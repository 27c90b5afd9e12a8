// Issue 20, tried as an attacker would against the demo stack (real processes,
// the demo data of deploy/demo/load.sh): every request that succeeded before,
// over HTTP through the gateway or over gRPC as it was made, now refused. The
// institutions: Kokshetau (ours, the demo's), Vidzeme (its partner in the two
// demo agreements) and an unrelated university.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <pqxx/pqxx>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/call.h"
#include "common/client.h"
#include "common/status.h"
#include "common/test_support.h"
#include "mobility/agreements/v1/agreements.pb.h"
#include "mobility/applications/v1/applications.pb.h"
#include "mobility/grants/v1/grants.pb.h"
#include "tests/e2e_support.h"

namespace mobility {
namespace {

using e2e::HttpReply;

constexpr char kKokshetau[] = "institutions/kokshetau-amu";
constexpr char kVidzeme[] = "institutions/vidzeme-via";
constexpr char kUnrelated[] = "institutions/tartu-ut";

// A token of the identity provider with exactly these claims.
std::string Claimed(const std::string& subject, Role role,
                    const std::string& institution) {
  TokenClaims claims;
  claims.subject = subject;
  claims.roles = {role};
  claims.institution = institution;
  return testing::SignedByIdentityProvider(claims);
}

class TenancyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        stack_.Start({"--static_dir=" PROJECT_SOURCE_DIR "/web",
                      "--dev_signing_key_file=" + dir_ + "/private.pem"}));
    ASSERT_TRUE(stack_.LoadDemo());
  }

  HttpReply Http(const std::string& method, const std::string& target,
                 const std::string& token = "", const std::string& body = "",
                 std::vector<std::string> headers = {}) {
    if (!token.empty()) headers.push_back("Authorization: Bearer " + token);
    return client_.Call(method,
                        absl::StrCat("http://", stack_.gateway(), target), body,
                        headers);
  }

  // A unary call over gRPC with the given metadata.
  absl::Status Grpc(
      const std::string& service, const std::string& method,
      const google::protobuf::Message& request,
      const std::vector<std::pair<std::string, std::string>>& metadata) {
    grpc::GenericStub stub(NewChannel(stack_.address(service)));
    return e2e::CallRaw(stub, method, request.SerializeAsString(), metadata);
  }
  absl::Status Grpc(const std::string& service, const std::string& method,
                    const google::protobuf::Message& request,
                    const std::string& token) {
    return Grpc(service, method, request,
                {{"authorization", "Bearer " + token}});
  }

  std::string Sql(const std::string& query) {
    pqxx::connection c(database_.url());
    pqxx::nontransaction txn(c);
    return txn.exec1(query)[0].as<std::string>();
  }

  testing::TestDatabase database_;
  std::string dir_ = e2e::MakeWorkspace();
  e2e::Stack stack_{database_.url(), dir_};
  e2e::HttpClient client_;
};

TEST_F(TenancyTest, NoPathReadsAFileOutsideTheWebFolder) {
  const std::string outside = dir_ + "/results.json";
  std::ofstream(outside) << R"({"secret": true})";
  for (const std::string& path :
       std::vector<std::string>{"//" + outside, "/" + outside, "/.." + outside,
                                "/%2e%2e" + outside}) {
    HttpReply reply = Http("GET", path);
    EXPECT_EQ(reply.status, 404) << path;
    EXPECT_FALSE(absl::StrContains(reply.body, "secret")) << path;
  }
  EXPECT_EQ(Http("GET", "/").status, 200);  // The pages are still there.
}

TEST_F(TenancyTest, TheDevelopmentSignInHandsOutNoAdminToken) {
  HttpReply admin = Http("POST", "/dev/token", "",
                         R"({"role": "admin", "subject": "x",)"
                         R"( "institution": "institutions/kokshetau-amu"})");
  EXPECT_EQ(admin.status, 400) << admin.body;
  EXPECT_EQ(
      Http("POST", "/dev/token", "", R"({"role": "admin", "subject": "x"})")
          .status,
      400);
}

// A partner's system naming itself `service` got our services' powers: places,
// releases, grants, settlement.
TEST_F(TenancyTest, APartnersSystemHasNoneOfOurServicesPowers) {
  const std::string claimed_service =
      Claimed("ewp:ut.ee", Role::kService, kUnrelated);
  const std::string partner_system =
      testing::TokenFor("ewp:ut.ee", {Role::kPartnerSystem}, kUnrelated);
  agreements::v1::AllocateMobilityRequest allocate;
  allocate.set_agreement("agreements/ka171-2025-kz-lv");
  allocate.set_condition_id("kz-lv-studies");
  allocate.set_academic_year("2026/2027");
  allocate.set_allocation_key("attacker-1");
  agreements::v1::ReleaseMobilityRequest release;
  release.set_agreement("agreements/ka171-2025-kz-lv");
  release.set_allocation_key("anything");
  const std::string grant = "grants/" + Sql("SELECT id FROM grants.grants "
                                            "ORDER BY id LIMIT 1");
  grants::v1::SettleGrantRequest settle;
  settle.set_name(grant);
  for (auto* date :
       {settle.mutable_actual_start_date(), settle.mutable_actual_end_date(),
        settle.mutable_final_report_date()}) {
    date->set_year(2017);
    date->set_month(9);
    date->set_day(1);
  }
  grants::v1::CreateGrantRequest create;
  create.mutable_grant()->set_application("applications/anyone");
  const std::string settled_before =
      Sql("SELECT md5(body) FROM grants.grants ORDER BY id LIMIT 1");

  for (const std::string& token : {claimed_service, partner_system}) {
    const bool claims = token == claimed_service;
    const auto refused = claims ? absl::StatusCode::kUnauthenticated
                                : absl::StatusCode::kPermissionDenied;
    EXPECT_EQ(Grpc("agreements",
                   "/mobility.agreements.v1.AgreementsService/AllocateMobility",
                   allocate, token)
                  .code(),
              refused);
    EXPECT_EQ(Grpc("agreements",
                   "/mobility.agreements.v1.AgreementsService/ReleaseMobility",
                   release, token)
                  .code(),
              refused);
    EXPECT_EQ(Grpc("grants", "/mobility.grants.v1.GrantsService/CreateGrant",
                   create, token)
                  .code(),
              refused);
    // Not the grant's institution: as if it did not exist.
    EXPECT_EQ(Grpc("grants", "/mobility.grants.v1.GrantsService/SettleGrant",
                   settle, token)
                  .code(),
              claims ? refused : absl::StatusCode::kNotFound);
  }
  // Over HTTP, as the attack was made.
  HttpReply taken =
      Http("POST", "/v1/agreements/ka171-2025-kz-lv:allocateMobility",
           partner_system,
           R"({"conditionId": "kz-lv-studies",)"
           R"( "academicYear": "2026/2027",)"
           R"( "allocationKey": "attacker-2"})");
  EXPECT_EQ(taken.status, 403) << taken.body;
  EXPECT_EQ(Sql("SELECT count(*) FROM agreements.mobility_allocations WHERE "
                "allocation_key LIKE 'attacker-%'"),
            "0");
  EXPECT_EQ(Sql("SELECT md5(body) FROM grants.grants ORDER BY id LIMIT 1"),
            settled_before);
}

TEST_F(TenancyTest, OnlyAnAgreementsPartnersChangeIt) {
  const std::string unrelated =
      testing::TokenFor("mallory", {Role::kCoordinator}, kUnrelated);
  const std::string before =
      Sql("SELECT state || md5(body) FROM agreements.agreements WHERE id = "
          "'ka107-2016-kz-lv'");
  HttpReply patched =
      Http("PATCH", "/v1/agreements/ka107-2016-kz-lv?updateMask=title",
           unrelated, R"({"title": "Taken over"})");
  EXPECT_EQ(patched.status, 403) << patched.body;
  EXPECT_EQ(Sql("SELECT state || md5(body) FROM agreements.agreements WHERE "
                "id = 'ka107-2016-kz-lv'"),
            before);
  // A draft of another pair: its existence is theirs; a token with no
  // institution is no staff token at all.
  const std::string kokshetau =
      testing::TokenFor("coordinator", {Role::kCoordinator}, kKokshetau);
  HttpReply draft =
      Http("PATCH", "/v1/agreements/ka171-2025-kz-lv?updateMask=title",
           kokshetau, R"({"title": "A new title"})");
  ASSERT_EQ(draft.status, 200) << draft.body;  // Now AMENDED, awaiting both.
  EXPECT_EQ(Http("DELETE", "/v1/agreements/ka171-2025-kz-lv", unrelated).status,
            403);
  const std::string nowhere = Claimed("nobody", Role::kCoordinator, "");
  // A draft never approved: another institution learns nothing of it.
  HttpReply drafted =
      Http("POST", "/v1/agreements?agreementId=ka171-draft-kz-lv", kokshetau,
           e2e::ReadFile(PROJECT_SOURCE_DIR
                         "/deploy/demo/agreement-ka171-2025.json"));
  ASSERT_EQ(drafted.status, 200) << drafted.body;
  EXPECT_EQ(
      Http("DELETE", "/v1/agreements/ka171-draft-kz-lv", unrelated).status,
      404);
  EXPECT_EQ(Http("GET", "/v1/agreements/ka171-draft-kz-lv", unrelated).status,
            404);
  EXPECT_EQ(Http("DELETE", "/v1/agreements/ka171-draft-kz-lv", nowhere).status,
            401);
  EXPECT_EQ(Sql("SELECT count(*) FROM agreements.agreements WHERE id = "
                "'ka171-draft-kz-lv'"),
            "1");
  EXPECT_EQ(Http("DELETE", "/v1/agreements/ka171-2025-kz-lv", nowhere).status,
            401);
  // The public, and an outsider, read the approved revision, not the
  // amendment.
  HttpReply seen = Http("GET", "/v1/agreements/ka171-2025-kz-lv", unrelated);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_FALSE(absl::StrContains(seen.body, "A new title"));
  EXPECT_TRUE(absl::StrContains(
      Http("GET", "/v1/agreements/ka171-2025-kz-lv", kokshetau).body,
      "A new title"));
}

// An unrelated coordinator moved Vidzeme to the other side of the world: the
// next travel quote went from 2,855 km to 10,868 km.
TEST_F(TenancyTest, AnInstitutionsRecordIsChangedByItOrByWhoEnteredIt) {
  const std::string patch = R"({"latitude": -33.87, "longitude": 151.21})";
  const std::string target =
      "/v1/institutions/vidzeme-via?updateMask=latitude,longitude";
  HttpReply moved = Http(
      "PATCH", target,
      testing::TokenFor("mallory", {Role::kCoordinator}, kUnrelated), patch);
  EXPECT_EQ(moved.status, 403) << moved.body;
  EXPECT_EQ(Sql("SELECT latitude::text FROM agreements.institutions WHERE id "
                "= 'vidzeme-via'"),
            "57.54");
  // Vidzeme itself may, and so may Kokshetau, which entered the record.
  for (const char* institution : {kVidzeme, kKokshetau}) {
    HttpReply corrected =
        Http("PATCH", "/v1/institutions/vidzeme-via?updateMask=city",
             testing::TokenFor("c", {Role::kCoordinator}, institution),
             R"({"city": "Valmiera"})");
    EXPECT_EQ(corrected.status, 200) << institution << corrected.body;
  }
}

// A Vidzeme coordinator listed every grant with participants' names, exported
// the CSV, and opened a call charged to Kokshetau's budget.
TEST_F(TenancyTest, GrantsAndBudgetsAreTheirInstitutionsAlone) {
  const std::string vidzeme =
      testing::TokenFor("vidzeme-coordinator", {Role::kCoordinator}, kVidzeme);
  const std::string vidzeme_finance =
      testing::TokenFor("vidzeme-finance", {Role::kFinance}, kVidzeme);
  const std::string participant = Sql(
      "SELECT participant_reference FROM grants.grants ORDER BY id LIMIT 1");
  const std::string grant =
      "grants/" + Sql("SELECT id FROM grants.grants ORDER BY id LIMIT 1");

  HttpReply listed = Http("GET", "/v1/grants", vidzeme);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.body, "{}");  // None of them is Vidzeme's.
  EXPECT_EQ(Http("GET", "/v1/" + grant, vidzeme_finance).status, 404);
  EXPECT_EQ(Http("GET", "/v1/" + grant + "/payments", vidzeme).status, 404);
  EXPECT_EQ(
      Http("GET", "/v1/budgets/ka107-2016-kz/grants:export", vidzeme).status,
      404);
  EXPECT_EQ(Http("GET", "/v1/budgets/ka107-2016-kz/report", vidzeme).status,
            404);
  EXPECT_EQ(Http("POST", "/v1/" + grant + ":prefinance", vidzeme_finance, "{}")
                .status,
            404);
  EXPECT_EQ(Http("POST", "/v1/" + grant + ":agree", vidzeme_finance,
                 R"({"participantSignedDate": {"year": 2026, "month": 11,)"
                 R"( "day": 20}, "institutionSignedDate": {"year": 2026,)"
                 R"( "month": 11, "day": 20}})")
                .status,
            404);
  // The budget a Vidzeme coordinator creates is Vidzeme's.
  HttpReply budget = Http(
      "POST", "/v1/budgets?budgetId=vidzeme-share", vidzeme,
      absl::StrReplaceAll(e2e::ReadFile(PROJECT_SOURCE_DIR
                                        "/deploy/demo/budget-ka171-2024.json"),
                          {{"DEMO02", "DEMO99"}}));
  ASSERT_EQ(budget.status, 200) << budget.body;
  EXPECT_TRUE(absl::StrContains(budget.body,
                                R"("institution":")" + std::string(kVidzeme)))
      << budget.body;
  // A call charged to Kokshetau's budget: no such budget for Vidzeme.
  const std::string round = absl::StrReplaceAll(
      e2e::ReadFile(PROJECT_SOURCE_DIR "/deploy/demo/call-spring-2027.json"),
      {{"__OPEN__", "2026-11-01T00:00:00Z"},
       {"__CLOSE__", "2027-01-31T00:00:00Z"}});
  HttpReply opened =
      Http("POST", "/v1/calls?callId=charged-elsewhere", vidzeme, round);
  EXPECT_EQ(opened.status, 400) << opened.body;
  EXPECT_TRUE(absl::StrContains(opened.body, R"("field":"call.budget")"))
      << opened.body;
  EXPECT_EQ(Sql("SELECT count(*) FROM applications.calls WHERE id = "
                "'charged-elsewhere'"),
            "0");

  // Kokshetau's finance officer sees the grant, with its participant.
  HttpReply own =
      Http("GET", "/v1/grants", testing::TokenFor("finance", {Role::kFinance}));
  EXPECT_TRUE(absl::StrContains(own.body, participant)) << own.body;
}

// {"email": "x@example.kz\u0000N"} for N = 0..15 sent 20 codes to one
// mailbox in a minute: the limit hashed the whole string, the database kept it
// cut at the NUL. Now no text holds a control character.
TEST_F(TenancyTest, ANulInAnAddressIsRefusedOnItsField) {
  const std::string before =
      Sql("SELECT count(*) FROM applications.sign_in_codes");
  for (int n = 0; n < 3; ++n) {
    HttpReply reply =
        Http("POST", "/v1/applicantSessions:sendCode", "",
             absl::StrCat(R"({"email": "x@example.kz\u0000)", n, R"("})"));
    EXPECT_EQ(reply.status, 400) << reply.body;
    EXPECT_TRUE(absl::StrContains(reply.body, R"("field":"email")"))
        << reply.body;
  }
  EXPECT_EQ(Sql("SELECT count(*) FROM applications.sign_in_codes"), before);
}

// Any token holding `service` could send x-client-address, so the per-client
// limits reset on every call; only the gateway's identity vouches now.
TEST_F(TenancyTest, OnlyTheGatewayVouchesForAClientsAddress) {
  const std::string method =
      "/mobility.applications.v1.ApplicationsService/SendSignInCode";
  auto send = [&](const std::string& vouching_service, int n) {
    applications::v1::SendSignInCodeRequest request;
    request.set_email(absl::StrCat("student", n, "@example.kz"));
    return Grpc(
        "applications", method, request,
        {{kServiceTokenHeader,
          "Bearer " + testing::TokenFor(vouching_service, {Role::kService})},
         {kClientAddressHeader, absl::StrCat("203.0.113.", n)}});
  };
  // The applications service's own identity is no gateway: every code counts
  // against this test's one address.
  absl::Status last;
  for (int n = 0; n <= 20; ++n) last = send("applications", n);
  EXPECT_EQ(last.code(), absl::StatusCode::kResourceExhausted) << last;
  // The gateway's does: each client its own count.
  for (int n = 100; n < 103; ++n) EXPECT_TRUE(send("gateway", n).ok());
}

}  // namespace
}  // namespace mobility
