// Issue 24: the EWP endpoints as a partner's system meets them, over real
// HTTP with real signatures: our agreements service and demo data behind, an
// ewp_server process in front, a registry catalogue listing us, Vidzeme and
// Tartu. What a partner sees is what its coordinator may (DOMAIN.md, "Who
// acts for whom"); every way a request can be wrong is refused as the
// specifications say, and every answer is signed and schema-valid.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <functional>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/client.h"
#include "common/grpc_status.h"
#include "common/test_support.h"
#include "mobility/ewp/v1/ewp.grpc.pb.h"
#include "services/ewp/ewp_testing.h"
#include "services/ewp/http_client.h"
#include "services/ewp/iia_hash.h"
#include "services/ewp/manifest.h"
#include "tests/e2e_support.h"
#include "tests/ewp_support.h"

namespace mobility {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class EwpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    kz_ = new e2e::EwpInstance("kuam.kz",
                               "Abay Myrzakhmetov Kokshetau University");
    keys_ = new std::map<std::string, ewp::RsaPrivateKey>();
    for (const char* name : {"lv", "ee"})
      keys_->emplace(name, e2e::NewEwpKey(kz_->dir(), name));
    // Vidzeme and Tartu are keys here; their hosts are nowhere, so what we
    // owe them waits in the outbox.
    // Tartu's host answers as each test tells it (FakePartner).
    partner_ = new e2e::FakePartner(
        keys_->at("ee"),
        [](const ewp::HttpMessage& request) { return (*answer_)(request); });
    answer_ = new e2e::FakePartner::Handler(
        [](const ewp::HttpMessage&) { return ewp::HttpMessage{}; });
    ewp::ManifestSettings lv = kz_->Settings(), ee = kz_->Settings();
    lv.hei_id = "va.lv";
    ee.hei_id = "ut.ee";
    lv.public_url = "https://ewp.invalid";
    ee.public_url = partner_->url();
    kz_->stack().ewp().extra_args = {"--partner_timeout_seconds=1"};
    ASSERT_TRUE(kz_->Start(e2e::WriteCatalogue(
        kz_->dir(), {kz_->Manifest(), ewp::Manifest(lv, Key("lv"), Key("lv")),
                     ewp::Manifest(ee, Key("ee"), Key("ee"))})));
    ASSERT_TRUE(kz_->stack().LoadDemo());
  }

  static void TearDownTestSuite() {
    delete kz_;
    delete partner_;
  }

  static const ewp::RsaPublicKey& Key(const std::string& name) {
    return keys_->at(name).public_key();
  }

  // A request to our endpoint `path`, signed with `key` (none when empty).
  static ewp::HttpMessage Request(const std::string& method,
                                  const std::string& path,
                                  const std::string& form,
                                  const std::string& key) {
    ewp::HttpMessage request;
    request.method = method;
    request.target =
        method == "GET" && !form.empty() ? path + "?" + form : path;
    request.headers = {{"host", kz_->host()}};
    if (method == "POST") {
      request.body = form;
      request.headers.emplace_back("content-type",
                                   "application/x-www-form-urlencoded");
    }
    if (!key.empty()) ewp::SignRequest(keys_->at(key), absl::Now(), &request);
    return request;
  }

  static ewp::HttpMessage Send(const ewp::HttpMessage& request) {
    return e2e::SendEwp(kz_->url(), request);
  }

  // The response verifies as signed by our server key for this request.
  static ::testing::AssertionResult SignedByUs(
      const ewp::HttpMessage& request, const ewp::HttpMessage& response) {
    auto verified = ewp::VerifyResponse(
        request, response, absl::Now(),
        [](absl::string_view id) -> const ewp::RsaPublicKey* {
          const auto& ours = kz_->server_key().public_key();
          return id == ours.fingerprint() ? &ours : nullptr;
        });
    if (verified.ok()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << verified.status();
  }

  // The rows of an ewp table for `where`, as psql prints them.
  static std::string Rows(const std::string& query) {
    auto [code, rows] = e2e::RunCommand(absl::StrCat(
        "psql -X -At '", kz_->database_url(), "' -c \"", query, "\""));
    EXPECT_EQ(code, 0) << rows;
    return rows;
  }

  static e2e::EwpInstance* kz_;
  static std::map<std::string, ewp::RsaPrivateKey>* keys_;
  static e2e::FakePartner* partner_;
  static e2e::FakePartner::Handler* answer_;
};

e2e::EwpInstance* EwpTest::kz_;
std::map<std::string, ewp::RsaPrivateKey>* EwpTest::keys_;
e2e::FakePartner* EwpTest::partner_;
e2e::FakePartner::Handler* EwpTest::answer_;

