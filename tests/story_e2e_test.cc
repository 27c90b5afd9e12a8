// The whole system end to end, through the HTTP gateway with a real HTTP
// client, every service its own real process on PostgreSQL: two partners
// approve an agreement, a call opens, a student and a teacher apply and are
// selected, their grants are agreed and pre-financed, a question to the rector
// is registered, answered, published and found; and what must be refused is.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "common/test_support.h"
#include "tests/e2e_support.h"

namespace mobility {
namespace {

using ::testing::HasSubstr;

constexpr char kKz[] = "institutions/kokshetau-amu";
constexpr char kLv[] = "institutions/vidzeme-via";

class StoryTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(stack_.Start()); }

  // One call through the gateway with `token` (none when empty).
  e2e::HttpReply Call(const std::string& method, const std::string& target,
                      const std::string& body = "",
                      const std::string& token = "") {
    std::vector<std::string> headers;
    if (!token.empty()) headers.push_back("Authorization: Bearer " + token);
    return client_.Call(method,
                        absl::StrCat("http://", stack_.gateway(), target), body,
                        headers);
  }
  // The same, which must answer 200; returns the body.
  std::string Ok(const std::string& method, const std::string& target,
                 const std::string& body, const std::string& token) {
    e2e::HttpReply reply = Call(method, target, body, token);
    EXPECT_EQ(reply.status, 200)
        << method << " " << target << ": " << reply.body;
    return reply.body;
  }

  static std::string Demo(const std::string& file) {
    return e2e::ReadFile(
        absl::StrCat(PROJECT_SOURCE_DIR, "/deploy/demo/", file));
  }

  testing::TestDatabase database_;
  e2e::Stack stack_{database_.url(), e2e::MakeWorkspace()};
  e2e::HttpClient client_;
};

