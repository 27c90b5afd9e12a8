#include "services/applications/calls.h"

#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/idempotency.h"
#include "common/reference_data.h"
#include "common/status.h"
#include "services/applications/application_rules.h"
#include "services/applications/words.h"

namespace mobility::applications {
namespace {

namespace av1 = ::mobility::agreements::v1;

// Revision and etag of a stored call: the time it last changed.
void Stamp(v1::Call& call, absl::Time now) {
  *call.mutable_update_time() = ToTimestamp(now);
  call.set_etag(Etag(call.name(), absl::ToUnixMicros(now)));
}

}  // namespace

absl::Status CheckRunsCall(const v1::Call& call, const Principal& principal) {
  if (principal.IsCoordinatorOf(call.institution()) ||
      (principal.Has(Role::kAdmin) && principal.ActsFor(call.institution()))) {
    return absl::OkStatus();
  }
  return CallNotFound(ResourceIdOf(call.name()));
}

absl::Status Calls::CheckAgainstPartners(v1::Call& created,
                                         const CallContext& call) {
  Violations v;
  const int year = *ParseAcademicYear(created.academic_year());
  for (int i = 0; i < created.condition_ids_size(); ++i) {
    const std::string field = absl::StrCat("call.condition_ids[", i, "]");
    auto found = agreements_->FindCondition(
        created.agreement(), created.condition_ids(i), field, call);
    if (!found.ok()) return found.status();
    created.set_programme(found->programme);
    if (found->condition.sending_institution() != created.institution()) {
      v.Add(field, Text(words::CALL_CONDITION_SENDER,
                        {{"sender", found->condition.sending_institution()},
                         {"institution", created.institution()}}));
    }
    if (year < *ParseAcademicYear(found->first_academic_year) ||
        year > *ParseAcademicYear(found->last_academic_year)) {
      v.Add("call.academic_year", Text(words::CALL_CONDITION_YEARS,
                                       {{"condition", created.condition_ids(i)},
                                        {"first", found->first_academic_year},
                                        {"last", found->last_academic_year}}));
    }
  }
  const ProgrammeGeneration programme = created.programme() == av1::KA107
                                            ? ProgrammeGeneration::kKa107
                                            : ProgrammeGeneration::kKa171;
  const CallYearRange funding = CallsFunding(programme, year, year);
  if (created.funding_call_year() < funding.first ||
      created.funding_call_year() > funding.last) {
    v.Add(
        "call.funding_call_year",
        Text(words::CALL_FUNDING_YEAR, {{"year", created.academic_year()},
                                        {"first", absl::StrCat(funding.first)},
                                        {"last", absl::StrCat(funding.last)}}));
  }
  auto budget = grants_->GetBudget(created.budget(), "call.budget", call);
  if (!budget.ok()) return budget.status();
  // The Programme enums of both contracts number KA107 and KA171 alike.
  if (static_cast<int>(budget->programme()) !=
          static_cast<int>(created.programme()) ||
      budget->call_year() != created.funding_call_year()) {
    v.Add("call.budget",
          Text(words::CALL_BUDGET_CALL,
               {{"programme", grants::v1::Programme_Name(budget->programme())},
                {"year", absl::StrCat(budget->call_year())}}));
  }
  // Its mobilities end within the funding project: one over before the
  // academic year begins funds none of them.
  if (budget->has_project_end_date()) {
    *created.mutable_funding_project_end_date() = budget->project_end_date();
    if (ToCivilDay(budget->project_end_date()) < absl::CivilDay(year, 9, 1)) {
      v.Add("call.budget",
            Text(words::CALL_BUDGET_ENDS,
                 {{"date", Value::Date(ToCivilDay(budget->project_end_date()))},
                  {"year", created.academic_year()}}));
    }
  }
  return v.ToStatus("CALL_OUTSIDE_AGREEMENT");
}

absl::StatusOr<v1::Call> Calls::CreateCall(const v1::CreateCallRequest& request,
                                           const CallContext& call) {
  Violations v;
  ValidateCall(request.call(), v);
  if (!request.call_id().empty() && !IsValidResourceId(request.call_id())) {
    v.Add("call_id", Text(common_words::RESOURCE_ID));
  }
  if (!ValidateRequestId("request_id", request.request_id()).ok()) {
    v.Add("request_id", Text(common_words::REQUEST_ID));
  }
  if (!v.empty()) return v.ToStatus("INVALID_CALL");
  if (call.principal.institution.empty()) {
    return Error(absl::StatusCode::kPermissionDenied, "NO_INSTITUTION",
                 Text(words::NO_INSTITUTION));
  }
  const std::string id =
      request.call_id().empty() ? NewResourceId() : request.call_id();
  v1::Call created = request.call();
  created.set_name("calls/" + id);
  created.set_institution(call.principal.institution);
  created.set_state(v1::Call::OPEN);
  if (auto s = CheckAgainstPartners(created, call); !s.ok()) return s;
  absl::Status status =
      store_->Transact(call.limit, [&](ApplicationsStore& store) {
        return RunIdempotent(
            store, "CreateCall", call.principal, request.request_id(), request,
            &created, [&] {
              const absl::Time now = Now();
              *created.mutable_create_time() = ToTimestamp(now);
              Stamp(created, now);
              MOBILITY_RETURN_IF_ERROR(store.InsertCall(id, created));
              return absl::OkStatus();
            });
      });
  if (status.code() == absl::StatusCode::kAlreadyExists) {
    return Error(absl::StatusCode::kAlreadyExists, "CALL_EXISTS",
                 absl::StrCat("calls/", id, " exists"),
                 Text(words::CALL_EXISTS));
  }
  if (!status.ok()) return status;
  return created;
}

void Calls::GetCall(const v1::GetCallRequest& request, const CallContext& call,
                    Then<v1::Call> reply) {
  auto id = ParseResourceName("name", request.name(), "calls");
  if (!id.ok()) return reply(id.status());
  reads_->GetCall(call.limit, *id, std::move(reply));
}

void Calls::ListCalls(const v1::ListCallsRequest& request,
                      const CallContext& call,
                      Then<v1::ListCallsResponse> reply) {
  auto page_size = EffectivePageSize(request.page_size());
  if (!page_size.ok()) return reply(page_size.status());
  const std::string query = absl::StrCat("calls?open=", request.open_only());
  auto after = DecodePageToken(request.page_token(), query);
  if (!after.ok()) return reply(after.status());
  // One row more than the page tells whether another page follows.
  reads_->ListCalls(
      call.limit, Now(), request.open_only(), *after, *page_size + 1,
      [page_size = *page_size, query,
       reply = std::move(reply)](absl::StatusOr<std::vector<v1::Call>> rows) {
        if (!rows.ok()) return reply(rows.status());
        v1::ListCallsResponse response;
        response.set_next_page_token(TakePage(
            *rows, page_size, query,
            [&](v1::Call c) { *response.add_calls() = std::move(c); },
            [](const v1::Call& c) { return ResourceIdOf(c.name()); }));
        reply(std::move(response));
      });
}

absl::StatusOr<v1::Call> Calls::UpdateCall(const v1::UpdateCallRequest& request,
                                           const CallContext& call) {
  auto id = ParseResourceName("call.name", request.call().name(), "calls");
  if (!id.ok()) return id.status();
  if (auto s = ValidateRequestId("request_id", request.request_id()); !s.ok())
    return s;
  static const std::set<std::string> kPaths = {
      "title",      "title_translations", "open_time",
      "close_time", "criteria",           "below_recommended_language"};
  auto paths = UpdateMaskPaths(request.update_mask(), kPaths);
  if (!paths.ok()) return paths.status();
  v1::Call updated;
  absl::Status status =
      store_->Transact(call.limit, [&](ApplicationsStore& store) {
        return RunIdempotent(
            store, "UpdateCall", call.principal, request.request_id(), request,
            &updated, [&]() -> absl::Status {
              auto current = store.GetCall(*id, /*for_update=*/true);
              if (!current.ok()) return current.status();
              if (auto s = CheckRunsCall(*current, call.principal); !s.ok())
                return s;
              if (auto s = CheckEtag(request.call().etag(), current->etag());
                  !s.ok())
                return s;
              if (current->state() == v1::Call::CLOSED) {
                return Error(absl::StatusCode::kFailedPrecondition,
                             "CALL_CLOSED", Text(words::CALL_CLOSED));
              }
              const absl::Time now = Now();
              // Applicants prepare against the criteria: they hold once the
              // window opened.
              if (paths->count("criteria") > 0 &&
                  FromTimestamp(current->open_time()) <= now) {
                return Error(absl::StatusCode::kFailedPrecondition,
                             "CALL_WINDOW_OPENED",
                             Text(words::CALL_WINDOW_OPENED));
              }
              updated = *current;
              if (paths->count("title"))
                updated.set_title(request.call().title());
              if (paths->count("title_translations")) {
                *updated.mutable_title_translations() =
                    request.call().title_translations();
              }
              if (paths->count("open_time"))
                *updated.mutable_open_time() = request.call().open_time();
              if (paths->count("close_time"))
                *updated.mutable_close_time() = request.call().close_time();
              if (paths->count("criteria"))
                *updated.mutable_criteria() = request.call().criteria();
              if (paths->count("below_recommended_language")) {
                updated.set_below_recommended_language(
                    request.call().below_recommended_language());
              }
              Violations v;
              ValidateCall(updated, v);
              if (!v.empty()) return v.ToStatus("INVALID_CALL");
              Stamp(updated, now);
              MOBILITY_RETURN_IF_ERROR(store.SaveCall(*id, updated));
              return absl::OkStatus();
            });
      });
  if (!status.ok()) return status;
  return updated;
}

absl::StatusOr<v1::Call> Calls::CloseCall(const v1::CloseCallRequest& request,
                                          const CallContext& call) {
  auto id = ParseResourceName("name", request.name(), "calls");
  if (!id.ok()) return id.status();
  if (auto s = ValidateRequestId("request_id", request.request_id()); !s.ok())
    return s;
  v1::Call closed;
  absl::Status status =
      store_->Transact(call.limit, [&](ApplicationsStore& store) {
        return RunIdempotent(
            store, "CloseCall", call.principal, request.request_id(), request,
            &closed, [&]() -> absl::Status {
              auto current = store.GetCall(*id, /*for_update=*/true);
              if (!current.ok()) return current.status();
              if (auto s = CheckRunsCall(*current, call.principal); !s.ok())
                return s;
              closed = *current;
              if (closed.state() == v1::Call::CLOSED) return absl::OkStatus();
              const absl::Time now = Now();
              closed.set_state(v1::Call::CLOSED);
              if (FromTimestamp(closed.close_time()) > now) {
                *closed.mutable_close_time() = ToTimestamp(now);
              }
              if (FromTimestamp(closed.open_time()) >= now) {
                // Never opened: the window stays well formed, and empty.
                *closed.mutable_open_time() =
                    ToTimestamp(now - absl::Microseconds(1));
              }
              Stamp(closed, now);
              MOBILITY_RETURN_IF_ERROR(store.SaveCall(*id, closed));
              return absl::OkStatus();
            });
      });
  if (!status.ok()) return status;
  return closed;
}

}  // namespace mobility::applications
