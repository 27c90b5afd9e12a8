#include "services/applications/mobilities.h"

#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/status.h"
#include "services/applications/application_rules.h"
#include "services/applications/applications.h"
#include "services/applications/calls.h"
#include "services/applications/words.h"

namespace mobility::applications {

absl::StatusOr<v1::Application> Mobilities::NominateApplication(
    const v1::NominateApplicationRequest& request, const CallContext& call) {
  auto id = ParseResourceName("name", request.name(), "applications");
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return ChangeAsOffice(
      store_, "NominateApplication", *id, request, request.request_id(), call,
      now, public_url_,
      [&](v1::Application& a, const v1::Call&) -> absl::Status {
        if (auto s = CheckState(a, {v1::Application::SELECTED}); !s.ok())
          return s;
        Transition(a, v1::Application::NOMINATED, call.principal,
                   absl::StrCat("nominated to ", a.host_institution()), now);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Application> Mobilities::StartMobility(
    const v1::StartMobilityRequest& request, const CallContext& call) {
  auto id = ParseResourceName("name", request.name(), "applications");
  if (!id.ok()) return id.status();
  if (!IsValidDate(request.actual_start_date())) {
    return InvalidField("actual_start_date", Text(words::ACTUAL_START));
  }
  const absl::Time now = Now();
  return ChangeAsOffice(
      store_, "StartMobility", *id, request, request.request_id(), call, now,
      public_url_, [&](v1::Application& a, const v1::Call&) -> absl::Status {
        if (auto s = CheckState(a, {v1::Application::ACCEPTED_BY_HOST});
            !s.ok())
          return s;
        *a.mutable_actual_start_date() = request.actual_start_date();
        Transition(a, v1::Application::IN_MOBILITY, call.principal, "", now);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Application> Mobilities::CompleteMobility(
    const v1::CompleteMobilityRequest& request, const CallContext& call) {
  auto id = ParseResourceName("name", request.name(), "applications");
  if (!id.ok()) return id.status();
  Violations v;
  if (!IsValidDate(request.actual_end_date())) {
    v.Add("actual_end_date", Text(words::ACTUAL_END));
  }
  if (!IsValidDate(request.final_report_date())) {
    v.Add("final_report_date", Text(words::REPORT_DATE));
  }
  if (!v.empty()) return v.ToStatus("INVALID_COMPLETION");
  auto read = store_->ReadValue(call.limit, [&](ApplicationsStore& store) {
    return ReadApplication(store, *id, call.principal, /*for_update=*/false,
                           Reader::kOffice);
  });
  if (!read.ok()) return read.status();
  const v1::Application& a = read->application;
  if (a.state() == v1::Application::COMPLETED) return a;  // A retry.
  if (auto s = CheckState(a, {v1::Application::IN_MOBILITY}); !s.ok()) return s;
  if (ToCivilDay(request.actual_end_date()) <
      ToCivilDay(a.actual_start_date())) {
    return InvalidField("actual_end_date",
                        Text(words::ACTUAL_END_BEFORE_START));
  }
  // What became of each component of the learning agreement in force.
  const v1::LearningAgreement& la = a.learning_agreement();
  if (la.in_force_version() > 0) {
    Violations recognition;
    ValidateRecognition(request.recognition(),
                        la.versions(la.in_force_version() - 1), recognition);
    if (!recognition.empty())
      return recognition.ToStatus("INVALID_RECOGNITION");
  } else if (!request.recognition().empty()) {
    return InvalidField("recognition", Text(words::NO_AGREEMENT_IN_FORCE));
  }
  // The grant is settled first, once per application; then the completion
  // is recorded.
  grants::v1::SettleGrantRequest settle;
  settle.set_name(a.grant());
  *settle.mutable_actual_start_date() = a.actual_start_date();
  *settle.mutable_actual_end_date() = request.actual_end_date();
  *settle.mutable_final_report_date() = request.final_report_date();
  settle.set_request_id(StepRequestId(a.name() + ":settle"));
  if (auto s = grants_->SettleGrant(settle, call); !s.ok()) return s;
  const absl::Time now = Now();
  return ChangeAsOffice(
      store_, "CompleteMobility", *id, request, request.request_id(), call, now,
      public_url_,
      [&](v1::Application& current, const v1::Call&) -> absl::Status {
        if (current.state() == v1::Application::COMPLETED)
          return absl::OkStatus();
        if (auto s = CheckState(current, {v1::Application::IN_MOBILITY});
            !s.ok())
          return s;
        *current.mutable_actual_end_date() = request.actual_end_date();
        *current.mutable_recognition() = request.recognition();
        Transition(current, v1::Application::COMPLETED, call.principal, "",
                   now);
        return absl::OkStatus();
      });
}

}  // namespace mobility::applications
