#include "services/grants/grants.h"

#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/idempotency.h"
#include "common/local_day.h"
#include "common/status.h"
#include "common/types.h"
#include "services/grants/grant_math.h"
#include "services/grants/grant_rules.h"
#include "services/grants/words.h"

namespace mobility::grants {
namespace {

// Pre-financing is due within 30 days of both signatures and no later than the
// start; the balance within 45 days of the final report.
constexpr int kPrefinancingDays = 30;
constexpr int kBalanceDays = 45;

}  // namespace

absl::StatusOr<v1::Grant> Grants::CreateGrant(
    const v1::CreateGrantRequest& request, const CallContext& call) {
  const v1::Grant& g = request.grant();
  Violations violations;
  CheckText(g.participant().full_name(), "grant.participant.full_name",
            violations);
  CheckText(g.participant().reference(), "grant.participant.reference",
            violations);
  if (!ParseResourceName("", g.agreement(), "agreements").ok()) {
    violations.Add("grant.agreement", Text(common_words::RESOURCE_NAME,
                                           {{"collection", "agreements"}}));
  }
  CheckText(g.condition_id(), "grant.condition_id", violations);
  if (!g.application().empty() &&
      !ParseResourceName("", g.application(), "applications").ok()) {
    violations.Add("grant.application", Text(common_words::RESOURCE_NAME,
                                             {{"collection", "applications"}}));
  }
  if (!g.application().empty() && !call.principal.IsInternal()) {
    return Error(absl::StatusCode::kPermissionDenied, "GRANT_OF_A_SELECTION",
                 Text(words::GRANT_OF_A_SELECTION));
  }
  if (!ParseResourceName("", g.budget(), "budgets").ok()) {
    violations.Add("grant.budget", Text(common_words::RESOURCE_NAME,
                                        {{"collection", "budgets"}}));
  }
  ValidateCalculation(request.calculation(), "calculation", violations);
  if (!ValidateRequestId("request_id", request.request_id()).ok()) {
    violations.Add("request_id", Text(common_words::REQUEST_ID));
  }
  if (!violations.empty()) return violations.ToStatus("INVALID_GRANT");

  // A retry finds its grant before anything is asked again: the agreement may
  // have left force or a rate been corrected since the grant was made.
  v1::Grant created;
  bool answered = false;
  MOBILITY_RETURN_IF_ERROR(
      store_->Read(call.limit, [&](GrantsStore& store) -> absl::Status {
        MOBILITY_ASSIGN_OR_RETURN(
            answered, FindAnswer(store, "CreateGrant", call.principal,
                                 request.request_id(), request, &created));
        return absl::OkStatus();
      }));
  if (answered) return created;

  auto condition = agreements_->FindCondition(g.agreement(), g.condition_id(),
                                              "grant.condition_id", call);
  if (!condition.ok()) return condition.status();
  // The two Programme enums number KA107 and KA171 alike.
  if (static_cast<int>(condition->programme) !=
      static_cast<int>(request.calculation().programme())) {
    violations.Add("calculation.programme", Text(words::AGREEMENT_PROGRAMME));
  }
  CheckAgainstCondition(request.calculation(), condition->condition,
                        "calculation", violations);
  if (!violations.empty())
    return violations.ToStatus("GRANT_OUTSIDE_CONDITION");
  auto quote = quotes_->FreshQuote(request.calculation(), "calculation.", call);
  if (!quote.ok()) return quote.status();

  absl::Status status = store_->Transact(call.limit, [&](GrantsStore& store) {
    return RunIdempotent(
        store, "CreateGrant", call.principal, request.request_id(), request,
        &created, [&]() -> absl::Status {
          const std::string budget_id = ResourceIdOf(g.budget());
          auto budget = store.GetBudget(budget_id, /*for_update=*/false);
          const absl::Status no_budget =
              InvalidField("grant.budget", Text(words::NO_SUCH_BUDGET));
          if (!budget.ok()) return IfNotFound(budget.status(), no_budget);
          if (auto s =
                  CheckBudgetHolder(budget->budget.institution(),
                                    call.principal, [&] { return no_budget; });
              !s.ok())
            return s;
          // A mobility ends within the project that funds it.
          if (budget->budget.has_project_end_date() &&
              ToCivilDay(request.calculation().end_date()) >
                  ToCivilDay(budget->budget.project_end_date())) {
            return InvalidField(
                "calculation.end_date",
                Text(words::WITHIN_PROJECT,
                     {{"project", budget->budget.project_number()},
                      {"date", Value::Date(ToCivilDay(
                                   budget->budget.project_end_date()))}}));
          }
          if (budget->budget.programme() != request.calculation().programme() ||
              budget->budget.call_year() != request.calculation().call_year()) {
            return InvalidField(
                "calculation.call_year",
                Text(words::BUDGET_CALL,
                     {{"programme",
                       v1::Programme_Name(budget->budget.programme())},
                      {"year", absl::StrCat(budget->budget.call_year())}}));
          }
          // One grant per application, none once it ended: the row lock
          // orders this with the application's closing.
          if (!g.application().empty()) {
            MOBILITY_ASSIGN_OR_RETURN(
                auto held, store.LockApplicationGrant(g.application()));
            if (held.closed) {
              return Error(absl::StatusCode::kFailedPrecondition,
                           "APPLICATION_ENDED",
                           absl::StrCat("grant.application: ", g.application(),
                                        " has ended; no grant is made for it"),
                           Text(words::APPLICATION_ENDED));
            }
            if (!held.grant_id.empty()) {
              return Error(absl::StatusCode::kAlreadyExists,
                           "APPLICATION_HAS_GRANT",
                           absl::StrCat("grant.application: ", g.application(),
                                        " already has grants/", held.grant_id),
                           Text(words::APPLICATION_HAS_GRANT));
            }
          }
          const std::string id = NewResourceId();
          created.set_name("grants/" + id);
          *created.mutable_participant() = g.participant();
          created.set_agreement(g.agreement());
          created.set_condition_id(g.condition_id());
          created.set_application(g.application());
          created.set_budget(g.budget());
          created.set_institution(budget->budget.institution());
          *created.mutable_quote() = *quote;
          // As quoted; reads recompute it from the rows' current state.
          for (const auto& rate : quote->applied_rates()) {
            if (rate.needs_confirmation())
              created.add_unconfirmed_rates(rate.name());
          }
          created.set_state(v1::Grant::CALCULATED);
          created.set_zero_grant(request.calculation().zero_grant());
          *created.mutable_paid() = Euros(0);
          *created.mutable_create_time() = ToTimestamp(Now());
          *created.mutable_update_time() = created.create_time();
          created.set_etag(Etag(created.name(), 1));
          MOBILITY_RETURN_IF_ERROR(store.InsertGrant(id, budget_id, created));
          if (!g.application().empty()) {
            MOBILITY_RETURN_IF_ERROR(
                store.SetApplicationGrant(g.application(), id));
          }
          return absl::OkStatus();
        });
  });
  if (!status.ok()) return status;
  return created;
}

void Grants::GetGrant(const v1::GetGrantRequest& request,
                      const CallContext& call, Then<v1::Grant> reply) {
  auto id = ParseResourceName("name", request.name(), "grants");
  if (!id.ok()) return reply(id.status());
  reads_->GetGrant(
      call.limit, *id,
      [&call, reply = std::move(reply)](absl::StatusOr<v1::Grant> grant) {
        if (!grant.ok()) return reply(grant.status());
        // A caller learns nothing about grants that are not theirs
        // to see, not even that they exist: NOT_FOUND either way.
        if (auto s = CheckReader(*grant, call.principal); !s.ok())
          return reply(s);
        reply(*std::move(grant));
      });
}

void Grants::ListGrants(const v1::ListGrantsRequest& request,
                        const CallContext& call,
                        Then<Encoded<v1::ListGrantsResponse>> reply) {
  auto page_size = EffectivePageSize(request.page_size());
  if (!page_size.ok()) return reply(page_size.status());
  GrantsStore::GrantFilter filter;
  if (!request.budget().empty()) {
    auto budget = ParseResourceName("budget", request.budget(), "budgets");
    if (!budget.ok()) return reply(budget.status());
    filter.budget_id = *budget;
  }
  if (request.state() != v1::Grant::STATE_UNSPECIFIED) {
    if (!v1::Grant::State_IsValid(request.state())) {
      return reply(InvalidField("state", Text(common_words::A_STATE)));
    }
    filter.state = v1::Grant::State_Name(request.state());
  }
  // Filtered in SQL: an office lists its institution's grants, a participant
  // their own.
  const Principal& caller = call.principal;
  if (caller.IsOfficeOf(caller.institution)) {
    filter.institution = caller.institution;
  } else if (!caller.IsInternal()) {
    filter.participant_reference = caller.subject;
  }
  const std::string query =
      absl::StrCat("grants?budget=", filter.budget_id, "&state=", filter.state,
                   "&participant=", filter.participant_reference,
                   "&institution=", filter.institution);
  auto after = DecodePageToken(request.page_token(), query);
  if (!after.ok()) return reply(after.status());
  // One row more than the page tells whether another page follows.
  reads_->ListGrants(
      call.limit, filter, *after, *page_size + 1,
      [page_size = *page_size, query, reply = std::move(reply)](
          absl::StatusOr<std::vector<EncodedGrant>> rows) {
        if (!rows.ok()) return reply(rows.status());
        Encoded<v1::ListGrantsResponse> response;
        const std::string next = TakePage(
            *rows, page_size, query,
            [&](EncodedGrant g) {
              wire::AppendLengthDelimited(
                  &response.bytes, v1::ListGrantsResponse::kGrantsFieldNumber,
                  g.bytes);
            },
            [](const EncodedGrant& g) { return g.id; });
        if (!next.empty()) {
          wire::AppendLengthDelimited(
              &response.bytes,
              v1::ListGrantsResponse::kNextPageTokenFieldNumber, next);
        }
        reply(std::move(response));
      });
}

template <typename Request>
absl::StatusOr<v1::Grant> Grants::ChangeGrant(absl::string_view method,
                                              const Request& request,
                                              const CallContext& call,
                                              const GrantChange& change) {
  auto id = ParseResourceName("name", request.name(), "grants");
  if (!id.ok()) return id.status();
  if (auto s = ValidateRequestId("request_id", request.request_id()); !s.ok())
    return s;
  v1::Grant changed;
  absl::Status status = store_->Transact(call.limit, [&](GrantsStore& store) {
    return RunIdempotent(store, method, call.principal, request.request_id(),
                         request, &changed, [&]() -> absl::Status {
                           return ChangeInStore(store, method, *id,
                                                call.principal, change,
                                                &changed);
                         });
  });
  if (!status.ok()) return status;
  return changed;
}

absl::Status Grants::ChangeInStore(GrantsStore& store, absl::string_view method,
                                   const std::string& id,
                                   const Principal& caller,
                                   const GrantChange& change,
                                   v1::Grant* changed) {
  auto current = store.GetGrant(id, /*for_update=*/true);
  if (!current.ok()) return current.status();
  if (auto s = CheckHandler(method, *current, caller); !s.ok()) return s;
  *changed = *std::move(current);
  if (auto s = change(store, id, *changed); !s.ok()) return s;
  MOBILITY_ASSIGN_OR_RETURN(const auto payments, store.Payments(id));
  *changed->mutable_paid() = Euros(Total(LedgerSum(payments)));
  *changed->mutable_update_time() = ToTimestamp(Now());
  changed->set_etag(Etag(changed->name(), ToMicros(changed->update_time())));
  return store.SaveGrant(id, *changed);
}

absl::StatusOr<v1::Grant> Grants::AgreeGrant(
    const v1::AgreeGrantRequest& request, const CallContext& call) {
  Violations violations;
  // Signed by now: on the institution's own day, not UTC's.
  const absl::CivilDay today = LocalDay(Now());
  for (const auto& [field, date] :
       {std::pair<const char*, const mobility::type::v1::Date*>{
            "participant_signed_date", &request.participant_signed_date()},
        {"institution_signed_date", &request.institution_signed_date()}}) {
    if (!IsValidDate(*date)) {
      violations.Add(field, Text(words::SIGNATURE_DATE));
    } else if (ToCivilDay(*date) > today) {
      violations.Add(field, Text(common_words::NOT_IN_FUTURE));
    }
  }
  if (!violations.empty()) return violations.ToStatus("INVALID_SIGNATURES");
  return ChangeGrant(
      "AgreeGrant", request, call,
      [&](GrantsStore& store, const std::string&,
          v1::Grant& grant) -> absl::Status {
        if (grant.state() != v1::Grant::CALCULATED)
          return WrongState(grant, "CALCULATED");
        // The budget row lock makes concurrent agreements on one budget take
        // turns.
        auto budget = store.GetBudget(ResourceIdOf(grant.budget()),
                                      /*for_update=*/true);
        if (!budget.ok()) return budget.status();
        const HeadingCents committed =
            Plus(budget->committed, Commitment(grant, budget->budget));
        if (auto s = CheckRoom(*budget, committed); !s.ok()) return s;
        MOBILITY_RETURN_IF_ERROR(
            store.SetCommitted(ResourceIdOf(grant.budget()), committed));
        *grant.mutable_participant_signed_date() =
            request.participant_signed_date();
        *grant.mutable_institution_signed_date() =
            request.institution_signed_date();
        grant.set_state(v1::Grant::AGREED);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Grant> Grants::PrefinanceGrant(
    const v1::PrefinanceGrantRequest& request, const CallContext& call) {
  return ChangeGrant(
      "PrefinanceGrant", request, call,
      [&](GrantsStore& store, const std::string& id,
          v1::Grant& grant) -> absl::Status {
        if (grant.state() != v1::Grant::AGREED)
          return WrongState(grant, "AGREED");
        if (grant.zero_grant()) {
          return Error(absl::StatusCode::kFailedPrecondition, "ZERO_GRANT",
                       Text(words::ZERO_GRANT));
        }
        auto budget = store.GetBudget(ResourceIdOf(grant.budget()),
                                      /*for_update=*/false);
        if (!budget.ok()) return budget.status();
        const int percent = budget->budget.prefinancing_percent();
        const HeadingCents agreed = QuoteHeadings(grant.quote());
        // Each heading's share rounded once, so the entry's split adds up to
        // its amount exactly.
        const HeadingCents share = {
            DivideRoundHalfUp(agreed.travel * percent, 100),
            DivideRoundHalfUp(agreed.individual * percent, 100), 0,
            DivideRoundHalfUp(agreed.inclusion * percent, 100)};
        MOBILITY_ASSIGN_OR_RETURN(const auto payments, store.Payments(id));
        if (auto s = CheckLedger(Total(LedgerSum(payments)) + Total(share),
                                 GrantAmount(grant));
            !s.ok()) {
          return s;
        }
        const absl::CivilDay signed_on =
            std::max(ToCivilDay(grant.participant_signed_date()),
                     ToCivilDay(grant.institution_signed_date()));
        // Signed after the start: due at once, never before the signature.
        const absl::CivilDay due = std::max(
            signed_on,
            std::min(signed_on + kPrefinancingDays,
                     ToCivilDay(grant.quote().request().start_date())));
        MOBILITY_RETURN_IF_ERROR(store
                                     .AppendPayment(id,
                                                    v1::Payment::PREFINANCING,
                                                    share, due, 0, Now())
                                     .status());
        grant.set_state(v1::Grant::PREFINANCED);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Grant> Grants::SettleGrant(
    const v1::SettleGrantRequest& request, const CallContext& call) {
  Violations violations;
  for (const auto& [field, date] :
       {std::pair<const char*, const mobility::type::v1::Date*>{
            "actual_start_date", &request.actual_start_date()},
        {"actual_end_date", &request.actual_end_date()},
        {"final_report_date", &request.final_report_date()}}) {
    if (!IsValidDate(*date))
      violations.Add(field, Text(common_words::CALENDAR_DATE));
  }
  if (violations.empty() && ToCivilDay(request.actual_end_date()) <
                                ToCivilDay(request.actual_start_date())) {
    violations.Add("actual_end_date", Text(words::ACTUAL_END_BEFORE_START));
  }
  const bool force_majeure = request.has_force_majeure();
  if (force_majeure) {
    CheckText(request.force_majeure().decision_reference(),
              "force_majeure.decision_reference", violations);
    if (!IsValidDate(request.force_majeure().decision_date())) {
      violations.Add("force_majeure.decision_date", Text(words::DECISION_DATE));
    }
  }
  if (!violations.empty()) return violations.ToStatus("INVALID_SETTLEMENT");
  return ChangeGrant(
      "SettleGrant", request, call,
      [&](GrantsStore& store, const std::string& id,
          v1::Grant& grant) -> absl::Status {
        if (grant.state() != v1::Grant::AGREED &&
            grant.state() != v1::Grant::PREFINANCED) {
          return WrongState(grant, "AGREED or PREFINANCED");
        }
        auto final_quote =
            SettleQuote(grant.quote(), ToCivilDay(request.actual_start_date()),
                        ToCivilDay(request.actual_end_date()), force_majeure);
        if (!final_quote.ok()) return final_quote.status();
        if (force_majeure) {
          v1::ForceMajeure* record = grant.mutable_force_majeure();
          *record = request.force_majeure();
          record->set_recorded_by(call.principal.subject);
          *record->mutable_record_time() = ToTimestamp(Now());
        }
        const HeadingCents final_amounts = QuoteHeadings(*final_quote);
        MOBILITY_ASSIGN_OR_RETURN(const auto payments, store.Payments(id));
        const HeadingCents paid = LedgerSum(payments);
        const HeadingCents due = Plus(final_amounts, paid, -1);
        if (due.travel != 0 || due.individual != 0 || due.inclusion != 0) {
          MOBILITY_RETURN_IF_ERROR(
              store
                  .AppendPayment(
                      id,
                      Total(due) < 0 ? v1::Payment::RECOVERY
                                     : v1::Payment::BALANCE,
                      due,
                      ToCivilDay(request.final_report_date()) + kBalanceDays, 0,
                      Now())
                  .status());
        }
        // The commitment shrinks to what the real stay earned.
        const std::string budget_id = ResourceIdOf(grant.budget());
        auto budget = store.GetBudget(budget_id, /*for_update=*/true);
        if (!budget.ok()) return budget.status();
        MOBILITY_RETURN_IF_ERROR(store.SetCommitted(
            budget_id,
            Plus(budget->committed,
                 Plus(QuoteHeadings(grant.quote()), final_amounts, -1), -1)));
        *grant.mutable_final_quote() = *std::move(final_quote);
        grant.set_state(v1::Grant::SETTLED);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Grant> Grants::CancelGrant(
    const v1::CancelGrantRequest& request, const CallContext& call) {
  const bool closing = !request.application().empty();
  // Nothing paid yet: an agreed grant gives its commitment back.
  const GrantChange cancel = [&](GrantsStore& store, const std::string&,
                                 v1::Grant& grant) -> absl::Status {
    if (closing && grant.state() == v1::Grant::CANCELLED)
      return absl::OkStatus();
    if (grant.state() == v1::Grant::AGREED) {
      const std::string budget_id = ResourceIdOf(grant.budget());
      auto budget = store.GetBudget(budget_id, /*for_update=*/true);
      if (!budget.ok()) return budget.status();
      MOBILITY_RETURN_IF_ERROR(store.SetCommitted(
          budget_id,
          Plus(budget->committed, Commitment(grant, budget->budget), -1)));
    } else if (grant.state() != v1::Grant::CALCULATED) {
      return WrongState(grant, "CALCULATED or AGREED (nothing paid yet)");
    }
    grant.set_state(v1::Grant::CANCELLED);
    return absl::OkStatus();
  };
  if (!closing) return ChangeGrant("CancelGrant", request, call, cancel);

  // An application that ended: closed here first, so that a CreateGrant for
  // it still on its way finds it closed, then its grant cancelled if made.
  if (!call.principal.IsInternal()) {
    return Error(absl::StatusCode::kPermissionDenied, "GRANT_OF_A_SELECTION",
                 Text(words::GRANT_OF_A_SELECTION));
  }
  Violations violations;
  if (!ParseResourceName("", request.application(), "applications").ok()) {
    violations.Add("application", Text(common_words::RESOURCE_NAME,
                                       {{"collection", "applications"}}));
  }
  if (!request.name().empty() &&
      !ParseResourceName("", request.name(), "grants").ok()) {
    violations.Add("name", Text(words::GRANT_NAME));
  }
  if (!ValidateRequestId("request_id", request.request_id()).ok())
    violations.Add("request_id", Text(common_words::REQUEST_ID));
  if (!violations.empty()) return violations.ToStatus("INVALID_REQUEST");
  v1::Grant closed;
  absl::Status status = store_->Transact(call.limit, [&](GrantsStore& store) {
    return RunIdempotent(
        store, "CancelGrant", call.principal, request.request_id(), request,
        &closed, [&]() -> absl::Status {
          MOBILITY_ASSIGN_OR_RETURN(
              auto held, store.LockApplicationGrant(request.application()));
          MOBILITY_RETURN_IF_ERROR(
              store.CloseApplication(request.application(), Now()));
          // Grants made before this table knew them are named by the caller.
          const std::string id = request.name().empty()
                                     ? held.grant_id
                                     : ResourceIdOf(request.name());
          if (id.empty()) {
            closed.set_application(request.application());
            return absl::OkStatus();
          }
          MOBILITY_RETURN_IF_ERROR(ChangeInStore(
              store, "CancelGrant", id, call.principal, cancel, &closed));
          if (closed.application() != request.application()) {
            return InvalidField("name",
                                Text(words::NOT_THE_APPLICATIONS_GRANT));
          }
          return absl::OkStatus();
        });
  });
  if (!status.ok()) return status;
  return closed;
}

}  // namespace mobility::grants
