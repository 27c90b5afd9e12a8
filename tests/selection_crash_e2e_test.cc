// The applications service stopped between the steps of a selection: after
// the intent is recorded, after the place is taken, after the grant is made.
// Each stop is a failpoint (--failpoints): the service kills itself there, so
// the caller's outcome is unknown for certain, and the test sees what the
// steps left. After a restart, the retry with the same request_id gives one
// place, one grant and one decision; a withdrawal instead gives both back, and
// the retry then selects nothing. Last, the grants service is frozen while a
// selection and then a withdrawal arrive (the fault probe's orphans).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/api.h"
#include "common/client.h"
#include "common/test_support.h"
#include "mobility/agreements/v1/agreements.grpc.pb.h"
#include "mobility/applications/v1/applications.grpc.pb.h"
#include "mobility/grants/v1/grants.grpc.pb.h"
#include "tests/e2e_applicants.h"
#include "tests/e2e_support.h"

namespace mobility {
namespace {

namespace av1 = ::mobility::agreements::v1;
namespace apv1 = ::mobility::applications::v1;
namespace gv1 = ::mobility::grants::v1;
using e2e::As;

constexpr char kKokshetau[] = "institutions/kokshetau-amu";

class SelectionCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(stack_.Start());
    ASSERT_TRUE(stack_.LoadDemo());
  }
  apv1::ApplicationsService::Stub& Applications() {
    if (!applications_) {
      channel_ = NewChannel(stack_.address("applications"));
      applications_ = apv1::ApplicationsService::NewStub(channel_);
    }
    return *applications_;
  }

  // A submitted and scored application of applicant `n`.
  apv1::Application Reviewed(int n) {
    return e2e::Reviewed(Applications(), n, "Crash", Student(n), coordinator_);
  }
  static std::string Student(int n) {
    return testing::TokenFor(absl::StrCat("crash-", n), {Role::kApplicant});
  }

  grpc::StatusCode Select(const std::string& name,
                          absl::Duration timeout = absl::Seconds(10)) {
    apv1::DecideApplicationRequest decide;
    decide.set_name(name);
    decide.set_decision(apv1::DecideApplicationRequest::SELECTED);
    decide.set_request_id(StepRequestId(name + ":decide"));
    apv1::Application out;
    return Applications()
        .DecideApplication(As(coordinator_, timeout).get(), decide, &out)
        .error_code();
  }
  grpc::StatusCode Withdraw(const std::string& name, int n,
                            absl::Duration timeout = absl::Seconds(10)) {
    apv1::WithdrawApplicationRequest withdraw;
    withdraw.set_name(name);
    withdraw.set_reason("found another exchange");
    apv1::Application out;
    return Applications()
        .WithdrawApplication(As(Student(n), timeout).get(), withdraw, &out)
        .error_code();
  }
  // Calls until the answer is not UNAVAILABLE (a service coming back).
  static grpc::StatusCode Retried(
      const std::function<grpc::StatusCode()>& call) {
    grpc::StatusCode code = grpc::StatusCode::UNAVAILABLE;
    for (int attempt = 0; attempt < 40; ++attempt) {
      code = call();
      if (code != grpc::StatusCode::UNAVAILABLE &&
          code != grpc::StatusCode::DEADLINE_EXCEEDED)
        break;
      absl::SleepFor(absl::Milliseconds(250));
    }
    return code;
  }

  // Read as a client reads across a restart: UNAVAILABLE is tried again,
  // while its channel reconnects to the new process.
  apv1::Application Get(const std::string& name) {
    apv1::GetApplicationRequest get;
    get.set_name(name);
    apv1::Application a;
    EXPECT_EQ(Retried([&] {
                return Applications()
                    .GetApplication(As(coordinator_).get(), get, &a)
                    .error_code();
              }),
              grpc::StatusCode::OK);
    return a;
  }
  static int Decisions(const apv1::Application& a) {
    int selected = 0;
    for (const auto& entry : a.history())
      selected += entry.to_state() == apv1::Application::SELECTED;
    return selected;
  }
  // Places of the condition taken in 2026/2027.
  int Used() {
    auto agreements = av1::AgreementsService::NewStub(
        NewChannel(stack_.address("agreements")));
    av1::GetQuotaUsageRequest quota;
    quota.set_agreement("agreements/ka171-2025-kz-lv");
    quota.set_academic_year("2026/2027");
    av1::QuotaUsage usage;
    EXPECT_TRUE(
        agreements->GetQuotaUsage(As(coordinator_).get(), quota, &usage).ok());
    for (const auto& entry : usage.entries())
      if (entry.condition_id() == "kz-lv-studies") return entry.used();
    return -1;
  }
  // Grants not cancelled of application `name`.
  int LiveGrants(const std::string& name) {
    auto grants =
        gv1::GrantsService::NewStub(NewChannel(stack_.address("grants")));
    gv1::ListGrantsRequest list;
    list.set_budget("budgets/ka171-2024-kz");
    list.set_page_size(100);
    gv1::ListGrantsResponse listed;
    EXPECT_TRUE(grants->ListGrants(As(coordinator_).get(), list, &listed).ok());
    int live = 0;
    for (const auto& grant : listed.grants()) {
      live +=
          grant.application() == name && grant.state() != gv1::Grant::CANCELLED;
    }
    return live;
  }

