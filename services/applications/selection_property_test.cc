// Random interleavings of what the office, the applicants and the host do on
// a condition of 1 to 3 places, with the grants service going down and coming
// back and the service's own sweeper finishing what is left: after each run,
// places used = live grants = applications SELECTED or later, never above
// the quota, and every reserve promoted into at most one place.
#include <random>

#include "services/applications/application_rules.h"
#include "services/applications/service_fixture.h"

namespace mobility::applications {
namespace {

class SelectionPropertyTest : public ApplicationsServiceTest {
 protected:
  // One step of someone on application `a`; its answer does not matter, only
  // what the steps leave.
  void RandomStep(std::mt19937& random, const v1::Application& a) {
    const std::string request_id = StepRequestId(absl::StrCat(
        a.name(), ":", std::uniform_int_distribution<>(0, 1)(random)));
    v1::Application out;
    switch (std::uniform_int_distribution<>(0, 6)(random)) {
      case 0:
      case 1:  // Selected, or the same decision again.
        Decide(a.name(), v1::DecideApplicationRequest::SELECTED, &out,
               request_id)
            .IgnoreError();
        break;
      case 2:
        Decide(a.name(), v1::DecideApplicationRequest::RESERVE, &out,
               request_id)
            .IgnoreError();
        break;
      case 3: {
        v1::WithdrawApplicationRequest withdraw;
        withdraw.set_name(a.name());
        withdraw.set_request_id(request_id);
        Call(&Stub::WithdrawApplication, withdraw, &out,
             Token(a.owner(), Role::kApplicant))
            .IgnoreError();
        break;
      }
      case 4: {
        v1::CancelApplicationRequest cancel;
        cancel.set_name(a.name());
        cancel.set_request_id(request_id);
        Call(&Stub::CancelApplication, cancel, &out, Coordinator())
            .IgnoreError();
        break;
      }
      case 5: {
        v1::NominateApplicationRequest nominate;
        nominate.set_name(a.name());
        nominate.set_request_id(request_id);
        Call(&Stub::NominateApplication, nominate, &out, Coordinator())
            .IgnoreError();
        break;
      }
      case 6: {
        v1::RecordHostDecisionRequest rejected;
        rejected.set_name(a.name());
        rejected.set_accepted(false);
        rejected.set_request_id(request_id);
        Call(&Stub::RecordHostDecision, rejected, &out,
             Token("coordinator-lv", Role::kCoordinator, kLv))
            .IgnoreError();
        break;
      }
    }
  }

  // Live grants per application of the budget.
  std::map<std::string, int> LiveGrants() {
    gv1::ListGrantsRequest request;
    request.set_budget(kBudget);
    request.set_page_size(100);
    std::map<std::string, int> live;
    do {
      gv1::ListGrantsResponse response;
      EXPECT_TRUE(Retried([&] {
                    return Invoke(grants_stub_.get(),
                                  &gv1::GrantsService::Stub::ListGrants,
                                  request, &response,
                                  Token("finance-1", Role::kFinance));
                  }).ok());
      for (const auto& g : response.grants()) {
        if (g.state() != gv1::Grant::CANCELLED) ++live[g.application()];
      }
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return live;
  }
};

bool SelectedOrLater(v1::Application::State state) {
  return state == v1::Application::SELECTED ||
         state == v1::Application::NOMINATED ||
         state == v1::Application::ACCEPTED_BY_HOST ||
         state == v1::Application::IN_MOBILITY;
}

TEST_F(SelectionPropertyTest, PlacesGrantsAndDecisionsStayOne) {
  constexpr int kRuns = 20;
  int half_done = 0, ended_after = 0;
  // The sweeper runs throughout, with no grace: it races the steps.
  applications_service_->FinishPendingSteps(absl::Milliseconds(50),
                                            absl::ZeroDuration());
  for (int run = 0; run < kRuns; ++run) {
    std::mt19937 random(run);
    const int places = 1 + run % 3;
    const std::string agreement_id = absl::StrCat("ka171-property-", run);
    CreateAgreement(agreement_id, places);
    const std::string agreement = "agreements/" + agreement_id;
    v1::Call call =
        CreateCall(absl::StrCat("property-", run), absl::Hours(1), agreement);
    std::vector<v1::Application> applications;
    for (int i = 0; i < places + 3; ++i) {
      applications.push_back(
          Reviewed(call.name(), absl::StrCat("run-", run, "-student-", i),
                   std::uniform_int_distribution<>(50, 100)(random)));
    }
    // Three people at once, for three rounds; grants is down in the middle
    // one, leaving selections half done.
    for (int round = 0; round < 3; ++round) {
      if (round == 1) StopGrants();
      std::vector<std::thread> people;
      for (int person = 0; person < 3; ++person) {
        const unsigned seed = random();
        people.emplace_back([&, seed] {
          std::mt19937 own(seed);
          for (int step = 0; step < 4; ++step) {
            const v1::Application& a =
                applications[std::uniform_int_distribution<size_t>(
                    0, applications.size() - 1)(own)];
            // While grants is down, mostly selections, to leave some half
            // done.
            if (round == 1 && own() % 3 != 0) {
              Decide(a.name(), v1::DecideApplicationRequest::SELECTED)
                  .IgnoreError();
            } else {
              RandomStep(own, a);
            }
          }
        });
      }
      for (auto& p : people) p.join();
      if (round == 1) {
        for (const auto& a : applications)
          half_done += Get(a.name()).has_selection_under_way();
        StartGrants();
      }
    }
    // Then the sweeper finishes what the faults left.
    std::vector<v1::Application> now;
    for (int wait = 0; wait < 200; ++wait) {
      now.clear();
      bool pending = false;
      for (const auto& a : applications) {
        now.push_back(Get(a.name()));
        pending |= now.back().has_selection_under_way() ||
                   now.back().give_back_pending() ||
                   now.back().vacancy_pending();
      }
      if (!pending) break;
      absl::SleepFor(absl::Milliseconds(100));
    }
    int selected = 0;
    std::map<std::string, int> promoted;
    for (const auto& a : now) {
      EXPECT_FALSE(a.has_selection_under_way()) << a.name();
      EXPECT_FALSE(a.give_back_pending()) << a.name();
      if (SelectedOrLater(a.state())) ++selected;
      ended_after += !IsOpen(a.state());
      // Promotions made, from the promoted one's history: a vacancy's choice
      // whose promotion failed (the reserve withdrew meanwhile) may be chosen
      // again by another vacancy, and promoted once.
      for (const auto& entry : a.history()) {
        if (entry.reason() == "promoted from the reserve list")
          ++promoted[a.name()];
      }
    }
    const std::map<std::string, int> grants = LiveGrants();
    int live = 0;
    for (const auto& a : now) {
      auto found = grants.find(a.name());
      const int count = found == grants.end() ? 0 : found->second;
      EXPECT_EQ(count, SelectedOrLater(a.state()) ? 1 : 0)
          << "run " << run << ": " << a.name() << " is "
          << v1::Application::State_Name(a.state());
      live += count;
    }
    const int used = Usage(agreement).used();
    EXPECT_EQ(used, selected) << "run " << run;
    EXPECT_EQ(live, selected) << "run " << run;
    EXPECT_LE(used, places) << "run " << run;
    for (const auto& [reserve, times] : promoted)
      EXPECT_EQ(times, 1) << "run " << run << ": " << reserve;
    if (HasFailure()) break;
  }
  std::cout << kRuns << " runs of random interleavings checked; " << half_done
            << " selections were left half done by the fault, " << ended_after
            << " applications ended\n";
}

}  // namespace
}  // namespace mobility::applications
