// Transcoding against the real contracts: routes read from the compiled
// descriptors, requests built from paths, queries and bodies.
#include "services/gateway/transcode.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/status.h"
#include "mobility/agreements/v1/agreements.pb.h"
#include "mobility/applications/v1/applications.pb.h"
#include "mobility/grants/v1/grants.pb.h"
#include "mobility/inquiries/v1/inquiries.pb.h"
#include "services/gateway/contracts.h"
#include "services/gateway/errors.h"

namespace mobility::gateway {
namespace {

namespace iv1 = ::mobility::inquiries::v1;
namespace av1 = ::mobility::agreements::v1;

const Router& Routes() {
  static const Router* router = [] {
    auto r = Router::FromServices(
        *google::protobuf::DescriptorPool::generated_pool(), ServedServices());
    EXPECT_TRUE(r.ok()) << r.status();
    return new Router(*std::move(r));
  }();
  return *router;
}

// The request the gateway would send for `method` `target` with `body`.
template <typename Message>
absl::Status Build(const std::string& method, const std::string& target,
                   const std::string& body, Message* request,
                   std::string* rpc = nullptr) {
  const size_t q = target.find('?');
  std::vector<std::string> allowed;
  auto match = Routes().Find(method, target.substr(0, q), &allowed);
  if (match.route == nullptr) return absl::NotFoundError("no route");
  if (rpc != nullptr) *rpc = match.route->grpc_path;
  return BuildRequest(*match.route, match.bindings,
                      q == std::string::npos ? "" : target.substr(q + 1), body,
                      request);
}

TEST(RoutesTest, EveryAnnotatedMethodIsRouted) {
  EXPECT_GT(Routes().routes().size(), 60u);
  std::vector<std::string> allowed;
  auto match = Routes().Find("DELETE", "/v1/inquiries:track", &allowed);
  EXPECT_EQ(match.route, nullptr);
  EXPECT_THAT(allowed, ::testing::ElementsAre("POST"));
  allowed.clear();
  EXPECT_EQ(Routes().Find("GET", "/v2/nothing", &allowed).route, nullptr);
  EXPECT_TRUE(allowed.empty());
  // A GET with a custom verb is that method's, though "calls/*" would also
  // take "x:rankApplications" as a call's id.
  EXPECT_EQ(Routes()
                .Find("GET", "/v1/calls/x:rankApplications", &allowed)
                .route->grpc_path,
            "/mobility.applications.v1.ApplicationsService/RankApplications");
}

TEST(TranscodeTest, PathVariablesAndCustomVerbs) {
  av1::GetAgreementRequest get;
  std::string rpc;
  ASSERT_TRUE(Build("GET", "/v1/agreements/ka171-kz-lv", "", &get, &rpc).ok());
  EXPECT_EQ(get.name(), "agreements/ka171-kz-lv");
  EXPECT_EQ(rpc, "/mobility.agreements.v1.AgreementsService/GetAgreement");
  iv1::AssignInquiryRequest assign;
  ASSERT_TRUE(Build("POST", "/v1/inquiries/abc:assign",
                    R"({"office": "offices/x", "handler": "h"})", &assign, &rpc)
                  .ok());
  EXPECT_EQ(assign.name(), "inquiries/abc");
  EXPECT_EQ(assign.office(), "offices/x");
  EXPECT_EQ(rpc, "/mobility.inquiries.v1.InquiriesService/AssignInquiry");
}

TEST(TranscodeTest, QueryParametersNestedRepeatedAndEnums) {
  iv1::ListInquiriesRequest list;
  ASSERT_TRUE(Build("GET",
                    "/v1/inquiries?states=REGISTERED&states=5&pageSize=20&"
                    "due_within_working_days=3&office=offices%2Fio",
                    "", &list)
                  .ok());
  EXPECT_THAT(list.states(), ::testing::ElementsAre(iv1::Inquiry::REGISTERED,
                                                    iv1::Inquiry::ANSWERED));
  EXPECT_EQ(list.page_size(), 20);
  EXPECT_TRUE(list.has_due_within_working_days());
  EXPECT_EQ(list.office(), "offices/io");
  iv1::ListPublishedQuestionsRequest search;
  ASSERT_TRUE(
      Build("GET", "/v1/publishedQuestions?query=grant+latvia", "", &search)
          .ok());
  EXPECT_EQ(search.query(), "grant latvia");

  for (const char* bad :
       {"/v1/inquiries?pageSize=big", "/v1/inquiries?states=NOPE",
        "/v1/inquiries?noSuchField=1", "/v1/inquiries?office=%zz"}) {
    absl::Status s = Build("GET", bad, "", &list);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(ErrorReason(s), "BAD_PARAMETER") << bad;
  }
}

TEST(TranscodeTest, BodiesWholeOrOneFieldAndTheirErrors) {
  iv1::CreateInquiryRequest create;
  ASSERT_TRUE(Build("POST", "/v1/inquiries",
                    R"({"subject": "Grant", "kind": "REQUEST",
                        "author": {"fullName": "Dana"}})",
                    &create)
                  .ok());
  EXPECT_EQ(create.inquiry().subject(), "Grant");
  EXPECT_EQ(create.inquiry().kind(), iv1::REQUEST);
  EXPECT_EQ(create.inquiry().author().full_name(), "Dana");