TEST_F(EwpTest, TheManifestNamesOurHeiAndKeys) {
  const ewp::HttpMessage manifest =
      Send(Request("GET", ewp::kManifestPath, "", ""));
  EXPECT_EQ(manifest.status, 200);
  EXPECT_THAT(manifest.body, HasSubstr("<r:hei id=\"kuam.kz\">"));
  std::string errors;
  EXPECT_TRUE(ewp::testing::Validates(
      manifest.body, "ewp-specs-api-discovery/manifest.xsd", &errors))
      << errors;
}

TEST_F(EwpTest, APartnerListsAndReadsItsAgreementsWithUs) {
  const ewp::HttpMessage index_request =
      Request("GET", ewp::kIiasIndexPath, "", "lv");
  const ewp::HttpMessage index = Send(index_request);
  ASSERT_EQ(index.status, 200) << index.body;
  EXPECT_TRUE(SignedByUs(index_request, index));
  std::string errors;
  EXPECT_TRUE(ewp::testing::Validates(
      index.body, "ewp-specs-api-iias/endpoints/index-response.xsd", &errors))
      << errors << index.body;
  EXPECT_THAT(index.body, HasSubstr("<iia-id>KSU-IIA-2025-0003</iia-id>"));

  // By POST, as clients are advised for many ids; an unknown id is ignored.
  const ewp::HttpMessage get_request =
      Request("POST", ewp::kIiasGetPath,
              "iia_id=KSU-IIA-2025-0003&iia_id=unknown", "lv");
  const ewp::HttpMessage get = Send(get_request);
  ASSERT_EQ(get.status, 200) << get.body;
  EXPECT_TRUE(SignedByUs(get_request, get));
  EXPECT_TRUE(ewp::testing::Validates(
      get.body, "ewp-specs-api-iias/endpoints/get-response.xsd", &errors))
      << errors << get.body;
  auto hashes = ewp::HashIias(get.body);
  ASSERT_TRUE(hashes.ok());
  ASSERT_EQ(hashes->size(), 1u);
  // We are the owner: our partner entry comes first, with our iia-id.
  EXPECT_EQ(hashes->front().iia_id, "KSU-IIA-2025-0003");
  EXPECT_THAT(get.body, HasSubstr("<iia-hash>" + hashes->front().iia_hash));
  EXPECT_LT(get.body.find("<hei-id>kuam.kz</hei-id>"),
            get.body.find("<hei-id>va.lv</hei-id>"));
  // The same, by GET with the id in the query.
  const ewp::HttpMessage by_get =
      Send(Request("GET", ewp::kIiasGetPath, "iia_id=KSU-IIA-2025-0003", "lv"));
  EXPECT_EQ(by_get.status, 200);
  EXPECT_THAT(by_get.body, HasSubstr("KSU-IIA-2025-0003"));
}

// Tartu is in the network but no partner of these agreements: it lists
// nothing and reads nothing, even naming Vidzeme's ids.
TEST_F(EwpTest, AnotherHeiSeesNoneOfThem) {
  const ewp::HttpMessage index =
      Send(Request("GET", ewp::kIiasIndexPath, "", "ee"));
  EXPECT_EQ(index.status, 200);
  EXPECT_THAT(index.body, Not(HasSubstr("<iia-id>")));
  const ewp::HttpMessage get =
      Send(Request("GET", ewp::kIiasGetPath, "iia_id=KSU-IIA-2025-0003", "ee"));
  EXPECT_EQ(get.status, 200);
  EXPECT_THAT(get.body, Not(HasSubstr("<iia>")));
}

