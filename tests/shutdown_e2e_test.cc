// SIGTERM under load, for every service and the gateway: the calls in flight
// finish, the calls that come after are refused (UNAVAILABLE, or 503 at the
// gateway; CANCELLED for one that raced the moment gRPC stopped taking calls)
// and never fail as INTERNAL or UNKNOWN, and the process exits with status 0
// well within its drain time.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/client.h"
#include "common/status.h"
#include "common/test_support.h"
#include "tests/e2e_support.h"

namespace mobility {
namespace {

// A read each service serves to anyone signed in, with an empty request.
const std::map<std::string, std::string>& Reads() {
  static const auto* reads = new std::map<std::string, std::string>{
      {"agreements",
       "/mobility.agreements.v1.AgreementsService/ListAgreements"},
      {"applications",
       "/mobility.applications.v1.ApplicationsService/ListCalls"},
      {"grants", "/mobility.grants.v1.GrantsService/ListRates"},
      {"inquiries",
       "/mobility.inquiries.v1.InquiriesService/ListPublishedQuestions"}};
  return *reads;
}

class ShutdownTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(stack_.Start()); }

  testing::TestDatabase database_;
  std::string dir_ = e2e::MakeWorkspace();
  e2e::Stack stack_{database_.url(), dir_};
};

TEST_F(ShutdownTest, SigtermUnderLoadDrainsAndExitsZero) {
  const std::string token = testing::TokenFor("load", {Role::kCoordinator});
  // The gateway first, while the services behind it still answer.
  {
    std::atomic<bool> stop{false};
    std::atomic<int> ok{0}, refused{0}, other{0};
    std::vector<std::thread> callers;
    for (int i = 0; i < 8; ++i) {
      callers.emplace_back([&] {
        e2e::HttpClient http;
        while (!stop) {
          const long status =
              http.Call("GET", absl::StrCat("http://", stack_.gateway(),
                                            "/v1/agreements"))
                  .status;
          // 0: the connection was refused or closed once the gateway went.
          (status == 200                  ? ok
           : status == 503 || status == 0 ? refused
                                          : other)++;
        }
      });
    }
    absl::SleepFor(absl::Milliseconds(500));
    const absl::Time signalled = absl::Now();
    const int status = stack_.Terminate("gateway");
    const absl::Duration took = absl::Now() - signalled;
    stop = true;
    for (auto& t : callers) t.join();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    EXPECT_LT(took, absl::Seconds(10));
    EXPECT_GT(ok.load(), 0);
    EXPECT_EQ(other.load(), 0) << "answers other than 200 and 503";
  }
  for (const auto& [service, method] : Reads()) {
    grpc::GenericStub stub(NewChannel(stack_.address(service)));
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::map<absl::StatusCode, int> seen;
    // When the first and the last cancelled call ended.
    absl::Time first_cancelled = absl::InfiniteFuture();
    absl::Time last_cancelled = absl::InfinitePast();
    std::vector<std::thread> callers;
    for (int i = 0; i < 8; ++i) {
      callers.emplace_back([&, method = method] {
        while (!stop) {
          const absl::StatusCode code =
              e2e::CallRaw(stub, method, "", token).code();
          const absl::Time ended = absl::Now();
          std::lock_guard<std::mutex> lock(mu);
          ++seen[code];
          if (code == absl::StatusCode::kCancelled) {
            first_cancelled = std::min(first_cancelled, ended);
            last_cancelled = std::max(last_cancelled, ended);
          }
        }
      });
    }
    absl::SleepFor(absl::Milliseconds(500));
    const absl::Time signalled = absl::Now();
    const int status = stack_.Terminate(service);
    const absl::Duration took = absl::Now() - signalled;
    // Calls made after the exit are refused too.
    absl::SleepFor(absl::Milliseconds(200));
    stop = true;
    for (auto& t : callers) t.join();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << service << ": " << status;
    // Nothing was in flight for long: the drain ends at once, far within the
    // 20 s grace.
    EXPECT_LT(took, absl::Seconds(10)) << service;
    EXPECT_GT(seen[absl::StatusCode::kOk], 0) << service;
    for (const auto& [code, count] : seen) {
      EXPECT_TRUE(code == absl::StatusCode::kOk ||
                  code == absl::StatusCode::kUnavailable ||
                  code == absl::StatusCode::kCancelled)
          << service << ": " << count << " calls ended "
          << absl::StatusCodeToString(code);
    }
    // gRPC itself cancels a call that reaches the server after it stopped
    // taking calls and before the client learnt so (GOAWAY): only between the
    // signal and the exit, never while the service runs. How many depends on
    // how fast the callers loop, so only the window is checked.
    if (seen[absl::StatusCode::kCancelled] > 0) {
      EXPECT_GE(first_cancelled, signalled) << service;
      EXPECT_LE(last_cancelled, signalled + took + absl::Seconds(1)) << service;
    }
  }
}

}  // namespace
}  // namespace mobility