  // Restarts the applications service to stop at `point` (none: runs
  // through).
  void RestartApplications(const std::string& point) {
    stack_.Kill("applications");
    ASSERT_TRUE(stack_.Restart(
        "applications",
        point.empty() ? std::vector<std::string>{}
                      : std::vector<std::string>{"--failpoints=" + point}));
    // The next call must reach the new process: the test's channel may still
    // be waiting out its reconnect backoff, and would fail it at once.
    if (channel_) {
      ASSERT_TRUE(channel_->WaitForConnected(
          absl::ToChronoTime(absl::Now() + absl::Seconds(20))));
    }
  }

  testing::TestDatabase database_;
  std::string dir_ = e2e::MakeWorkspace();
  e2e::Stack stack_{database_.url(), dir_};
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<apv1::ApplicationsService::Stub> applications_;
  const std::string coordinator_ =
      testing::TokenFor("coordinator", {Role::kCoordinator}, kKokshetau);
};

struct Stop {
  const char* point;
  int places, grants;  // What the steps before it left.
};
constexpr Stop kStops[] = {{"selection.after_intent", 0, 0},
                           {"selection.after_place", 1, 0},
                           {"selection.after_grant", 1, 1}};

TEST_F(SelectionCrashTest, StoppedBetweenStepsThenRetriedOrWithdrawn) {
  // The demo's selected student holds one of the condition's two places; its
  // reserve is rejected, so that no withdrawal below promotes anyone.
  const int used = Used();
  ASSERT_EQ(used, 1);
  apv1::ListApplicationsRequest list;
  list.set_call("calls/spring-2027");
  list.set_state(apv1::Application::RESERVE);
  apv1::ListApplicationsResponse reserves;
  ASSERT_TRUE(Applications()
                  .ListApplications(As(coordinator_).get(), list, &reserves)
                  .ok());
  for (const auto& reserve : reserves.applications()) {
    apv1::DecideApplicationRequest reject;
    reject.set_name(reserve.name());
    reject.set_decision(apv1::DecideApplicationRequest::REJECTED);
    apv1::Application out;
    ASSERT_TRUE(Applications()
                    .DecideApplication(As(coordinator_).get(), reject, &out)
                    .ok());
  }
  int n = 0, crossed = 0;
  for (const Stop& stop : kStops) {
    for (const bool withdraw : {false, true}) {
      SCOPED_TRACE(absl::StrCat(
          stop.point, withdraw ? ", then withdrawn" : ", then retried"));
      const apv1::Application a = Reviewed(n);
      RestartApplications(stop.point);
      // The service dies at the point: the office cannot know the outcome.
      EXPECT_EQ(Select(a.name()), grpc::StatusCode::UNAVAILABLE);
      const int status = stack_.AwaitExit("applications", absl::Seconds(10));
      ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
          << "the service did not stop at the point";
      ++crossed;
      ASSERT_TRUE(stack_.Restart("applications"));
      EXPECT_TRUE(Get(a.name()).has_selection_under_way());
      EXPECT_EQ(Used(), used + stop.places);
      EXPECT_EQ(LiveGrants(a.name()), stop.grants);

      if (!withdraw) {
        EXPECT_EQ(Retried([&] { return Select(a.name()); }),
                  grpc::StatusCode::OK);
        const apv1::Application selected = Get(a.name());
        EXPECT_EQ(selected.state(), apv1::Application::SELECTED);
        EXPECT_EQ(Decisions(selected), 1);
        EXPECT_EQ(Used(), used + 1);
        EXPECT_EQ(LiveGrants(a.name()), 1);
        // Withdrawn after all, so the next stop has a place to take.
      }
      EXPECT_EQ(Retried([&] { return Withdraw(a.name(), n); }),
                grpc::StatusCode::OK);
      EXPECT_EQ(Select(a.name()), grpc::StatusCode::FAILED_PRECONDITION);
      EXPECT_EQ(Used(), used);
      EXPECT_EQ(LiveGrants(a.name()), 0);
      const apv1::Application ended = Get(a.name());
      EXPECT_FALSE(ended.has_selection_under_way());
      EXPECT_FALSE(ended.give_back_pending());
      ++n;
    }
  }
  std::cout << crossed << " failpoint stops crossed\n";
}

// Grants frozen (SIGSTOP) while a selection asks it for the grant and the
// applicant then withdraws: both calls run out of time, the grant request
// waits in the frozen process. Thawed, the retried withdrawal leaves no grant
// and no place, whichever of the two grants serves first.
TEST_F(SelectionCrashTest, AWithdrawalWhileGrantsIsFrozenLeavesNothingHeld) {
  const int used = Used();
  const apv1::Application a = Reviewed(0);
  stack_.Signal("grants", SIGSTOP);
  const grpc::StatusCode selected = Select(a.name(), absl::Seconds(1));
  const grpc::StatusCode withdrawn = Withdraw(a.name(), 0, absl::Seconds(1));
  stack_.Signal("grants", SIGCONT);
  EXPECT_EQ(selected, grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(withdrawn, grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(Get(a.name()).state(), apv1::Application::WITHDRAWN);
  EXPECT_EQ(Retried([&] { return Withdraw(a.name(), 0); }),
            grpc::StatusCode::OK);
  EXPECT_EQ(Select(a.name()), grpc::StatusCode::FAILED_PRECONDITION);
  // The frozen CreateGrant, served late, found the application closed.
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(LiveGrants(a.name()), 0);
  EXPECT_EQ(Used(), used);
  EXPECT_FALSE(Get(a.name()).give_back_pending());
}

}  // namespace
}  // namespace mobility
