#include "services/applications/selection.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/idempotency.h"
#include "common/log.h"
#include "common/status.h"
#include "services/applications/application_rules.h"
#include "services/applications/calls.h"

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

absl::StatusOr<v1::Application> Selection::Select(const std::string& id,
                                                  const Principal& actor,
                                                  const std::string& reason,
                                                  const CallContext& call) {
  auto read = store_->ReadValue(call.limit, [&](ApplicationsStore& store) {
    return ReadWithCall(store, id, /*for_update=*/false);
  });
  if (!read.ok()) return read.status();
  const v1::Application& a = read->application;
  if (a.state() == v1::Application::SELECTED) return a;  // A retry.
  if (auto s = CheckState(
          a, {v1::Application::UNDER_REVIEW, v1::Application::RESERVE});
      !s.ok())
    return s;
  const v1::Call& round = read->call;
  auto condition = agreements_->FindCondition(
      round.agreement(), a.condition_id(), "condition_id", call);
  if (!condition.ok()) return condition.status();
  // 1. The place, keyed by the application: a retry holds the same one.
  auto place =
      agreements_->AllocateMobility(round.agreement(), a.condition_id(),
                                    round.academic_year(), a.name(), call);
  if (!place.ok()) return place.status();
  // 2. The grant, keyed by the application's step id.
  auto grant =
      grants_->CreateGrant(GrantFor(a, round, condition->condition), call);
  if (!grant.ok()) {
    if (!Retryable(grant.status())) {
      // Refused for good: the place goes back at once.
      agreements_->ReleaseMobility(round.agreement(), a.name(), call)
          .IgnoreError();
    }
    return grant.status();
  }
  // 3. The decision, recorded once both exist. The state makes it
  // idempotent: a retry finds the application holding its place.
  v1::Application selected;
  absl::Status status = store_->Transact(
      call.limit, [&](ApplicationsStore& store) -> absl::Status {
        auto current = store.GetApplication(id, /*for_update=*/true);
        if (!current.ok()) return current.status();
        selected = *std::move(current);
        if (selected.state() == v1::Application::SELECTED)
          return absl::OkStatus();
        if (auto s = CheckState(selected, {v1::Application::UNDER_REVIEW,
                                           v1::Application::RESERVE});
            !s.ok())
          return s;
        const absl::Time now = Now();
        Transition(selected, v1::Application::SELECTED, actor, reason, now);
        selected.set_grant(grant->name());
        StampApplication(selected, now);
        MOBILITY_RETURN_IF_ERROR(store.SaveApplication(id, selected));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
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
    v.Add("decision", "must be SELECTED, RESERVE or REJECTED");
  }
  if (request.reason().size() > 2000) {
    v.Add("reason", "must be at most 2000 characters");
  }
  if (!ValidateRequestId("request_id", request.request_id()).ok()) {
    v.Add("request_id", "must be a UUID");
  }
  if (!v.empty()) return v.ToStatus("INVALID_DECISION");
  auto read = store_->ReadValue(call.limit, [&](ApplicationsStore& store) {
    return ReadApplication(store, *id, call.principal, /*for_update=*/false,
                           Reader::kOffice);
  });
  if (!read.ok()) return read.status();
  if (request.decision() == v1::DecideApplicationRequest::SELECTED) {
    return Select(*id, call.principal, request.reason(), call);
  }
  const bool reserve =
      request.decision() == v1::DecideApplicationRequest::RESERVE;
  const v1::Application::State to =
      reserve ? v1::Application::RESERVE : v1::Application::REJECTED;
  if (read->application.state() == to) return read->application;
  if (auto s = CheckState(
          read->application,
          reserve ? std::initializer_list<
                        v1::Application::State>{v1::Application::UNDER_REVIEW}
                  : std::initializer_list<
                        v1::Application::State>{v1::Application::UNDER_REVIEW,
                                                v1::Application::RESERVE});
      !s.ok())
    return s;
  // A selection that failed half way may have left a place under this key.
  absl::Status released = agreements_->ReleaseMobility(
      read->call.agreement(), read->application.name(), call);
  if (!released.ok() && released.code() != absl::StatusCode::kNotFound)
    return released;
  v1::Application decided;
  absl::Status status =
      store_->Transact(call.limit, [&](ApplicationsStore& store) {
        return RunIdempotent(
            store, "DecideApplication", call.principal, request.request_id(),
            request, &decided, [&]() -> absl::Status {
              auto current = store.GetApplication(*id, /*for_update=*/true);
              if (!current.ok()) return current.status();
              decided = *std::move(current);
              if (decided.state() == to) return absl::OkStatus();
              if (auto s = CheckState(decided, {v1::Application::UNDER_REVIEW,
                                                v1::Application::RESERVE});
                  !s.ok())
                return s;
              if (reserve && decided.state() == v1::Application::RESERVE)
                return absl::OkStatus();
              const absl::Time now = Now();
              Transition(decided, to, call.principal, request.reason(), now);
              StampApplication(decided, now);
              MOBILITY_RETURN_IF_ERROR(store.SaveApplication(*id, decided));
              return absl::OkStatus();
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
  if (reason.size() > 2000) v.Add("reason", "must be at most 2000 characters");
  if (!ValidateRequestId("request_id", request_id).ok()) {
    v.Add("request_id", "must be a UUID");
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
                                v1::Application::State_Name(a.state())));
    }
    if (HoldsPlace(a.state())) {
      // The grant and the place go back first; each step is keyed, so a
      // retry repeats it harmlessly.
      if (!a.grant().empty()) {
        if (auto s = grants_->CancelGrant(
                a.grant(), StepRequestId(a.name() + ":cancel-grant"), call);
            !s.ok())
          return s;
      }
      absl::Status released =
          agreements_->ReleaseMobility(read->call.agreement(), a.name(), call);
      if (!released.ok() && released.code() != absl::StatusCode::kNotFound)
        return released;
    }
    // The end, recorded once: a retry finds the application ended.
    v1::Application ended;
    absl::Status status = store_->Transact(
        call.limit, [&](ApplicationsStore& store) -> absl::Status {
          auto current = store.GetApplication(*id, /*for_update=*/true);
          if (!current.ok()) return current.status();
          ended = *std::move(current);
          if (ended.state() == to) return absl::OkStatus();
          if (ended.state() != a.state()) {
            return Error(absl::StatusCode::kAborted, "APPLICATION_CHANGED",
                         "the application changed meanwhile; try again");
          }
          const absl::Time now = Now();
          ended.set_vacancy_pending(HoldsPlace(ended.state()));
          Transition(ended, to, call.principal, reason, now);
          StampApplication(ended, now);
          MOBILITY_RETURN_IF_ERROR(store.SaveApplication(*id, ended));
          return absl::OkStatus();
        });
    if (!status.ok()) return status;
    if (!ended.vacancy_pending()) return ended;
  } else if (!a.vacancy_pending()) {
    return a;  // Ended before, nothing left to do.
  }
  return FillVacancy(*id, call);
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
