#include "services/applications/applications.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/idempotency.h"
#include "common/local_day.h"
#include "common/status.h"
#include "services/applications/applicant_mail.h"
#include "services/applications/application_rules.h"
#include "services/applications/calls.h"
#include "services/applications/words.h"

namespace mobility::applications {
namespace {

const std::set<std::string>& DraftPaths() {
  static const auto* paths = new std::set<std::string>{
      "condition_id", "kind",  "applicant",  "start_date", "end_date",
      "student",      "staff", "motivation", "consent"};
  return *paths;
}

void CopyDraftFields(const v1::Application& from,
                     const std::set<std::string>& paths, v1::Application& to) {
  if (paths.count("condition_id")) to.set_condition_id(from.condition_id());
  if (paths.count("kind")) to.set_kind(from.kind());
  if (paths.count("applicant")) *to.mutable_applicant() = from.applicant();
  if (paths.count("start_date")) {
    if (from.has_start_date()) {
      *to.mutable_start_date() = from.start_date();
    } else {
      to.clear_start_date();
    }
  }
  if (paths.count("end_date")) {
    if (from.has_end_date()) {
      *to.mutable_end_date() = from.end_date();
    } else {
      to.clear_end_date();
    }
  }
  if (paths.count("student")) {
    if (from.has_student()) {
      *to.mutable_student() = from.student();
    } else {
      to.clear_student();
    }
  }
  if (paths.count("staff")) {
    if (from.has_staff()) {
      *to.mutable_staff() = from.staff();
    } else {
      to.clear_staff();
    }
  }
  if (paths.count("motivation")) to.set_motivation(from.motivation());
  if (paths.count("consent")) *to.mutable_consent() = from.consent();
}

bool WindowOpen(const v1::Call& call, absl::Time now) {
  return call.state() == v1::Call::OPEN &&
         FromTimestamp(call.open_time()) <= now &&
         now < FromTimestamp(call.close_time());
}

}  // namespace

absl::Status ApplicationNotFound(absl::string_view id) {
  return Error(absl::StatusCode::kNotFound, "APPLICATION_NOT_FOUND",
               absl::StrCat("no application applications/", id),
               Text(words::APPLICATION_NOT_FOUND));
}

void StampApplication(v1::Application& a, absl::Time now) {
  *a.mutable_update_time() = ToTimestamp(now);
  a.set_etag(Etag(a.name(), absl::ToUnixMicros(now)));
}

absl::StatusOr<ApplicationInCall> ReadWithCall(ApplicationsStore& store,
                                               const std::string& id,
                                               bool for_update) {
  auto application = store.GetApplication(id, for_update);
  if (!application.ok())
    return IfNotFound(application.status(), ApplicationNotFound(id));
  auto call = store.GetCall(ResourceIdOf(application->call()), false);
  if (!call.ok()) return call.status();
  return ApplicationInCall{*std::move(application), *std::move(call)};
}

absl::StatusOr<ApplicationInCall> ReadApplication(ApplicationsStore& store,
                                                  const std::string& id,
                                                  const Principal& principal,
                                                  bool for_update,
                                                  Reader reader) {
  auto read = ReadWithCall(store, id, for_update);
  if (!read.ok()) return read;
  const bool owner = read->application.owner() == principal.subject &&
                     principal.Has(Role::kApplicant);
  const bool office = CheckRunsCall(read->call, principal).ok();
  const bool allowed = reader == Reader::kOwner    ? owner
                       : reader == Reader::kOffice ? office
                                                   : owner || office;
  if (!allowed) return ApplicationNotFound(id);
  return read;
}

void Transition(v1::Application& application, v1::Application::State to,
                const Principal& actor, const std::string& reason,
                absl::Time now) {
  v1::HistoryEntry* entry = application.add_history();
  entry->set_actor(actor.subject);
  *entry->mutable_time() = ToTimestamp(now);
  entry->set_from_state(application.state());
  entry->set_to_state(to);
  entry->set_reason(reason);
  application.set_state(to);
}

absl::Status TellApplicant(ApplicationsStore& store, const v1::Application& a,
                           const v1::Call& call, absl::string_view public_url,
                           absl::Time now) {
  std::optional<Mail> mail = ApplicantMail(a, call, public_url);
  return mail ? store.EnqueueMail(*mail, now) : absl::OkStatus();
}

absl::Status CheckState(const v1::Application& application,
                        std::initializer_list<v1::Application::State> from) {
  if (std::find(from.begin(), from.end(), application.state()) != from.end()) {
    return absl::OkStatus();
  }
  std::string wanted;
  for (auto s : from) {
    absl::StrAppend(&wanted, wanted.empty() ? "" : " or ",
                    v1::Application::State_Name(s));
  }
  return Error(absl::StatusCode::kFailedPrecondition, "WRONG_APPLICATION_STATE",
               absl::StrCat("the application is ",
                            v1::Application::State_Name(application.state()),
                            "; this needs ", wanted),
               Text(words::APPLICATION_STATE));
}

namespace {

// One live application per applicant per call and condition: a second would
// only compete with the first for the same place.
absl::Status CheckOwnerLimits(ApplicationsStore& store,
                              const std::string& owner,
                              const std::string& call_id,
                              const std::string& condition_id,
                              const std::string& except_id) {
  if (condition_id.empty()) return absl::OkStatus();
  MOBILITY_ASSIGN_OR_RETURN(
      const bool live,
      store.HasLiveApplication(owner, call_id, condition_id, except_id));
  if (!live) return absl::OkStatus();
  Violations taken;
  taken.Add("application.condition_id", Text(words::ALREADY_APPLIED));
  return taken.ToStatus("APPLICATION_EXISTS", absl::StatusCode::kAlreadyExists);
}

}  // namespace

absl::StatusOr<v1::Application> Applications::CreateApplication(
    const v1::CreateApplicationRequest& request, const CallContext& call) {
  const v1::Application& draft = request.application();
  Violations v;
  auto call_id = ParseResourceName("application.call", draft.call(), "calls");
  if (!call_id.ok()) {
    v.Add("application.call",
          Text(common_words::RESOURCE_NAME, {{"collection", "calls"}}));
  }
  ValidateApplicationFields(draft, v);
  if (!ValidateRequestId("request_id", request.request_id()).ok()) {
    v.Add("request_id", Text(common_words::REQUEST_ID));
  }
  if (!v.empty()) return v.ToStatus("INVALID_APPLICATION");
  v1::Application created;
  absl::Status status =
      store_->Transact(call.limit, [&](ApplicationsStore& store) {
        return RunIdempotent(
            store, "CreateApplication", call.principal, request.request_id(),
            request, &created, [&]() -> absl::Status {
              auto found = store.GetCall(*call_id, /*for_update=*/false);
              if (!found.ok()) {
                return IfNotFound(found.status(),
                                  InvalidField("application.call",
                                               Text(words::NO_SUCH_CALL)));
              }
              const std::string& owner = call.principal.subject;
              MOBILITY_RETURN_IF_ERROR(store.LockOwner(owner));
              if (auto s = CheckOwnerLimits(store, owner, *call_id,
                                            draft.condition_id(), "");
                  !s.ok())
                return s;
              MOBILITY_ASSIGN_OR_RETURN(const int drafts,
                                        store.CountDrafts(owner));
              if (drafts >= kMaxDraftsPerApplicant) {
                Violations full;
                full.Add("application",
                         Text(words::DRAFT_LIMIT,
                              {{"max", kMaxDraftsPerApplicant}}));
                return full.ToStatus("DRAFT_LIMIT",
                                     absl::StatusCode::kResourceExhausted);
              }
              const std::string id = NewResourceId();
              created.set_name("applications/" + id);
              created.set_call(draft.call());
              CopyDraftFields(draft, DraftPaths(), created);
              created.set_owner(call.principal.subject);
              created.set_state(v1::Application::DRAFT);
              const absl::Time now = Now();
              *created.mutable_create_time() = ToTimestamp(now);
              StampApplication(created, now);
              MOBILITY_RETURN_IF_ERROR(
                  store.InsertApplication(id, *call_id, created));
              return absl::OkStatus();
            });
      });
  if (!status.ok()) return status;
  return created;
}

void Applications::GetApplication(const v1::GetApplicationRequest& request,
                                  const CallContext& call,
                                  Then<v1::Application> reply) {
  auto id = ParseResourceName("name", request.name(), "applications");
  if (!id.ok()) return reply(id.status());
  // `call` outlives the read: the call is answered only through `reply`.
  reads_->GetApplicationInCall(
      call.limit, *id,
      [&who = call.principal, id = *id,
       reply = std::move(reply)](absl::StatusOr<ApplicationInCall> read) {
        if (!read.ok())
          return reply(IfNotFound(read.status(), ApplicationNotFound(id)));
        const v1::Application& a = read->application;
        if ((who.Has(Role::kApplicant) && a.owner() == who.subject) ||
            CheckRunsCall(read->call, who).ok()) {
          return reply(std::move(read->application));
        }
        // The host sees an application once it is nominated to it, and then
        // only what a host needs.
        if (who.IsCoordinatorOf(a.host_institution()) && IsNominated(a.state()))
          return reply(HostView(a));
        reply(ApplicationNotFound(id));
      });
}

void Applications::ListApplications(const v1::ListApplicationsRequest& request,
                                    const CallContext& call,
                                    Then<v1::ListApplicationsResponse> reply) {
  auto page_size = EffectivePageSize(request.page_size());
  if (!page_size.ok()) return reply(page_size.status());
  ApplicationsStore::ApplicationFilter filter;
  Violations v;
  if (!request.call().empty()) {
    auto id = ParseResourceName("call", request.call(), "calls");
    if (id.ok()) {
      filter.call_id = *id;
    } else {
      v.Add("call",
            Text(common_words::RESOURCE_NAME, {{"collection", "calls"}}));
    }
  }
  if (request.state() != v1::Application::STATE_UNSPECIFIED) {
    if (v1::Application::State_IsValid(request.state())) {
      filter.state = v1::Application::State_Name(request.state());
    } else {
      v.Add("state", Text(common_words::A_STATE));
    }
  }
  if (request.kind() != v1::PARTICIPANT_KIND_UNSPECIFIED) {
    if (v1::ParticipantKind_IsValid(request.kind())) {
      filter.kind = v1::ParticipantKind_Name(request.kind());
    } else {
      v.Add("kind", Text(common_words::PARTICIPANT_KIND));
    }
  }
  filter.condition_id = request.condition_id();
  if (!v.empty()) return reply(v.ToStatus("INVALID_FILTER"));
  // Applicants list their own; the office (and its system) its institution's
  // calls.
  const Principal& who = call.principal;
  if (who.Has(Role::kAdmin) || who.Has(Role::kCoordinator) ||
      who.Has(Role::kPartnerSystem)) {
    filter.institution = who.institution;
  } else {
    filter.owner = who.subject;
  }
  const std::string query = absl::StrCat(
      "applications?owner=", filter.owner, "&inst=", filter.institution,
      "&call=", filter.call_id, "&state=", filter.state, "&kind=", filter.kind,
      "&condition=", filter.condition_id);
  auto after = DecodePageToken(request.page_token(), query);
  if (!after.ok()) return reply(after.status());
  // One row more than the page tells whether another page follows.
  reads_->ListApplications(
      call.limit, filter, *after, *page_size + 1,
      [page_size = *page_size, query, reply = std::move(reply)](
          absl::StatusOr<std::vector<v1::Application>> rows) {
        if (!rows.ok()) return reply(rows.status());
        v1::ListApplicationsResponse response;
        response.set_next_page_token(TakePage(
            *rows, page_size, query,
            [&](v1::Application a) {
              *response.add_applications() = std::move(a);
            },
            [](const v1::Application& a) { return ResourceIdOf(a.name()); }));
        reply(std::move(response));
      });
}

absl::StatusOr<v1::Application> Applications::UpdateApplication(
    const v1::UpdateApplicationRequest& request, const CallContext& call) {
  auto id = ParseResourceName("application.name", request.application().name(),
                              "applications");
  if (!id.ok()) return id.status();
  if (auto s = ValidateRequestId("request_id", request.request_id()); !s.ok())
    return s;
  auto paths = UpdateMaskPaths(request.update_mask(), DraftPaths());
  if (!paths.ok()) return paths.status();
  v1::Application updated;
  absl::Status status =
      store_->Transact(call.limit, [&](ApplicationsStore& store) {
        return RunIdempotent(
            store, "UpdateApplication", call.principal, request.request_id(),
            request, &updated, [&]() -> absl::Status {
              auto read = ReadApplication(store, *id, call.principal,
                                          /*for_update=*/true, Reader::kOwner);
              if (!read.ok()) return read.status();
              if (auto s = CheckEtag(request.application().etag(),
                                     read->application.etag());
                  !s.ok())
                return s;
              if (auto s =
                      CheckState(read->application, {v1::Application::DRAFT});
                  !s.ok())
                return s;
              updated = std::move(read->application);
              CopyDraftFields(request.application(), *paths, updated);
              Violations v;
              ValidateApplicationFields(updated, v);
              if (!v.empty()) return v.ToStatus("INVALID_APPLICATION");
              MOBILITY_RETURN_IF_ERROR(store.LockOwner(updated.owner()));
              if (auto s = CheckOwnerLimits(store, updated.owner(),
                                            ResourceIdOf(updated.call()),
                                            updated.condition_id(), *id);
                  !s.ok())
                return s;
              StampApplication(updated, Now());
              MOBILITY_RETURN_IF_ERROR(store.SaveApplication(*id, updated));
              return absl::OkStatus();
            });
      });
  if (!status.ok()) return status;
  return updated;
}

absl::StatusOr<google::protobuf::Empty> Applications::DeleteApplication(
    const v1::DeleteApplicationRequest& request, const CallContext& call) {
  auto id = ParseResourceName("name", request.name(), "applications");
  if (!id.ok()) return id.status();
  absl::Status status =
      store_->Transact(call.limit, [&](ApplicationsStore& store) {
        auto read = ReadApplication(store, *id, call.principal,
                                    /*for_update=*/true, Reader::kOwner);
        if (!read.ok()) return read.status();
        MOBILITY_RETURN_IF_ERROR(
            CheckEtag(request.etag(), read->application.etag()));
        MOBILITY_RETURN_IF_ERROR(
            CheckState(read->application, {v1::Application::DRAFT}));
        MOBILITY_RETURN_IF_ERROR(store.DeleteDocuments(*id));
        return store.DeleteDraft(*id);
      });
  if (!status.ok()) return status;
  return google::protobuf::Empty();
}

absl::StatusOr<v1::Application> Applications::SubmitApplication(
    const v1::SubmitApplicationRequest& request, const CallContext& call) {
  auto id = ParseResourceName("name", request.name(), "applications");
  if (!id.ok()) return id.status();
  if (auto s = ValidateRequestId("request_id", request.request_id()); !s.ok())
    return s;
  auto read = store_->ReadValue(call.limit, [&](ApplicationsStore& store) {
    return ReadApplication(store, *id, call.principal, /*for_update=*/false,
                           Reader::kOwner);
  });
  if (!read.ok()) return read.status();
  const v1::Application& draft = read->application;
  const v1::Call& round = read->call;
  std::string host_institution;
  std::vector<std::string> flags;
  if (draft.state() == v1::Application::DRAFT) {
    if (!WindowOpen(round, Now())) {
      return Error(
          absl::StatusCode::kFailedPrecondition, "CALL_NOT_OPEN",
          absl::StrCat(
              "the call takes applications from ",
              FormatTimestamp(round.open_time()), " until before ",
              FormatTimestamp(round.close_time()),
              round.state() == v1::Call::CLOSED ? "; it was closed" : ""),
          Text(words::CALL_NOT_OPEN,
               {{"open",
                 Value::Date(LocalDay(FromTimestamp(round.open_time())))},
                {"close",
                 Value::Date(LocalDay(FromTimestamp(round.close_time()) -
                                      absl::Seconds(1)))}}));
    }
    Violations v;
    ValidateApplicationFields(draft, v);
    RequireForSubmission(draft, v);
    if (std::find(round.condition_ids().begin(), round.condition_ids().end(),
                  draft.condition_id()) == round.condition_ids().end()) {
      v.Add("condition_id", Text(words::CONDITION_OF_CALL));
    } else {
      auto condition = agreements_->FindCondition(
          round.agreement(), draft.condition_id(), "condition_id", call);
      if (!condition.ok()) return condition.status();
      CheckEligibility(draft, condition->condition, round.programme(),
                       round.funding_call_year(), v);
      if (round.has_funding_project_end_date() &&
          IsValidDate(draft.end_date()) &&
          ToCivilDay(draft.end_date()) >
              ToCivilDay(round.funding_project_end_date())) {
        v.Add("end_date",
              Text(words::PROJECT_ENDS,
                   {{"date", Value::Date(ToCivilDay(
                                 round.funding_project_end_date()))}}));
      }
      for (auto& [field, shortfall] :
           LanguageShortfalls(draft, condition->condition)) {
        if (round.below_recommended_language() == v1::Call::FLAG) {
          // The office's records keep the English (selection_flags).
          flags.push_back(shortfall.In(Language::kEnglish));
        } else {
          v.Add(field, shortfall);
        }
      }
      host_institution = condition->condition.receiving_institution();
    }
    if (!v.empty()) return v.ToStatus("NOT_ELIGIBLE");
  }
  v1::Application submitted;
  absl::Status status = store_->Transact(call.limit, [&](ApplicationsStore&
                                                             store) {
    return RunIdempotent(
        store, "SubmitApplication", call.principal, request.request_id(),
        request, &submitted, [&]() -> absl::Status {
          auto current = ReadApplication(store, *id, call.principal,
                                         /*for_update=*/true, Reader::kOwner);
          if (!current.ok()) return current.status();
          submitted = std::move(current->application);
          // Changed since it was checked: the draft checked is the one
          // kept.
          if (auto s = CheckState(submitted, {v1::Application::DRAFT}); !s.ok())
            return s;
          if (submitted.etag() != draft.etag()) {
            return Error(absl::StatusCode::kAborted, "APPLICATION_CHANGED",
                         Text(words::APPLICATION_CHANGED));
          }
          const absl::Time now = Now();
          Transition(submitted, v1::Application::SUBMITTED, call.principal, "",
                     now);
          *submitted.mutable_submit_time() = ToTimestamp(now);
          submitted.set_host_institution(host_institution);
          *submitted.mutable_selection_flags() = {flags.begin(), flags.end()};
          submitted.set_language(std::string(LanguageTag(call.language)));
          StampApplication(submitted, now);
          MOBILITY_RETURN_IF_ERROR(store.SaveApplication(*id, submitted));
          return TellApplicant(store, submitted, current->call, public_url_,
                               now);
        });
  });
  if (!status.ok()) return status;
  return submitted;
}

absl::StatusOr<v1::Application> ChangeAsOffice(
    Transactor<ApplicationsStore>* store, absl::string_view method,
    const std::string& id, const google::protobuf::Message& request,
    const std::string& request_id, const CallContext& call, absl::Time now,
    absl::string_view public_url,
    const std::function<absl::Status(v1::Application&, const v1::Call&)>&
        change) {
  if (auto s = ValidateRequestId("request_id", request_id); !s.ok()) return s;
  v1::Application changed;
  absl::Status status =
      store->Transact(call.limit, [&](ApplicationsStore& store) {
        return RunIdempotent(
            store, method, call.principal, request_id, request, &changed,
            [&]() -> absl::Status {
              auto read = ReadApplication(store, id, call.principal,
                                          /*for_update=*/true, Reader::kOffice);
              if (!read.ok()) return read.status();
              changed = std::move(read->application);
              const v1::Application::State before = changed.state();
              if (auto s = change(changed, read->call); !s.ok()) return s;
              StampApplication(changed, now);
              MOBILITY_RETURN_IF_ERROR(store.SaveApplication(id, changed));
              if (changed.state() == before) return absl::OkStatus();
              return TellApplicant(store, changed, read->call, public_url, now);
            });
      });
  if (!status.ok()) return status;
  return changed;
}

absl::StatusOr<v1::Application> Applications::EvaluateApplication(
    const v1::EvaluateApplicationRequest& request, const CallContext& call) {
  auto id = ParseResourceName("name", request.name(), "applications");
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return ChangeAsOffice(
      store_, "EvaluateApplication", *id, request, request.request_id(), call,
      now, public_url_,
      [&](v1::Application& a, const v1::Call& round) -> absl::Status {
        if (auto s = CheckState(
                a, {v1::Application::SUBMITTED, v1::Application::UNDER_REVIEW});
            !s.ok())
          return s;
        auto total = TotalScore(round, request.scores());
        if (!total.ok()) return total.status();
        *a.mutable_scores() = request.scores();
        a.set_total_score(*total);
        if (a.state() != v1::Application::UNDER_REVIEW) {
          Transition(a, v1::Application::UNDER_REVIEW, call.principal, "", now);
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::RankApplicationsResponse> Applications::RankApplications(
    const v1::RankApplicationsRequest& request, const CallContext& call) {
  auto id = ParseResourceName("call", request.call(), "calls");
  if (!id.ok()) return id.status();
  return store_->ReadValue(
      call.limit,
      [&](ApplicationsStore& store)
          -> absl::StatusOr<v1::RankApplicationsResponse> {
        auto round = store.GetCall(*id, /*for_update=*/false);
        if (!round.ok()) return round.status();
        if (auto s = CheckRunsCall(*round, call.principal); !s.ok()) return s;
        v1::RankApplicationsResponse response;
        int rank = 0;
        MOBILITY_ASSIGN_OR_RETURN(
            auto ranked, store.RankedApplications(
                             *id, "",
                             {"UNDER_REVIEW", "SELECTED", "RESERVE", "REJECTED",
                              "NOMINATED", "ACCEPTED_BY_HOST",
                              "REJECTED_BY_HOST", "IN_MOBILITY", "COMPLETED"}));
        for (auto& a : ranked) {
          auto* entry = response.add_entries();
          entry->set_rank(++rank);
          *entry->mutable_application() = std::move(a);
        }
        return response;
      });
}

}  // namespace mobility::applications
