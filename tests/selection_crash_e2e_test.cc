// The applications service killed (SIGKILL) while coordinators select: a
// selection takes a place in the agreements service, makes the grant in the
// grants service and records the decision. After a restart, every decision
// whose outcome the caller did not learn is sent again with its request_id;
// then each selected application holds exactly one place and one grant, no
// other application holds either, and the quota's count is exact.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <iostream>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/api.h"
#include "common/client.h"
#include "common/status.h"
#include "common/test_support.h"
#include "common/types.h"
#include "mobility/agreements/v1/agreements.grpc.pb.h"
#include "mobility/applications/v1/applications.grpc.pb.h"
#include "mobility/grants/v1/grants.grpc.pb.h"
#include "tests/e2e_support.h"

namespace mobility {
namespace {

namespace av1 = ::mobility::agreements::v1;
namespace apv1 = ::mobility::applications::v1;
namespace gv1 = ::mobility::grants::v1;

constexpr char kKokshetau[] = "institutions/kokshetau-amu";

std::unique_ptr<grpc::ClientContext> As(const std::string& token) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  context->AddMetadata("authorization", "Bearer " + token);
  return context;
}

apv1::Application Draft(int n) {
  apv1::Application a;
  a.set_call("calls/spring-2027");
  a.set_condition_id("kz-lv-studies");
  a.set_kind(apv1::STUDENT);
  apv1::Applicant* p = a.mutable_applicant();
  p->set_given_name(absl::StrCat("Student", n));
  p->set_family_name("Crash");
  p->set_email(absl::StrCat("crash", n, "@example.kz"));
  *p->mutable_date_of_birth() = ToDate(absl::CivilDay(2004, 5, 17));
  p->set_citizenship("KZ");
  p->set_person_number(absl::StrCat("S-CRASH-", n));
  p->set_home_institution(kKokshetau);
  *a.mutable_start_date() = ToDate(absl::CivilDay(2027, 2, 1));
  *a.mutable_end_date() = ToDate(absl::CivilDay(2027, 4, 30));
  apv1::StudentDetails* s = a.mutable_student();
  s->set_eqf_level(6);
  s->set_isced_code("0413");
  s->set_study_cycle(apv1::BACHELOR);
  auto* skill = s->add_language_skills();
  skill->set_language("en");
  skill->set_level(av1::B2);
  a.set_motivation("Management studies in Valmiera.");
  a.mutable_consent()->set_processing(true);
  a.mutable_consent()->set_transfer_to_partner(true);
  return a;
}

class SelectionCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(stack_.Start());
    ASSERT_TRUE(stack_.LoadDemo());
  }
  std::unique_ptr<apv1::ApplicationsService::Stub> Applications() {
    return apv1::ApplicationsService::NewStub(
        NewChannel(stack_.address("applications")));
  }

  testing::TestDatabase database_;
  std::string dir_ = e2e::MakeWorkspace();
  e2e::Stack stack_{database_.url(), dir_};
  const std::string coordinator_ =
      testing::TokenFor("coordinator", {Role::kCoordinator}, kKokshetau);
};