TEST_F(EwpTest, RequestsTheSpecificationsRefuseAreRefused) {
  // Unsigned: 401, saying how to sign.
  const ewp::HttpMessage unsigned_answer =
      Send(Request("GET", ewp::kIiasIndexPath, "", ""));
  EXPECT_EQ(unsigned_answer.status, 401);
  EXPECT_THAT(unsigned_answer.Header("www-authenticate"),
              HasSubstr("x-request-id"));
  EXPECT_THAT(unsigned_answer.body, HasSubstr("<developer-message>"));
  std::string errors;
  EXPECT_TRUE(ewp::testing::Validates(
      unsigned_answer.body, "ewp-specs-architecture/common-types.xsd", &errors))
      << errors;

  // A key the registry does not list: 403.
  keys_->emplace("unlisted", e2e::NewEwpKey(kz_->dir(), "unlisted"));
  EXPECT_EQ(Send(Request("GET", ewp::kIiasIndexPath, "", "unlisted")).status,
            403);

  // A date ten minutes old, a replay, a body changed after signing, a
  // signature for another host: 400.
  ewp::HttpMessage stale = Request("GET", ewp::kIiasIndexPath, "", "");
  ewp::SignRequest(keys_->at("lv"), absl::Now() - absl::Minutes(10), &stale);
  EXPECT_EQ(Send(stale).status, 400);
  const ewp::HttpMessage once = Request("GET", ewp::kIiasIndexPath, "", "lv");
  EXPECT_EQ(Send(once).status, 200);
  const ewp::HttpMessage replayed = Send(once);
  EXPECT_EQ(replayed.status, 400);
  EXPECT_THAT(replayed.body, HasSubstr("used before"));
  ewp::HttpMessage changed =
      Request("POST", ewp::kIiasGetPath, "iia_id=KSU-IIA-2025-0003", "lv");
  changed.body = "iia_id=VIA-IIA-2025-0007";
  EXPECT_EQ(Send(changed).status, 400);
  ewp::HttpMessage elsewhere;
  elsewhere.method = "GET";
  elsewhere.target = ewp::kIiasIndexPath;
  elsewhere.headers = {{"host", "ewp.kuam.kz"}};
  ewp::SignRequest(keys_->at("lv"), absl::Now(), &elsewhere);
  EXPECT_EQ(Send(elsewhere).status, 400);

  // More ids than the manifest's max-iia-ids, and a body over the limit.
  std::string many;
  for (int i = 0; i <= 100; ++i) absl::StrAppend(&many, "iia_id=", i, "&");
  EXPECT_EQ(Send(Request("POST", ewp::kIiasGetPath, many, "lv")).status, 400);
  const ewp::HttpMessage huge =
      Send(Request("POST", ewp::kIiasGetPath,
                   "iia_id=" + std::string(100 * 1024, 'x'), "lv"));
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(Send(Request("PUT", ewp::kIiasGetPath, "", "lv")).status, 405);

  // Each refusal is in the log, with its reason, and no partner's data.
  const std::string log = kz_->Log();
  EXPECT_THAT(log, HasSubstr("ewp_refused"));
  EXPECT_THAT(log, HasSubstr("used before"));
}

// A replica beside ours, on the same database, behind the same public
// host: a request replayed to it is refused as one used before.
TEST_F(EwpTest, AReplayToAnotherReplicaIsRefused) {
  std::vector<std::string> args = kz_->stack().args("ewp");
  const std::string http = absl::StrCat("127.0.0.1:", e2e::FreePort());
  for (std::string& arg : args) {
    if (absl::StartsWith(arg, "--listen="))
      arg = absl::StrCat("--listen=127.0.0.1:", e2e::FreePort());
    if (absl::StartsWith(arg, "--http_listen=")) arg = "--http_listen=" + http;
    if (absl::StartsWith(arg, "--metrics_listen="))
      arg = "--metrics_listen=127.0.0.1:0";
  }
  const pid_t replica = e2e::Spawn(args, kz_->dir() + "/ewp-replica.log");
  const ewp::HttpMessage once = Request("GET", ewp::kIiasIndexPath, "", "lv");
  EXPECT_EQ(Send(once).status, 200);
  ewp::HttpMessage replayed;
  ASSERT_TRUE(e2e::Eventually([&] {
    auto answer = ewp::Send("http://" + http + once.target, once, [] {
      ewp::HttpLimits limits;
      limits.allow_plain_http = true;
      return limits;
    }());
    if (answer.ok()) replayed = *answer;
    return answer.ok();
  }));
  kill(replica, SIGKILL);
  waitpid(replica, nullptr, 0);
  EXPECT_EQ(replayed.status, 400);
  EXPECT_THAT(replayed.body, HasSubstr("used before"));
}

