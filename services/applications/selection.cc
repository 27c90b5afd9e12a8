#include "services/applications/selection.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/failpoint.h"
#include "common/idempotency.h"
#include "common/log.h"
#include "common/status.h"
#include "services/applications/application_rules.h"
#include "services/applications/calls.h"
#include "services/applications/words.h"

namespace mobility::applications {
namespace {

namespace gv1 = ::mobility::grants::v1;

// The grant of a selected participant, as the call and condition define it.
gv1::CreateGrantRequest GrantFor(
    const v1::Application& a, const v1::Call& round,
    const agreements::v1::CooperationCondition& condition) {
  gv1::CreateGrantRequest request;
  gv1::Grant* g = request.mutable_grant();
  g->mutable_participant()->set_full_name(absl::StrCat(
      a.applicant().given_name(), " ", a.applicant().family_name()));
  g->mutable_participant()->set_reference(a.owner());
  g->set_agreement(round.agreement());
  g->set_condition_id(a.condition_id());
  g->set_application(a.name());
  g->set_budget(round.budget());
  gv1::CalculateGrantRequest* c = request.mutable_calculation();
  // Both contracts number the programmes and activities alike.
  c->set_programme(static_cast<gv1::Programme>(round.programme()));
  c->set_call_year(round.funding_call_year());
  c->set_activity(static_cast<gv1::Activity>(condition.mobility_type()));
  c->set_sending_institution(condition.sending_institution());
  c->set_receiving_institution(condition.receiving_institution());
  *c->mutable_start_date() = a.start_date();
  *c->mutable_end_date() = a.end_date();
  if (a.kind() == v1::STAFF) {
    c->set_travel_days(a.staff().travel_days());
    c->set_green_travel(a.staff().green_travel());
  }
  // The same id on every retry: the grants service makes the grant once.
  request.set_request_id(StepRequestId(a.name() + ":grant"));
  return request;
}

bool Retryable(const absl::Status& s) {
  return s.code() == absl::StatusCode::kUnavailable ||
         s.code() == absl::StatusCode::kDeadlineExceeded;
}

}  // namespace

absl::Status Selection::GiveBack(const v1::Application& a,
                                 const std::string& agreement,
                                 const CallContext& call) {
  // Keyed by the grant known now: a retry that learnt of the grant since
  // closes again rather than reusing a request id for another request.
  MOBILITY_RETURN_IF_ERROR(grants_->CloseApplication(
      a.name(), a.grant(),
      StepRequestId(absl::StrCat(a.name(), ":close-grant", a.grant())), call));
  return agreements_->ReleaseMobility(agreement, a.name(), /*final=*/true,
                                      call);
}

absl::Status Selection::ClearSelection(const std::string& id,
                                       const CallContext& call) {
  return store_->Transact(call.limit,
                          [&](ApplicationsStore& store) -> absl::Status {
                            MOBILITY_ASSIGN_OR_RETURN(
                                v1::Application current,
                                store.GetApplication(id, /*for_update=*/true));
                            if (!current.has_selection_under_way())
                              return absl::OkStatus();
                            current.clear_selection_under_way();
                            StampApplication(current, Now());
                            return store.SaveApplication(id, current);
                          });
}

absl::StatusOr<v1::Application> Selection::Select(const std::string& id,
                                                  const Principal& actor,
                                                  const std::string& reason,
                                                  const CallContext& call,
                                                  bool by_office) {
  // 0. The intent, recorded before any step: whatever ends the application
  // gives back what the steps took, and the sweeper finishes a selection a
  // crash left. Finding it recorded makes this call a retry.
  ApplicationInCall read;
  bool retry = false;
  MOBILITY_RETURN_IF_ERROR(store_->Transact(
      call.limit, [&](ApplicationsStore& store) -> absl::Status {
        MOBILITY_ASSIGN_OR_RETURN(
            read, by_office
                      ? ReadApplication(store, id, call.principal,
                                        /*for_update=*/true, Reader::kOffice)
                      : ReadWithCall(store, id, /*for_update=*/true));
        v1::Application& a = read.application;
        if (a.state() == v1::Application::SELECTED) return absl::OkStatus();
        MOBILITY_RETURN_IF_ERROR(CheckState(
            a, {v1::Application::UNDER_REVIEW, v1::Application::RESERVE}));
        retry = a.has_selection_under_way();
        if (retry) return absl::OkStatus();
        const absl::Time now = Now();
        v1::SelectionUnderWay* intent = a.mutable_selection_under_way();
        intent->set_actor(actor.subject);
        intent->set_reason(reason);
        *intent->mutable_begin_time() = ToTimestamp(now);
        StampApplication(a, now);
        return store.SaveApplication(id, a);
      }));
  const v1::Application& a = read.application;
  if (a.state() == v1::Application::SELECTED) return a;  // A retry.
  MOBILITY_FAILPOINT("selection.after_intent");
  const v1::Call& round = read.call;
  // Refused for good. A retry may follow steps an earlier try took and whose
  // calls may still be on their way: it gives back for good. A first try
  // gives back only the place it took itself.
  auto give_up = [&](const absl::Status& refusal,
                     bool took_place) -> absl::Status {
    if (Retryable(refusal)) return refusal;
    absl::Status back =
        retry        ? GiveBack(a, round.agreement(), call)
        : took_place ? agreements_->ReleaseMobility(round.agreement(), a.name(),
                                                    /*final=*/false, call)
                     : absl::OkStatus();
    if (!back.ok()) return back;  // The intent stays: a retry finishes.
    MOBILITY_RETURN_IF_ERROR(ClearSelection(id, call));
    return refusal;
  };
  // 1. The place, keyed by the application: a retry holds the same one. It
  // comes with the condition in force it was taken under, which the grant
  // follows.
  auto place =
      agreements_->AllocateMobility(round.agreement(), a.condition_id(),
                                    round.academic_year(), a.name(), call);
  if (!place.ok()) return give_up(place.status(), false);
  MOBILITY_FAILPOINT("selection.after_place");
  // 2. The grant, keyed by the application's step id.
  auto grant =
      grants_->CreateGrant(GrantFor(a, round, place->condition()), call);
  if (!grant.ok()) return give_up(grant.status(), true);
  MOBILITY_FAILPOINT("selection.after_grant");
  // 3. The decision, recorded once both exist and the intent still stands:
  // a selection given up meanwhile gives back what this try took.
  v1::Application selected;
  bool given_up = false;
  MOBILITY_RETURN_IF_ERROR(store_->Transact(
      call.limit, [&](ApplicationsStore& store) -> absl::Status {
        MOBILITY_ASSIGN_OR_RETURN(
            selected, store.GetApplication(id, /*for_update=*/true));
        if (selected.state() == v1::Application::SELECTED)
          return absl::OkStatus();
        // Ended meanwhile: the end gives everything back.
        MOBILITY_RETURN_IF_ERROR(CheckState(
            selected,
            {v1::Application::UNDER_REVIEW, v1::Application::RESERVE}));
        given_up = !selected.has_selection_under_way();
        if (given_up) return absl::OkStatus();
        const absl::Time now = Now();
        Transition(selected, v1::Application::SELECTED, actor, reason, now);
        selected.set_grant(grant->name());
        selected.clear_selection_under_way();
        StampApplication(selected, now);
        MOBILITY_RETURN_IF_ERROR(store.SaveApplication(id, selected));
        return TellApplicant(store, selected, round, public_url_, now);
      }));
  if (given_up) {
    MOBILITY_RETURN_IF_ERROR(GiveBack(a, round.agreement(), call));
    return Error(absl::StatusCode::kAborted, "SELECTION_GIVEN_UP",
                 Text(words::SELECTION_GIVEN_UP));
  }
  return selected;
}

absl::StatusOr<v1::Application> Selection::DecideApplication(
    const v1::DecideApplicationRequest& request, const CallContext& call) {
  auto id = ParseResourceName("name", request.name(), "applications");
  if (!id.ok()) return id.status();
  Violations v;
  if (request.decision() ==
          v1::DecideApplicationRequest::DECISION_UNSPECIFIED ||
      !v1::DecideApplicationRequest::Decision_IsValid(request.decision())) {
    v.Add("decision", Text(words::DECISION));
  }
  if (CharCount(request.reason()) > 2000) {
    v.Add("reason", Text(common_words::AT_MOST_CHARACTERS, {{"max", 2000}}));
  }
  if (!ValidateRequestId("request_id", request.request_id()).ok()) {
    v.Add("request_id", Text(common_words::REQUEST_ID));
  }
  if (!v.empty()) return v.ToStatus("INVALID_DECISION");
  // Selection reads the application, and checks the caller, in its first
  // transaction.
  if (request.decision() == v1::DecideApplicationRequest::SELECTED) {
    return Select(*id, call.principal, request.reason(), call,
                  /*by_office=*/true);
  }
  auto read = store_->ReadValue(call.limit, [&](ApplicationsStore& store) {
    return ReadApplication(store, *id, call.principal, /*for_update=*/false,
                           Reader::kOffice);
  });
  if (!read.ok()) return read.status();
  const v1::Application& a = read->application;
  if (request.decision() == v1::DecideApplicationRequest::REJECTED) {
    if (a.state() != v1::Application::REJECTED) {
      MOBILITY_RETURN_IF_ERROR(CheckState(
          a, {v1::Application::UNDER_REVIEW, v1::Application::RESERVE}));
    }
    return Finish(*id, a.state(), read->call.agreement(),
                  v1::Application::REJECTED, request.reason(), call);
  }
  // To the reserve list: nothing to give back, since no selection may be
  // under way (it would be finished, or the application rejected).
  if (a.state() == v1::Application::RESERVE) return a;
  v1::Application decided;
  absl::Status status =
      store_->Transact(call.limit, [&](ApplicationsStore& store) {
        return RunIdempotent(
            store, "DecideApplication", call.principal, request.request_id(),
            request, &decided, [&]() -> absl::Status {
              MOBILITY_ASSIGN_OR_RETURN(
                  decided, store.GetApplication(*id, /*for_update=*/true));
              if (decided.state() == v1::Application::RESERVE)
                return absl::OkStatus();
              MOBILITY_RETURN_IF_ERROR(
                  CheckState(decided, {v1::Application::UNDER_REVIEW}));
              if (decided.has_selection_under_way()) {
                return Error(absl::StatusCode::kFailedPrecondition,
                             "SELECTION_UNDER_WAY",
                             Text(words::SELECTION_UNDER_WAY));
              }
              const absl::Time now = Now();
              Transition(decided, v1::Application::RESERVE, call.principal,
                         request.reason(), now);
              StampApplication(decided, now);
              MOBILITY_RETURN_IF_ERROR(store.SaveApplication(*id, decided));
              return TellApplicant(store, decided, read->call, public_url_,
                                   now);
            });
      });
  if (!status.ok()) return status;
  return decided;
}

absl::StatusOr<ApplicationInCall> Selection::ReadFor(const std::string& id,
                                                     Actor actor,
                                                     const CallContext& call) {
  auto read = store_->ReadValue(call.limit, [&](ApplicationsStore& store) {
    return ReadWithCall(store, id, /*for_update=*/false);
  });
  // A database that does not answer is UNAVAILABLE, never "no such
  // application": a client gives up on NOT_FOUND.
  if (!read.ok() && read.status().code() != absl::StatusCode::kNotFound)
    return read.status();
  const Principal& who = call.principal;
  bool allowed = false;
  if (read.ok()) {
    const bool office = CheckRunsCall(read->call, who).ok();
    switch (actor) {
      case Actor::kApplicant:
        allowed = who.Has(Role::kApplicant) &&
                  read->application.owner() == who.subject;
        break;
      case Actor::kOffice:
        allowed = office;
        break;
      case Actor::kHost:
        allowed =
            office || who.IsCoordinatorOf(read->application.host_institution());
        break;
    }
  }
  if (!allowed) return ApplicationNotFound(id);
  return read;
}

absl::StatusOr<v1::Application> Selection::End(const std::string& name,
                                               v1::Application::State to,
                                               const std::string& reason,
                                               const std::string& request_id,
                                               Actor actor,
                                               const CallContext& call) {
  auto id = ParseResourceName("name", name, "applications");
  if (!id.ok()) return id.status();
  Violations v;
  if (CharCount(reason) > 2000)
    v.Add("reason", Text(common_words::AT_MOST_CHARACTERS, {{"max", 2000}}));
  if (!ValidateRequestId("request_id", request_id).ok()) {
    v.Add("request_id", Text(common_words::REQUEST_ID));
  }
  if (!v.empty()) return v.ToStatus("INVALID_REQUEST");
  auto read = ReadFor(*id, actor, call);
  if (!read.ok()) return read.status();
  const v1::Application& a = read->application;
  if (a.state() != to) {
    if (to == v1::Application::REJECTED_BY_HOST) {
      if (auto s = CheckState(a, {v1::Application::NOMINATED}); !s.ok())
        return s;
    }
    if (!IsOpen(a.state())) {
      return Error(absl::StatusCode::kFailedPrecondition,
                   "WRONG_APPLICATION_STATE",
                   absl::StrCat("the application is already ",
                                v1::Application::State_Name(a.state())),
                   Text(words::ALREADY_DECIDED));
    }
  }
  return Finish(*id, a.state(), read->call.agreement(), to, reason, call);
}

absl::StatusOr<v1::Application> Selection::Finish(const std::string& id,
                                                  v1::Application::State from,
                                                  const std::string& agreement,
                                                  v1::Application::State to,
                                                  const std::string& reason,
                                                  const CallContext& call) {
  // 1. The end, recorded first: a selection still on its way then finds the
  // application ended and records nothing; what it took goes back below.
  v1::Application ended;
  MOBILITY_RETURN_IF_ERROR(store_->Transact(
      call.limit, [&](ApplicationsStore& store) -> absl::Status {
        MOBILITY_ASSIGN_OR_RETURN(
            ended, store.GetApplication(id, /*for_update=*/true));
        if (ended.state() == to) return absl::OkStatus();
        if (ended.state() != from) {
          return Error(absl::StatusCode::kAborted, "APPLICATION_CHANGED",
                       Text(common_words::CHANGED_MEANWHILE));
        }
        ended.set_vacancy_pending(HoldsPlace(from));
        ended.set_give_back_pending(HoldsPlace(from) ||
                                    from == v1::Application::UNDER_REVIEW ||
                                    from == v1::Application::RESERVE);
        ended.clear_selection_under_way();
        const absl::Time now = Now();
        Transition(ended, to, call.principal, reason, now);
        StampApplication(ended, now);
        MOBILITY_RETURN_IF_ERROR(store.SaveApplication(id, ended));
        MOBILITY_ASSIGN_OR_RETURN(
            const v1::Call round,
            store.GetCall(ResourceIdOf(ended.call()), /*for_update=*/false));
        return TellApplicant(store, ended, round, public_url_, now);
      }));
  // 2. The grant and the place, given back for good: keyed, so a retry
  // repeats them harmlessly, and closed, so a selection's call still on its
  // way takes neither.
  if (ended.give_back_pending()) {
    MOBILITY_RETURN_IF_ERROR(GiveBack(ended, agreement, call));
    MOBILITY_RETURN_IF_ERROR(store_->Transact(
        call.limit, [&](ApplicationsStore& store) -> absl::Status {
          MOBILITY_ASSIGN_OR_RETURN(
              ended, store.GetApplication(id, /*for_update=*/true));
          if (!ended.give_back_pending()) return absl::OkStatus();
          ended.set_give_back_pending(false);
          StampApplication(ended, Now());
          return store.SaveApplication(id, ended);
        }));
  }
  // 3. The place, to the best reserve.
  if (!ended.vacancy_pending()) return ended;
  return FillVacancy(id, call);
}

absl::StatusOr<v1::Application> Selection::FillVacancy(
    const std::string& id, const CallContext& call) {
  // 1. Choose the reserve, and record the choice before acting on it.
  v1::Application vacated;
  absl::Status chosen = store_->Transact(
      call.limit, [&](ApplicationsStore& store) -> absl::Status {
        auto current = store.GetApplication(id, /*for_update=*/true);
        if (!current.ok()) return current.status();
        vacated = *std::move(current);
        if (!vacated.vacancy_pending() || !vacated.vacancy_filled_by().empty())
          return absl::OkStatus();
        const std::string call_id = ResourceIdOf(vacated.call());
        MOBILITY_RETURN_IF_ERROR(
            store.LockCondition(call_id, vacated.condition_id()));
        // A reserve another vacancy chose and is still promoting is taken.
        MOBILITY_ASSIGN_OR_RETURN(
            auto vacancies,
            store.RankedApplications(
                call_id, vacated.condition_id(),
                {"WITHDRAWN", "CANCELLED", "REJECTED_BY_HOST"}));
        std::set<std::string> taken;
        for (const auto& other : vacancies) {
          if (other.vacancy_pending()) taken.insert(other.vacancy_filled_by());
        }
        MOBILITY_ASSIGN_OR_RETURN(
            auto reserves, store.RankedApplications(
                               call_id, vacated.condition_id(), {"RESERVE"}));
        auto free = std::find_if(
            reserves.begin(), reserves.end(),
            [&](const v1::Application& r) { return !taken.count(r.name()); });
        if (free == reserves.end()) {
          vacated.set_vacancy_pending(false);  // No one to promote.
        } else {
          vacated.set_vacancy_filled_by(free->name());
        }
        StampApplication(vacated, Now());
        MOBILITY_RETURN_IF_ERROR(store.SaveApplication(id, vacated));
        return absl::OkStatus();
      });
  if (!chosen.ok()) return chosen;
  if (!vacated.vacancy_pending()) return vacated;
  // 2. Select the chosen reserve: idempotent, keyed by that application.
  const std::string& reserve = vacated.vacancy_filled_by();
  // The service promotes, not the person whose step freed the place: the
  // promoted applicant reads this entry and learns nothing of anyone else.
  Principal service;
  service.subject = "applications";
  service.roles = {Role::kService};
  auto promoted = Select(ResourceIdOf(reserve), service,
                         "promoted from the reserve list", call);
  if (!promoted.ok()) {
    if (Retryable(promoted.status())) return promoted.status();
    // The reserve can no longer be selected (e.g. it withdrew): the place
    // stays free for the office to decide.
    Log(LogLevel::kWarning, "reserve_not_promoted",
        {{"application", reserve},
         {"message", std::string(promoted.status().message())}});
  }
  // 3. Done.
  v1::Application done;
  absl::Status status = store_->Transact(
      call.limit, [&](ApplicationsStore& store) -> absl::Status {
        auto current = store.GetApplication(id, /*for_update=*/true);
        if (!current.ok()) return current.status();
        done = *std::move(current);
        if (!done.vacancy_pending()) return absl::OkStatus();
        done.set_vacancy_pending(false);
        StampApplication(done, Now());
        MOBILITY_RETURN_IF_ERROR(store.SaveApplication(id, done));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return done;
}

absl::StatusOr<int> Selection::FinishPendingSteps(absl::Duration grace,
                                                  const CallContext& call) {
  MOBILITY_ASSIGN_OR_RETURN(
      auto pending,
      store_->ReadValue(call.limit, [&](ApplicationsStore& store) {
        return store.ApplicationsWithStepsPending(Now() - grace, 100);
      }));
  int finished = 0;
  for (const v1::Application& a : pending) {
    const std::string id = ResourceIdOf(a.name());
    absl::Status status;
    if (a.has_selection_under_way()) {
      Principal decider;
      decider.subject = a.selection_under_way().actor();
      status =
          Select(id, decider, a.selection_under_way().reason(), call).status();
    } else {
      auto read = store_->ReadValue(call.limit, [&](ApplicationsStore& store) {
        return ReadWithCall(store, id, /*for_update=*/false);
      });
      status = read.ok() ? Finish(id, a.state(), read->call.agreement(),
                                  a.state(), "", call)
                               .status()
                         : read.status();
    }
    if (status.ok()) {
      ++finished;
    } else {
      // A refusal ends the selection (given up); the rest is tried again.
      Log(LogLevel::kWarning, "pending_steps_not_finished",
          {{"application", a.name()},
           {"code", absl::StatusCodeToString(status.code())}});
    }
  }
  return finished;
}

absl::StatusOr<v1::Application> Selection::WithdrawApplication(
    const v1::WithdrawApplicationRequest& request, const CallContext& call) {
  return End(request.name(), v1::Application::WITHDRAWN, request.reason(),
             request.request_id(), Actor::kApplicant, call);
}

absl::StatusOr<v1::Application> Selection::CancelApplication(
    const v1::CancelApplicationRequest& request, const CallContext& call) {
  return End(request.name(), v1::Application::CANCELLED, request.reason(),
             request.request_id(), Actor::kOffice, call);
}

absl::StatusOr<v1::Application> Selection::RecordHostDecision(
    const v1::RecordHostDecisionRequest& request, const CallContext& call) {
  if (!request.accepted()) {
    return End(request.name(), v1::Application::REJECTED_BY_HOST,
               request.reason(), request.request_id(), Actor::kHost, call);
  }
  auto id = ParseResourceName("name", request.name(), "applications");
  if (!id.ok()) return id.status();
  if (auto s = ValidateRequestId("request_id", request.request_id()); !s.ok())
    return s;
  auto read = ReadFor(*id, Actor::kHost, call);
  if (!read.ok()) return read.status();
  v1::Application accepted;
  absl::Status status =
      store_->Transact(call.limit, [&](ApplicationsStore& store) {
        return RunIdempotent(
            store, "RecordHostDecision", call.principal, request.request_id(),
            request, &accepted, [&]() -> absl::Status {
              auto current = store.GetApplication(*id, /*for_update=*/true);
              if (!current.ok()) return current.status();
              accepted = *std::move(current);
              if (accepted.state() == v1::Application::ACCEPTED_BY_HOST)
                return absl::OkStatus();
              if (auto s = CheckState(accepted, {v1::Application::NOMINATED});
                  !s.ok())
                return s;
              const absl::Time now = Now();
              Transition(accepted, v1::Application::ACCEPTED_BY_HOST,
                         call.principal, request.reason(), now);
              StampApplication(accepted, now);
              MOBILITY_RETURN_IF_ERROR(store.SaveApplication(*id, accepted));
              return absl::OkStatus();
            });
      });
  if (!status.ok()) return status;
  return accepted;
}

}  // namespace mobility::applications