TEST_F(SelectionCrashTest, RetriedSelectionsHoldOnePlaceAndOneGrantEach) {
  auto applications = Applications();
  // Four reviewed students compete for the condition's free place; the
  // demo's selected student holds the other.
  std::vector<std::string> names;
  for (int n = 0; n < 4; ++n) {
    const std::string student =
        testing::TokenFor(absl::StrCat("crash-", n), {Role::kApplicant});
    apv1::CreateApplicationRequest create;
    *create.mutable_application() = Draft(n);
    apv1::Application a;
    ASSERT_TRUE(
        applications->CreateApplication(As(student).get(), create, &a).ok());
    apv1::SubmitApplicationRequest submit;
    submit.set_name(a.name());
    grpc::Status submitted =
        applications->SubmitApplication(As(student).get(), submit, &a);
    ASSERT_TRUE(submitted.ok()) << submitted.error_message();
    apv1::EvaluateApplicationRequest evaluate;
    evaluate.set_name(a.name());
    for (auto [id, points] : {std::pair<const char*, int>{"grades", 80 + n},
                              {"language", 8},
                              {"motivation", 8}}) {
      auto* score = evaluate.add_scores();
      score->set_criterion_id(id);
      score->set_points(points);
    }
    ASSERT_TRUE(
        applications->EvaluateApplication(As(coordinator_).get(), evaluate, &a)
            .ok());
    names.push_back(a.name());
  }

  // Every decision at once, and the service killed while they run.
  std::vector<std::string> request_ids;
  for (size_t i = 0; i < names.size(); ++i)
    request_ids.push_back(StepRequestId(absl::StrCat(names[i], ":crash")));
  std::vector<grpc::StatusCode> first(names.size());
  std::vector<std::thread> deciders;
  for (size_t i = 0; i < names.size(); ++i) {
    deciders.emplace_back([&, i] {
      auto stub = Applications();
      apv1::DecideApplicationRequest decide;
      decide.set_name(names[i]);
      decide.set_decision(apv1::DecideApplicationRequest::SELECTED);
      decide.set_request_id(request_ids[i]);
      apv1::Application out;
      first[i] = stub->DecideApplication(As(coordinator_).get(), decide, &out)
                     .error_code();
    });
  }
  absl::SleepFor(absl::Milliseconds(30));
  stack_.Kill("applications");
  for (auto& t : deciders) t.join();
  ASSERT_TRUE(stack_.Restart("applications"));

  // Each decision whose outcome was not learned, again with its request_id,
  // until the service answers it.
  auto stub = Applications();
  int unknown = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    if (first[i] != grpc::StatusCode::UNAVAILABLE &&
        first[i] != grpc::StatusCode::CANCELLED &&
        first[i] != grpc::StatusCode::DEADLINE_EXCEEDED) {
      continue;
    }
    ++unknown;
    grpc::Status status;
    for (int attempt = 0; attempt < 20; ++attempt) {
      apv1::DecideApplicationRequest decide;
      decide.set_name(names[i]);
      decide.set_decision(apv1::DecideApplicationRequest::SELECTED);
      decide.set_request_id(request_ids[i]);
      apv1::Application out;
      status = stub->DecideApplication(As(coordinator_).get(), decide, &out);
      if (status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
      absl::SleepFor(absl::Milliseconds(250));
    }
    EXPECT_NE(status.error_code(), grpc::StatusCode::UNAVAILABLE) << names[i];
  }
  std::cout << unknown << " of " << names.size()
            << " decisions had an unknown outcome and were sent again\n";

  // Exactly one of them is selected, with one grant; the others hold none.
  std::set<std::string> selected;
  for (const std::string& name : names) {
    apv1::GetApplicationRequest get;
    get.set_name(name);
    apv1::Application a;
    ASSERT_TRUE(stub->GetApplication(As(coordinator_).get(), get, &a).ok());
    if (a.state() == apv1::Application::SELECTED) {
      selected.insert(name);
      EXPECT_FALSE(a.grant().empty()) << name;
    } else {
      EXPECT_EQ(a.state(), apv1::Application::UNDER_REVIEW) << name;
      EXPECT_TRUE(a.grant().empty()) << name;
    }
  }
  EXPECT_EQ(selected.size(), 1u);
  // The grants service holds one grant per selected application of the call,
  // the demo's included, none twice.
  auto grants_stub =
      gv1::GrantsService::NewStub(NewChannel(stack_.address("grants")));
  gv1::ListGrantsRequest list;
  list.set_budget("budgets/ka171-2023-kz");
  list.set_page_size(100);
  gv1::ListGrantsResponse listed;
  ASSERT_TRUE(
      grants_stub->ListGrants(As(coordinator_).get(), list, &listed).ok());
  std::map<std::string, int> grants_per_application;
  for (const auto& grant : listed.grants()) {
    if (grant.state() != gv1::Grant::CANCELLED)
      ++grants_per_application[grant.application()];
  }
  for (const auto& [application, count] : grants_per_application)
    EXPECT_EQ(count, 1) << application;
  for (const std::string& name : names) {
    EXPECT_EQ(grants_per_application.count(name), selected.count(name)) << name;
  }
  // The quota counts the demo's place and this one: both of the two.
  auto agreements =
      av1::AgreementsService::NewStub(NewChannel(stack_.address("agreements")));
  av1::GetQuotaUsageRequest quota;
  quota.set_agreement("agreements/ka171-2025-kz-lv");
  quota.set_academic_year("2026/2027");
  av1::QuotaUsage usage;
  ASSERT_TRUE(
      agreements->GetQuotaUsage(As(coordinator_).get(), quota, &usage).ok());
  int used = -1;
  for (const auto& entry : usage.entries())
    if (entry.condition_id() == "kz-lv-studies") used = entry.used();
  EXPECT_EQ(used, 2);
}

}  // namespace
}  // namespace mobility