// Our office reads the partners' copies; the staff and systems of a partner
// do not, though their roles may call the RPC (tests/access_table.tsv).
TEST_F(EwpTest, OnlyOurOfficeReadsThePartnersCopies) {
  auto stub = ewp::v1::EwpService::NewStub(NewChannel(kz_->grpc_address()));
  auto list = [&](std::vector<Role> roles, const std::string& institution) {
    ewp::v1::ListPartnerAgreementsRequest request;
    ewp::v1::ListPartnerAgreementsResponse response;
    auto context = NewClientContext(
        {testing::TokenFor("x", roles, institution), "", absl::Seconds(10)});
    return FromGrpcStatus(
        stub->ListPartnerAgreements(context.get(), request, &response));
  };
  const std::string kz = "institutions/kokshetau-amu";
  const std::string lv = "institutions/vidzeme-via";
  EXPECT_TRUE(list({Role::kCoordinator}, kz).ok());
  EXPECT_TRUE(list({Role::kFinance}, kz).ok());
  EXPECT_EQ(list({Role::kCoordinator}, lv).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(list({Role::kPartnerSystem}, lv).code(),
            absl::StatusCode::kPermissionDenied);
  ewp::v1::ApprovePartnerAgreementRequest approve;
  approve.set_name("partnerAgreements/0123456789abcdef0123456789abcdef");
  ewp::v1::PartnerAgreement out;
  auto context = NewClientContext(
      {testing::TokenFor("x", {Role::kFinance}, kz), "", absl::Seconds(10)});
  EXPECT_EQ(
      stub->ApprovePartnerAgreement(context.get(), approve, &out).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
}

// A partner that cannot be reached loses nothing: what we owe it stays in
// the outbox and is tried again, later each time.
TEST_F(EwpTest, WhatAnUnreachablePartnerIsOwedWaitsInTheOutbox) {
  ASSERT_TRUE(e2e::Eventually([] {
    return absl::StrContains(kz_->Log(), "\"attempts\":\"2\"");
  })) << kz_->Log();
  EXPECT_EQ(Rows("SELECT partner_hei_id, kind, attempts > 0, sent_time IS "
                 "NULL, next_attempt > now() FROM ewp.sent_notifications "
                 "ORDER BY id LIMIT 1"),
            "va.lv|iia|t|t|t\n");
  EXPECT_THAT(kz_->Log(), HasSubstr("ewp_notification_failed"));
}

// Tartu notifies us of an IIA, and its host answers our fetch badly in
// each way a partner can: we log why, keep the notification to try again
// later, and store nothing of it.
TEST_F(EwpTest, APartnersBadAnswersChangeNothing) {
  const std::string ns =
      "https://github.com/erasmus-without-paper/ewp-specs-api-iias/blob/"
      "stable-v7/endpoints/get-response.xsd";
  *answer_ = [ns](const ewp::HttpMessage& request) {
    ewp::HttpMessage answer;
    const std::string& asked = request.body;
    if (absl::StrContains(asked, "malformed")) {
      answer.body = "<iias-get-response";
    } else if (absl::StrContains(asked, "invalid")) {
      answer.body = "<iias-get-response xmlns=\"" + ns +
                    "\"><iia><unexpected/></iia></iias-get-response>";
    } else if (absl::StrContains(asked, "huge")) {
      answer.body = std::string(9 * 1024 * 1024, ' ');
    } else if (absl::StrContains(asked, "slow")) {
      absl::SleepFor(absl::Seconds(3));
    } else if (absl::StrContains(asked, "unsigned")) {
      answer.headers = {{"x-test-unsigned", "1"}};
    }
    return answer;
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"malformed", "not well-formed"},
      {"invalid", "not valid against get-response.xsd"},
      {"huge", "more than 8388608 bytes"},
      {"slow", "did not answer within the deadline"},
      {"unsigned", "carries no usable Signature"}};
  for (const auto& [iia_id, why] : cases) {
    const ewp::HttpMessage cnr =
        Send(Request("POST", ewp::kIiaCnrPath, "iia_id=tartu-" + iia_id, "ee"));
    ASSERT_EQ(cnr.status, 200) << cnr.body;
    EXPECT_TRUE(ewp::testing::Validates(cnr.body,
                                        "ewp-specs-api-iia-cnr/response.xsd"));
    EXPECT_TRUE(e2e::Eventually([&, iia_id = iia_id, why = why] {
      const std::string log = kz_->Log();
      const size_t at = log.find("\"iia_id\":\"tartu-" + iia_id + "\"");
      return at != std::string::npos && log.find(why, at) < log.find('\n', at);
    })) << iia_id
        << ": " << kz_->Log();
  }
  EXPECT_EQ(Rows("SELECT count(*) FROM ewp.partner_agreements WHERE "
                 "partner_hei_id = 'ut.ee'"),
            "0\n");
  // Asked for on demand, the same answers are refused at once, and a
  // request naming nothing is refused naming its fields.
  auto stub = ewp::v1::EwpService::NewStub(NewChannel(kz_->grpc_address()));
  auto refresh = [&](const std::string& hei, const std::string& iia_id) {
    ewp::v1::RefreshPartnerAgreementRequest request;
    request.set_partner_hei_id(hei);
    request.set_partner_iia_id(iia_id);
    ewp::v1::PartnerAgreement out;
    auto context =
        NewClientContext({testing::TokenFor("x", {Role::kCoordinator},
                                            "institutions/kokshetau-amu"),
                          "", absl::Seconds(10)});
    return FromGrpcStatus(
        stub->RefreshPartnerAgreement(context.get(), request, &out));
  };
  EXPECT_EQ(refresh("ut.ee", "tartu-invalid").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(refresh("va.lv", "VIA-IIA-2025-0007").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(refresh("", "").code(), absl::StatusCode::kInvalidArgument);
  // Each kept to try again, none lost.
  EXPECT_EQ(Rows("SELECT count(*), min(attempts) > 0 FROM "
                 "ewp.received_notifications WHERE partner_hei_id = 'ut.ee'"),
            "5|t\n");
}

}  // namespace
}  // namespace mobility
