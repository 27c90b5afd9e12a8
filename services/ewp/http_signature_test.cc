// HTTP signatures as ewp-specs-sec-cliauth-httpsig and -srvauth-httpsig ask:
// each way a request or response can be wrong is refused with the answer
// the specification names.
#include "services/ewp/http_signature.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "common/test_support.h"

namespace mobility::ewp {
namespace {

class HttpSignatureTest : public ::testing::Test {
 protected:
  HttpSignatureTest()
      : client_(
            *RsaPrivateKey::FromPem(mobility::testing::TestKeys().private_pem)),
        server_(*RsaPrivateKey::FromPem(
            mobility::testing::ApplicantIssuerKeys().private_pem)),
        stranger_(*RsaPrivateKey::FromPem(
            mobility::testing::InternalIssuerKeys().private_pem)) {}

  HttpMessage Request(absl::string_view body = "iia_id=1") {
    HttpMessage request;
    request.method = "POST";
    request.target = "/ewp/iia-cnr";
    request.headers = {{"host", "ewp.shokan.edu.kz"},
                       {"content-type", "application/x-www-form-urlencoded"}};
    request.body = std::string(body);
    SignRequest(client_, now_, &request);
    return request;
  }

  absl::StatusOr<std::string> Verify(const HttpMessage& request,
                                     absl::Time at) {
    return VerifyRequest(
        request, "ewp.shokan.edu.kz", at,
        [&](absl::string_view id) -> const RsaPublicKey* {
          return id == client_.public_key().fingerprint()
                     ? &client_.public_key()
                     : nullptr;
        },
        replays_);
  }
  absl::StatusOr<std::string> Verify(const HttpMessage& request) {
    return Verify(request, now_);
  }

  const KeyLookup ServerKeys() {
    return [&](absl::string_view id) -> const RsaPublicKey* {
      return id == server_.public_key().fingerprint() ? &server_.public_key()
                                                      : nullptr;
    };
  }

  const absl::Time now_ = absl::FromUnixSeconds(1796241600);  // 2026-12-02
  RsaPrivateKey client_, server_, stranger_;
  InMemoryReplayGuard replays_;
};

TEST_F(HttpSignatureTest, ASignedRequestVerifiesAsItsClientKey) {
  const HttpMessage request = Request();
  EXPECT_EQ(request.Header("date"), "Wed, 02 Dec 2026 20:00:00 GMT");
  // echo -n iia_id=1 | openssl dgst -sha256 -binary | base64
  EXPECT_EQ(request.Header("digest"),
            "SHA-256=RBQndrbncGgR1bs8LcJhr5OKdn6wwKHx1lcH/+HSyyU=");
  EXPECT_TRUE(absl::StartsWith(
      request.Header("authorization"),
      "Signature keyId=\"" + client_.public_key().fingerprint() + "\""));
  EXPECT_EQ(request.Header("x-request-id").size(), 36u);
  EXPECT_EQ(request.Header("x-request-id")[14], '4');
  auto verified = Verify(request);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(*verified, client_.public_key().fingerprint());
}

TEST_F(HttpSignatureTest, WithoutASignatureTheAnswerIs401) {
  HttpMessage request = Request();
  request.SetHeader("authorization", "Bearer abc");
  EXPECT_EQ(Verify(request).status().code(),
            absl::StatusCode::kUnauthenticated);
  request = Request();
  request.SetHeader("authorization",
                    absl::StrReplaceAll(request.Header("authorization"),
                                        {{" x-request-id", ""}}));
  EXPECT_EQ(Verify(request).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(HttpSignatureTest, AKeyTheRegistryDoesNotListIs403) {
  HttpMessage request;
  request.method = "GET";
  request.target = "/ewp/iias/index?hei_id=rvt.lv";
  request.headers = {{"host", "ewp.shokan.edu.kz"}};
  SignRequest(stranger_, now_, &request);
  EXPECT_EQ(Verify(request).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(HttpSignatureTest, AStaleDateAnotherHostATamperedBodyOrAReplayIs400) {
  // Five minutes off is within the bound; a second more is not.
  EXPECT_TRUE(Verify(Request(), now_ + absl::Minutes(5)).ok());
  EXPECT_EQ(Verify(Request(), now_ - absl::Seconds(301)).status().code(),
            absl::StatusCode::kInvalidArgument);
  HttpMessage request = Request();
  request.SetHeader("host", "attacker.example");
  EXPECT_EQ(Verify(request).status().code(),
            absl::StatusCode::kInvalidArgument);
  request = Request();
  request.body = "iia_id=2";
  EXPECT_EQ(Verify(request).status().code(),
            absl::StatusCode::kInvalidArgument);
  request = Request();
  request.target = "/ewp/iia-approval-cnr";
  EXPECT_EQ(Verify(request).status().code(),
            absl::StatusCode::kInvalidArgument);
  request = Request();
  ASSERT_TRUE(Verify(request).ok());
  auto replayed = Verify(request);
  EXPECT_EQ(replayed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(replayed.status().message().find("used before"),
            absl::string_view::npos);
}

TEST_F(HttpSignatureTest, ASignedResponseVerifiesForItsRequestOnly) {
  const HttpMessage request = Request();
  HttpMessage response;
  response.body = "<iia-cnr-response/>";
  SignResponse(server_, request, now_, &response);
  auto verified = VerifyResponse(request, response, now_, ServerKeys());
  ASSERT_TRUE(verified.ok()) << verified.status();

  HttpMessage altered = response;
  altered.body = "<iia-cnr-response>x</iia-cnr-response>";
  EXPECT_FALSE(VerifyResponse(request, altered, now_, ServerKeys()).ok());
  // The same response does not answer another request.
  EXPECT_FALSE(VerifyResponse(Request(), response, now_, ServerKeys()).ok());
  // Nor one signed by a key that is not the partner's server key.
  HttpMessage forged;
  forged.body = response.body;
  SignResponse(stranger_, request, now_, &forged);
  EXPECT_FALSE(VerifyResponse(request, forged, now_, ServerKeys()).ok());
  EXPECT_FALSE(
      VerifyResponse(request, response, now_ + absl::Minutes(6), ServerKeys())
          .ok());
}

TEST(ReplayGuardTest, ForgetsRequestIdsOnlyAfterTheirDatesExpire) {
  InMemoryReplayGuard guard;
  const absl::Time t = absl::FromUnixSeconds(1796241600);
  EXPECT_TRUE(*guard.FirstUse("k", "r", t));
  EXPECT_FALSE(*guard.FirstUse("k", "r", t + absl::Minutes(9)));
  EXPECT_TRUE(*guard.FirstUse("other-key", "r", t));
  EXPECT_TRUE(*guard.FirstUse("k", "r", t + absl::Minutes(11)));
}

}  // namespace
}  // namespace mobility::ewp
