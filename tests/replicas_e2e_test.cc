// Issue 26's replicas: two of every service, reached round robin by the
// gateway and by the services' own channels. Each replica restarted in turn
// (SIGTERM: it drains, then exits) while callers read from every service and
// register appeals through the gateway: no call fails, and every appeal whose
// number was acknowledged is in the registry, numbered without a gap.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <atomic>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/client.h"
#include "common/test_support.h"
#include "mobility/agreements/v1/agreements.pb.h"
#include "tests/e2e_support.h"

namespace mobility {
namespace {

class ReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stack_.set_replicas(2);
    // Registrations come from many addresses, vouched for by a proxy on this
    // machine, so the per-address limit never refuses one.
    ASSERT_TRUE(stack_.Start({"--trusted_proxies=127.0.0.1"}));
    ASSERT_TRUE(stack_.LoadDemo());
  }

  testing::TestDatabase database_;
  e2e::Stack stack_{database_.url(), e2e::MakeWorkspace()};
};

TEST_F(ReplicasTest, EveryReplicaRestartedInTurnUnderLoadLosesNoCall) {
  const std::string staff = "Authorization: Bearer " +
                            testing::TokenFor("office", {Role::kCoordinator});
  // One read of each service through the gateway, and a registration.
  const std::vector<std::pair<std::string, std::string>> reads = {
      {"agreements", "/v1/agreements"},
      {"applications", "/v1/calls"},
      {"grants", "/v1/rates"},
      {"inquiries", "/v1/publishedQuestions"},
      {"ewp", "/v1/partnerAgreements"}};
  const std::string form =
      e2e::ReadFile(PROJECT_SOURCE_DIR "/deploy/demo/question-web.json");

  pqxx::connection admin(database_.url());
  // The demo's own appeals, registered before the load.
  const int64_t demo = pqxx::nontransaction(admin)
                           .exec1("SELECT count(*) FROM inquiries.inquiries")[0]
                           .as<int64_t>();
  std::atomic<bool> stop{false};
  std::atomic<int> sequence{0};
  std::mutex mu;
  std::map<std::string, int> ok;
  std::vector<std::string> failures;
  std::vector<std::string> numbers;  // Acknowledged registrations.
  auto record = [&](const std::string& what, bool fine,
                    const std::string& detail) {
    std::lock_guard<std::mutex> lock(mu);
    if (fine) {
      ++ok[what];
    } else if (failures.size() < 20 || what == "registration") {
      failures.push_back(absl::StrCat(what, ": ", detail));
    }
  };
  std::vector<std::thread> callers;
  for (int i = 0; i < 4; ++i) {
    callers.emplace_back([&, i] {
      e2e::HttpClient http;
      while (!stop) {
        for (const auto& [service, path] : reads) {
          e2e::HttpReply reply =
              http.Call("GET", absl::StrCat("http://", stack_.gateway(), path),
                        "", {staff});
          record(service, reply.status == 200,
                 absl::StrCat(reply.status, " ", reply.body));
        }
        const int n = sequence.fetch_add(1);
        const std::string body = absl::StrReplaceAll(
            form, {{"dana.seitkali@example.kz",
                    absl::StrCat("author", n, "@example.kz")}});
        e2e::HttpReply reply = http.Call(
            "POST", absl::StrCat("http://", stack_.gateway(), "/v1/inquiries"),
            body,
            {"Content-Type: application/json",
             absl::StrCat("X-Forwarded-For: 10.", i, ".", n / 250, ".",
                          n % 250)});
        record("registration", reply.status == 200,
               absl::StrCat(reply.status, " ", reply.body));
        const std::string number =
            e2e::JsonField(reply.body, "registrationNumber");
        if (reply.status == 200 && !number.empty()) {
          std::lock_guard<std::mutex> lock(mu);
          numbers.push_back(number);
        }
      }
    });
  }
  // And a caller of our own services' kind, over gRPC on the replicas'
  // target, as the gateway and the services reach each other.
  callers.emplace_back([&] {
    grpc::GenericStub stub(NewReplicasChannel(stack_.address("agreements")));
    agreements::v1::ListAgreementsRequest request;
    const std::string token = testing::TokenFor("office", {Role::kCoordinator});
    while (!stop) {
      absl::Status status = e2e::CallRaw(
          stub, "/mobility.agreements.v1.AgreementsService/ListAgreements",
          request.SerializeAsString(), token);
      record("grpc", status.ok(), status.ToString());
    }
  });

  absl::SleepFor(absl::Milliseconds(500));
  int restarted = 0;
  for (const char* service :
       {"agreements", "applications", "grants", "inquiries", "ewp"}) {
    for (const std::string& replica :
         {std::string(service), absl::StrCat(service, "-2")}) {
      const int status = stack_.Terminate(replica);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
          << replica << ": " << status;
      ASSERT_TRUE(stack_.Restart(replica));
      ++restarted;
      // As a rolling update waits for a new replica to be ready for a while
      // (Kubernetes' minReadySeconds) before it stops the next.
      absl::SleepFor(absl::Seconds(1));
    }
  }
  stop = true;
  for (auto& t : callers) t.join();

  EXPECT_EQ(restarted, 10);
  EXPECT_TRUE(failures.empty()) << absl::StrJoin(failures, "\n");
  for (const char* what : {"agreements", "applications", "grants", "inquiries",
                           "ewp", "registration", "grpc"}) {
    EXPECT_GT(ok[what], 10) << what;
  }
  // Every acknowledged registration is there, and the year's numbers run
  // from 1 without a gap.
  pqxx::nontransaction txn(admin);
  const pqxx::row registry = txn.exec1(
      "SELECT count(*), max(registration_sequence), "
      "count(DISTINCT registration_number) FROM inquiries.inquiries");
  const int64_t registered = demo + static_cast<int64_t>(numbers.size());
  EXPECT_EQ(registry[0].as<int64_t>(), registered);
  EXPECT_EQ(registry[1].as<int64_t>(), registered);
  EXPECT_EQ(registry[2].as<int64_t>(), registered);
  RecordProperty("calls", absl::StrCat(ok["agreements"] + ok["applications"] +
                                       ok["grants"] + ok["inquiries"] +
                                       ok["ewp"] + ok["grpc"]));
  RecordProperty("registrations", static_cast<int>(numbers.size()));
  std::cout << "rolling restart of 10 replicas: "
            << ok["agreements"] + ok["applications"] + ok["grants"] +
                   ok["inquiries"] + ok["ewp"] + ok["grpc"]
            << " reads and " << numbers.size()
            << " registrations, none failed\n";
}

}  // namespace
}  // namespace mobility