  iv1::TrackInquiryRequest track;
  ASSERT_TRUE(Build("POST", "/v1/inquiries:track",
                    R"({"registrationNumber": "2026-000001",
                        "tracking_code": "ABCD"})",
                    &track)
                  .ok());
  EXPECT_EQ(track.registration_number(), "2026-000001");
  EXPECT_EQ(track.tracking_code(), "ABCD");

  for (const char* bad :
       {"{", R"({"unknownField": 1})", R"({"registrationNumber": 5})", "[]"}) {
    absl::Status s = Build("POST", "/v1/inquiries:track", bad, &track);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(ErrorReason(s), "MALFORMED_JSON") << bad;
  }
  av1::GetAgreementRequest get;
  EXPECT_EQ(ErrorReason(Build("GET", "/v1/agreements/x", "{}", &get)),
            "BAD_PARAMETER");  // A GET takes no body.
  EXPECT_EQ(ErrorReason(Build("POST", "/v1/inquiries:track?x=1", "{}", &track)),
            "BAD_PARAMETER");  // Body "*" takes no query.
}

TEST(TranscodeTest, ResponsesAsProto3Json) {
  std::vector<std::string> allowed;
  auto match = Routes().Find("GET", "/v1/inquiries/x", &allowed);
  ASSERT_NE(match.route, nullptr);
  iv1::Inquiry inquiry;
  inquiry.set_registration_number("2026-000001");
  inquiry.set_state(iv1::Inquiry::ANSWERED);
  inquiry.mutable_receipt()->mutable_receive_time()->set_seconds(1795900000);
  auto json = ResponseJson(*match.route, inquiry);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, R"({"registrationNumber":"2026-000001","state":"ANSWERED",)"
                   R"("receipt":{"receiveTime":"2026-11-28T21:06:40Z"}})");
}

TEST(ErrorsTest, AipShapeWithDetailsAndRetryAfter) {
  HttpError e = ToHttpError(
      WithRetryDelay(Error(absl::StatusCode::kResourceExhausted,
                           "SUBMISSION_RATE_LIMITED", "wait \"a\" while"),
                     absl::Milliseconds(1500)));
  EXPECT_EQ(e.status, 429);
  EXPECT_EQ(e.retry_after_seconds, 2);
  EXPECT_THAT(e.json,
              ::testing::StartsWith(
                  R"({"error":{"code":429,"message":"wait \"a\" while",)"
                  R"("status":"RESOURCE_EXHAUSTED","details":[)"));
  EXPECT_THAT(e.json,
              ::testing::HasSubstr(R"("reason":"SUBMISSION_RATE_LIMITED")"));
  EXPECT_THAT(e.json, ::testing::HasSubstr(R"("retryDelay":"1.500s")"));
  const std::pair<absl::StatusCode, int> table[] = {
      {absl::StatusCode::kInvalidArgument, 400},
      {absl::StatusCode::kFailedPrecondition, 400},
      {absl::StatusCode::kOutOfRange, 400},
      {absl::StatusCode::kUnauthenticated, 401},
      {absl::StatusCode::kPermissionDenied, 403},
      {absl::StatusCode::kNotFound, 404},
      {absl::StatusCode::kAlreadyExists, 409},
      {absl::StatusCode::kAborted, 409},
      {absl::StatusCode::kResourceExhausted, 429},
      {absl::StatusCode::kUnavailable, 503},
      {absl::StatusCode::kDeadlineExceeded, 504},
      {absl::StatusCode::kInternal, 500},
      {absl::StatusCode::kUnknown, 500},
      {absl::StatusCode::kDataLoss, 500}};
  for (auto [code, http] : table) EXPECT_EQ(HttpStatusOf(code), http);
  // A bare status still gets an ErrorInfo.
  EXPECT_THAT(ToHttpError(absl::NotFoundError("gone")).json,
              ::testing::HasSubstr(R"("reason":"NOT_FOUND")"));
}

}  // namespace
}  // namespace mobility::gateway