TEST_F(StoryTest, FromAgreementToGrantsAndAQuestionToTheRector) {
  const std::string coordinator =
      testing::TokenFor("coordinator-kz", {Role::kCoordinator}, kKz);
  const std::string vidzeme_system =
      testing::TokenFor("ewp:va.lv", {Role::kPartnerSystem}, kLv);

  // Both partners approve the agreement, each with its own identity.
  Ok("POST", "/v1/institutions?institutionId=kokshetau-amu",
     Demo("kokshetau.json"), coordinator);
  Ok("POST", "/v1/institutions?institutionId=vidzeme-via", Demo("vidzeme.json"),
     coordinator);
  const std::string agreement =
      Ok("POST", "/v1/agreements?agreementId=ka171-2025-kz-lv",
         Demo("agreement-ka171-2025.json"), coordinator);
  const std::string hash = e2e::JsonField(agreement, "contentHash");
  ASSERT_FALSE(hash.empty()) << agreement;
  Ok("POST", "/v1/agreements/ka171-2025-kz-lv:approve",
     absl::StrCat(R"({"institution": ")", kKz, R"(", "contentHash": ")", hash,
                  R"("})"),
     coordinator);
  const std::string approved =
      Ok("POST", "/v1/agreements/ka171-2025-kz-lv:approve",
         absl::StrCat(R"({"institution": ")", kLv, R"(", "contentHash": ")",
                      hash, R"("})"),
         vidzeme_system);
  EXPECT_THAT(approved, HasSubstr(R"("state":"APPROVED")"));

  // A call opens on the agreement, charged to the budget.
  Ok("POST", "/v1/budgets?budgetId=ka171-2024-kz",
     Demo("budget-ka171-2024.json"), coordinator);
  const std::string call = absl::StrReplaceAll(
      Demo("call-spring-2027.json"),
      {{"__OPEN__", absl::FormatTime("%Y-%m-%dT00:00:00Z",
                                     absl::Now() - absl::Hours(24 * 30),
                                     absl::UTCTimeZone())},
       {"__CLOSE__", absl::FormatTime("%Y-%m-%dT00:00:00Z",
                                      absl::Now() + absl::Hours(24 * 60),
                                      absl::UTCTimeZone())}});
  Ok("POST", "/v1/calls?callId=spring-2027", call, coordinator);

  // A student and a teacher apply, each with a token of their own.
  const std::string student = testing::TokenFor("dana", {Role::kApplicant});
  const std::string teacher = testing::TokenFor("arman", {Role::kApplicant});
  const std::string studies = absl::StrReplaceAll(
      Demo("application-student.json"), {{"__GIVEN__", "Dana"},
                                         {"__FAMILY__", "Seitkali"},
                                         {"__EMAIL__", "dana@example.kz"},
                                         {"__NUMBER__", "S-2026-001"}});
  const std::string teaching = R"({
    "call": "calls/spring-2027", "conditionId": "kz-lv-teaching",
    "kind": "STAFF",
    "applicant": {"givenName": "Arman", "familyName": "Zhaksylykov",
      "email": "arman@example.kz",
      "dateOfBirth": {"year": 1980, "month": 5, "day": 2},
      "citizenship": "KZ", "personNumber": "T-77",
      "homeInstitution": "institutions/kokshetau-amu"},
    "startDate": {"year": 2027, "month": 3, "day": 1},
    "endDate": {"year": 2027, "month": 3, "day": 5},
    "staff": {"travelDays": 2, "teachingHours": 8,
              "languageSkills": [{"language": "en", "level": "C1"}]},
    "motivation": "A week of lectures on inclusive education in Valmiera.",
    "consent": {"processing": true, "transferToPartner": true}})";
  std::map<std::string, std::string> names;
  for (const auto& [who, token, body] :
       {std::tuple{"student", student, studies},
        std::tuple{"teacher", teacher, teaching}}) {
    const std::string created = Ok("POST", "/v1/applications", body, token);
    names[who] = e2e::JsonField(created, "name");
    ASSERT_FALSE(names[who].empty()) << created;
    Ok("POST", absl::StrCat("/v1/", names[who], ":submit"), "{}", token);
  }

  // Denied: someone else's application, and deciding without a token.
  EXPECT_EQ(Call("GET", "/v1/" + names["teacher"], "", student).status, 404);
  EXPECT_EQ(Call("POST", absl::StrCat("/v1/", names["student"], ":decide"),
                 R"({"decision": "SELECTED"})")
                .status,
            401);

  // Both are scored and selected: each takes a place and gets a grant, which
  // is agreed and pre-financed.
  for (const char* who : {"student", "teacher"}) {
    Ok("POST", absl::StrCat("/v1/", names[who], ":evaluate"),
       R"({"scores": [{"criterionId": "grades", "points": 90},
                      {"criterionId": "language", "points": 9},
                      {"criterionId": "motivation", "points": 8}]})",
       coordinator);
    const std::string selected =
        Ok("POST", absl::StrCat("/v1/", names[who], ":decide"),
           R"({"decision": "SELECTED"})", coordinator);
    EXPECT_THAT(selected, HasSubstr(R"("state":"SELECTED")"));
    const std::string grant = e2e::JsonField(selected, "grant");
    ASSERT_FALSE(grant.empty()) << selected;
    Ok("POST", absl::StrCat("/v1/", grant, ":agree"),
       R"({"participantSignedDate": {"year": 2026, "month": 11, "day": 20},
           "institutionSignedDate": {"year": 2026, "month": 11, "day": 21}})",
       coordinator);
    const std::string prefinanced = Ok(
        "POST", absl::StrCat("/v1/", grant, ":prefinance"), "{}", coordinator);
    EXPECT_THAT(prefinanced, HasSubstr(R"("state":"PREFINANCED")")) << who;
  }
  EXPECT_THAT(Ok("GET", "/v1/" + names["student"], "", student),
              HasSubstr(R"("state":"SELECTED")"));

  // A question to the rector, without an account: registered, answered,
  // published, and found by search.
  const std::string receipt =
      Ok("POST", "/v1/inquiries", Demo("question-web.json"), "");
  const std::string inquiry = e2e::JsonField(receipt, "inquiry");
  const std::string number = e2e::JsonField(receipt, "registrationNumber");
  const std::string code = e2e::JsonField(receipt, "trackingCode");
  ASSERT_FALSE(code.empty()) << receipt;
  const std::string admin = testing::TokenFor("admin", {Role::kAdmin});
  const std::string handler =
      testing::TokenFor("handler", {Role::kInquiryHandler});
  Ok("POST", "/v1/offices?officeId=international-office",
     R"({"displayName": "International Office", "active": true})", admin);
  Ok("POST", absl::StrCat("/v1/", inquiry, ":assign"),
     R"({"office": "offices/international-office", "handler": "handler"})",
     handler);
  Ok("POST", absl::StrCat("/v1/", inquiry, ":start"), "{}", handler);
  Ok("POST", absl::StrCat("/v1/", inquiry, ":answer"),
     R"({"answer": {"text": "Yes: the visa fee is an exceptional cost.",
                    "language": "en"}})",
     handler);
  Ok("POST", absl::StrCat("/v1/", inquiry, ":publish"),
     R"({"publishedQuestion": {"title": "Visa fees and the grant",
         "question": "Does the Erasmus+ grant cover the Latvian visa fee?",
         "answer": "Yes, as an exceptional cost.", "language": "en"}})",
     handler);
  EXPECT_THAT(Ok("GET", "/v1/publishedQuestions?query=visa", "", ""),
              HasSubstr("Visa fees and the grant"));
  const std::string tracked =
      Ok("POST", "/v1/inquiries:track",
         absl::StrCat(R"({"registrationNumber": ")", number,
                      R"(", "trackingCode": ")", code, R"("})"),
         "");
  EXPECT_THAT(tracked, HasSubstr("exceptional cost"));
  // Denied: a wrong tracking code shows nothing.
  e2e::HttpReply wrong =
      Call("POST", "/v1/inquiries:track",
           absl::StrCat(R"({"registrationNumber": ")", number,
                        R"(", "trackingCode": "AAAA-AAAA-AAAA-AAAA-AAAA"})"));
  EXPECT_EQ(wrong.status, 404);
  EXPECT_THAT(wrong.body, ::testing::Not(HasSubstr("visa")));

  // SIGTERM stops the gateway cleanly.
  const int status = stack_.Terminate("gateway");
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

}  // namespace
}  // namespace mobility
