#include "services/grants/grants.h"

#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api.h"
#include "common/idempotency.h"
#include "common/status.h"
#include "common/types.h"
#include "services/grants/grant_math.h"
#include "services/grants/grant_rules.h"
#include "services/grants/grants_store.h"

namespace mobility::grants {
namespace {

using Store = GrantsStore;

// Pre-financing is due within 30 days of both signatures and no later than the
// start; the balance within 45 days of the final report.
constexpr int kPrefinancingDays = 30;
constexpr int kBalanceDays = 45;
constexpr size_t kMaxText = 200;

// Applicants see only the grants whose participant reference is their own
// subject.
absl::Status CheckReader(const v1::Grant& grant, const Principal& caller) {
  if (caller.IsStaff() || grant.participant().reference() == caller.subject) {
    return absl::OkStatus();
  }
  return Error(absl::StatusCode::kPermissionDenied, "NOT_YOUR_GRANT",
               "applicants may read only their own grants");
}

HeadingCents QuoteHeadings(const v1::GrantQuote& quote) {
  return {HeadingTotal(quote, v1::LineItem::TRAVEL),
          HeadingTotal(quote, v1::LineItem::INDIVIDUAL_SUPPORT), 0,
          HeadingTotal(quote, v1::LineItem::INCLUSION_SUPPORT)};
}

HeadingCents Plus(HeadingCents a, const HeadingCents& b, int sign = 1) {
  a.travel += sign * b.travel;
  a.individual += sign * b.individual;
  a.organisational += sign * b.organisational;
  a.inclusion += sign * b.inclusion;
  return a;
}

int64_t Total(const HeadingCents& h) {
  return h.travel + h.individual + h.organisational + h.inclusion;
}

// What agreeing the grant commits: its own amounts and the organisational
// support per participant.
HeadingCents Commitment(const v1::Grant& grant, const v1::Budget& budget) {
  HeadingCents c = QuoteHeadings(grant.quote());
  c.organisational =
      budget.organisational_support_per_participant().amount_minor();
  return c;
}

absl::Status CheckRoom(const BudgetRow& row, const HeadingCents& committed) {
  const auto& allocated = row.budget.allocated();
  const std::pair<const char*, std::pair<int64_t, int64_t>> headings[] = {
      {"travel", {committed.travel, allocated.travel().amount_minor()}},
      {"individual support",
       {committed.individual, allocated.individual_support().amount_minor()}},
      {"organisational support",
       {committed.organisational,
        allocated.organisational_support().amount_minor()}},
      {"inclusion support",
       {committed.inclusion, allocated.inclusion_support().amount_minor()}},
  };
  for (const auto& [name, amounts] : headings) {
    if (amounts.first > amounts.second) {
      return Error(
          absl::StatusCode::kFailedPrecondition, "BUDGET_EXCEEDED",
          absl::StrCat("the budget's ", name, " heading would be exceeded: ",
                       FormatCents(amounts.first), " EUR committed of ",
                       FormatCents(amounts.second), " EUR allocated"));
    }
  }
  return absl::OkStatus();
}

// The ledger never pays out more than the grant, nor takes back more than was
// paid.
absl::Status CheckLedger(int64_t ledger_sum, int64_t grant_total) {
  if (ledger_sum < 0 || ledger_sum > grant_total) {
    return Error(
        absl::StatusCode::kFailedPrecondition, "LEDGER_OUT_OF_BOUNDS",
        absl::StrCat("paid and pending would be ", FormatCents(ledger_sum),
                     " EUR, outside 0 to the grant's ",
                     FormatCents(grant_total), " EUR"));
  }
  return absl::OkStatus();
}

HeadingCents LedgerSum(const std::vector<PaymentRow>& payments) {
  HeadingCents sum;
  for (const auto& p : payments) sum = Plus(sum, p.split);
  return sum;
}

// Amount the grant currently stands at: the settled amount once settled.
int64_t GrantAmount(const v1::Grant& grant) {
  return grant.has_final_quote() ? grant.final_quote().total().amount_minor()
                                 : grant.quote().total().amount_minor();
}

absl::Status WrongState(const v1::Grant& grant, absl::string_view wanted) {
  return Error(
      absl::StatusCode::kFailedPrecondition, "WRONG_GRANT_STATE",
      absl::StrCat("the grant is ", v1::Grant::State_Name(grant.state()),
                   "; this needs ", wanted));
}

void CheckText(const std::string& value, const std::string& field,
               Violations& v) {
  if (value.empty()) {
    v.Add(field, "is required");
  } else if (value.size() > kMaxText) {
    v.Add(field, absl::StrCat("must be at most ", kMaxText, " characters"));
  }
}

void CheckEuros(const mobility::type::v1::Money& money,
                const std::string& field, Violations& v) {
  if (money.currency_code() != "EUR" || money.amount_minor() < 0 ||
      money.amount_minor() > kMaxCents) {
    v.Add(field, absl::StrCat("must be an amount in EUR cents from 0 to ",
                              FormatCents(kMaxCents), " EUR"));
  }
}

// Quotes a CSV field and neutralizes spreadsheet formulas (a spreadsheet
// reads a leading tab or carriage return as the start of one too).
std::string CsvField(std::string value) {
  if (!value.empty() &&
      std::string("=+-@\t\r").find(value[0]) != std::string::npos) {
    value = "'" + value;
  }
  if (value.find_first_of(",\"\n\r") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  return quoted + "\"";
}

}  // namespace

absl::Time Grants::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_()));
}

absl::StatusOr<v1::GrantQuote> Grants::Quote(
    const v1::CalculateGrantRequest& request, const std::string& prefix,
    const CallContext& call) {
  auto ends = agreements_->FindInstitutions(
      request.sending_institution(), prefix + "sending_institution",
      request.receiving_institution(), prefix + "receiving_institution", call);
  if (!ends.ok()) return ends.status();
  auto route = RouteBetween(request, ends->first, ends->second);
  if (!route.ok()) return route.status();
  auto rates = db_->ReadValue(
      call.limit,
      [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<v1::Rate>> {
        return Store::RatesForCall(txn, request.programme(),
                                   request.call_year());
      });
  if (!rates.ok()) return rates.status();
  return PriceMobility(request, *route, *rates,
                       /*enforce_duration_limits=*/true);
}

absl::StatusOr<v1::GrantQuote> Grants::CalculateGrant(
    const v1::CalculateGrantRequest& request, const CallContext& call) {
  Violations violations;
  ValidateCalculation(request, "", violations);
  if (!violations.empty()) return violations.ToStatus("INVALID_CALCULATION");
  return Quote(request, "", call);
}

absl::StatusOr<v1::Grant> Grants::CreateGrant(
    const v1::CreateGrantRequest& request, const CallContext& call) {
  const v1::Grant& g = request.grant();
  Violations violations;
  CheckText(g.participant().full_name(), "grant.participant.full_name",
            violations);
  CheckText(g.participant().reference(), "grant.participant.reference",
            violations);
  if (!ParseResourceName("", g.agreement(), "agreements").ok()) {
    violations.Add("grant.agreement",
                   "must be an agreement name \"agreements/{id}\"");
  }
  CheckText(g.condition_id(), "grant.condition_id", violations);
  if (!g.application().empty() &&
      !ParseResourceName("", g.application(), "applications").ok()) {
    violations.Add("grant.application",
                   "must be an application name \"applications/{id}\"");
  }
  if (!ParseResourceName("", g.budget(), "budgets").ok()) {
    violations.Add("grant.budget", "must be a budget name \"budgets/{id}\"");
  }
  ValidateCalculation(request.calculation(), "calculation", violations);
  if (!ValidateRequestId("request_id", request.request_id()).ok()) {
    violations.Add("request_id", "must be a UUID");
  }
  if (!violations.empty()) return violations.ToStatus("INVALID_GRANT");

  auto condition = agreements_->FindCondition(g.agreement(), g.condition_id(),
                                              "grant.condition_id", call);
  if (!condition.ok()) return condition.status();
  CheckAgainstCondition(request.calculation(), *condition, "calculation",
                        violations);
  if (!violations.empty())
    return violations.ToStatus("GRANT_OUTSIDE_CONDITION");
  auto quote = Quote(request.calculation(), "calculation.", call);
  if (!quote.ok()) return quote.status();

  v1::Grant created;
  absl::Status status = db_->Transact(call.limit, [&](pqxx::transaction_base& txn) {
    return RunIdempotent(
        txn, "CreateGrant", request.request_id(), request, &created,
        [&]() -> absl::Status {
          const std::string budget_id = ResourceIdOf(g.budget());
          auto budget = Store::GetBudget(txn, budget_id, /*for_update=*/false);
          if (!budget.ok())
            return InvalidField("grant.budget", "no such budget");
          if (budget->budget.programme() != request.calculation().programme() ||
              budget->budget.call_year() != request.calculation().call_year()) {
            return InvalidField(
                "calculation.call_year",
                absl::StrCat("the budget is for ",
                             v1::Programme_Name(budget->budget.programme()),
                             " call ", budget->budget.call_year()));
          }
          const std::string id = NewResourceId();
          created.set_name("grants/" + id);
          *created.mutable_participant() = g.participant();
          created.set_agreement(g.agreement());
          created.set_condition_id(g.condition_id());
          created.set_application(g.application());
          created.set_budget(g.budget());
          *created.mutable_quote() = *quote;
          created.set_state(v1::Grant::CALCULATED);
          created.set_zero_grant(request.calculation().zero_grant());
          *created.mutable_paid() = Euros(0);
          *created.mutable_create_time() = ToTimestamp(Now());
          *created.mutable_update_time() = created.create_time();
          created.set_etag(Etag(created.name(), 1));
          Store::InsertGrant(txn, id, budget_id, created);
          return absl::OkStatus();
        });
  });
  if (!status.ok()) return status;
  return created;
}

absl::StatusOr<v1::Grant> Grants::GetGrant(const v1::GetGrantRequest& request,
                                           const CallContext& call) {
  auto id = ParseResourceName("name", request.name(), "grants");
  if (!id.ok()) return id.status();
  v1::Grant found;
  absl::Status status = db_->Read(call.limit, [&](pqxx::transaction_base& txn) -> absl::Status {
    auto grant = Store::GetGrant(txn, *id, /*for_update=*/false);
    // An applicant learns nothing about grants that are not theirs, not even
    // that they exist.
    if (!grant.ok() && !call.principal.IsStaff()) {
      return CheckReader(v1::Grant(), call.principal);
    }
    if (!grant.ok()) return grant.status();
    found = *std::move(grant);
    return CheckReader(found, call.principal);
  });
  if (!status.ok()) return status;
  return found;
}

absl::StatusOr<v1::ListGrantsResponse> Grants::ListGrants(
    const v1::ListGrantsRequest& request, const CallContext& call) {
  auto page_size = EffectivePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  Store::GrantFilter filter;
  if (!request.budget().empty()) {
    auto budget = ParseResourceName("budget", request.budget(), "budgets");
    if (!budget.ok()) return budget.status();
    filter.budget_id = *budget;
  }
  if (request.state() != v1::Grant::STATE_UNSPECIFIED) {
    if (!v1::Grant::State_IsValid(request.state())) {
      return InvalidField("state", "must be a grant state");
    }
    filter.state = v1::Grant::State_Name(request.state());
  }
  if (!call.principal.IsStaff())
    filter.participant_reference = call.principal.subject;
  const std::string query =
      absl::StrCat("grants?budget=", filter.budget_id, "&state=", filter.state,
                   "&participant=", filter.participant_reference);
  auto after = DecodePageToken(request.page_token(), query);
  if (!after.ok()) return after.status();
  auto rows = db_->ReadValue(
      call.limit,
      [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<v1::Grant>> {
        return Store::ListGrants(txn, filter, *after, *page_size + 1);
      });
  if (!rows.ok()) return rows.status();
  v1::ListGrantsResponse response;
  response.set_next_page_token(TakePage(
      *rows, *page_size, query,
      [&](v1::Grant g) { *response.add_grants() = std::move(g); },
      [](const v1::Grant& g) { return ResourceIdOf(g.name()); }));
  return response;
}

template <typename Request>
absl::StatusOr<v1::Grant> Grants::ChangeGrant(
    absl::string_view method, const Request& request, const CallContext& call,
    const std::function<absl::Status(pqxx::transaction_base&,
                                     const std::string&, v1::Grant&)>& change) {
  auto id = ParseResourceName("name", request.name(), "grants");
  if (!id.ok()) return id.status();
  if (auto s = ValidateRequestId("request_id", request.request_id()); !s.ok())
    return s;
  v1::Grant changed;
  absl::Status status = db_->Transact(call.limit, [&](pqxx::transaction_base& txn) {
    return RunIdempotent(
        txn, method, request.request_id(), request, &changed,
        [&]() -> absl::Status {
          auto current = Store::GetGrant(txn, *id, /*for_update=*/true);
          if (!current.ok()) return current.status();
          changed = *std::move(current);
          if (auto s = change(txn, *id, changed); !s.ok()) return s;
          *changed.mutable_paid() =
              Euros(Total(LedgerSum(Store::Payments(txn, *id))));
          *changed.mutable_update_time() = ToTimestamp(Now());
          changed.set_etag(
              Etag(changed.name(), ToMicros(changed.update_time())));
          Store::SaveGrant(txn, *id, changed);
          return absl::OkStatus();
        });
  });
  if (!status.ok()) return status;
  return changed;
}

absl::StatusOr<v1::Grant> Grants::AgreeGrant(
    const v1::AgreeGrantRequest& request,
    const CallContext& call) {
  Violations violations;
  if (!IsValidDate(request.participant_signed_date())) {
    violations.Add("participant_signed_date",
                   "must be the calendar date of the signature");
  }
  if (!IsValidDate(request.institution_signed_date())) {
    violations.Add("institution_signed_date",
                   "must be the calendar date of the signature");
  }
  if (!violations.empty()) return violations.ToStatus("INVALID_SIGNATURES");
  return ChangeGrant("AgreeGrant", request, call,
      [&](pqxx::transaction_base& txn, const std::string&,
          v1::Grant& grant) -> absl::Status {
        if (grant.state() != v1::Grant::CALCULATED)
          return WrongState(grant, "CALCULATED");
        // The budget row lock makes concurrent agreements on one budget take
        // turns.
        auto budget = Store::GetBudget(txn, ResourceIdOf(grant.budget()),
                                       /*for_update=*/true);
        if (!budget.ok()) return budget.status();
        const HeadingCents committed =
            Plus(budget->committed, Commitment(grant, budget->budget));
        if (auto s = CheckRoom(*budget, committed); !s.ok()) return s;
        Store::SetCommitted(txn, ResourceIdOf(grant.budget()), committed);
        *grant.mutable_participant_signed_date() =
            request.participant_signed_date();
        *grant.mutable_institution_signed_date() =
            request.institution_signed_date();
        grant.set_state(v1::Grant::AGREED);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Grant> Grants::PrefinanceGrant(
    const v1::PrefinanceGrantRequest& request,
    const CallContext& call) {
  return ChangeGrant("PrefinanceGrant", request, call,
      [&](pqxx::transaction_base& txn, const std::string& id,
          v1::Grant& grant) -> absl::Status {
        if (grant.state() != v1::Grant::AGREED)
          return WrongState(grant, "AGREED");
        if (grant.zero_grant()) {
          return Error(
              absl::StatusCode::kFailedPrecondition, "ZERO_GRANT",
              "a zero-grant mobility has nothing to pre-finance; settle it");
        }
        auto budget = Store::GetBudget(txn, ResourceIdOf(grant.budget()),
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
        const auto payments = Store::Payments(txn, id);
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
        Store::AppendPayment(txn, id, v1::Payment::PREFINANCING, share, due, 0,
                             Now());
        grant.set_state(v1::Grant::PREFINANCED);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Grant> Grants::SettleGrant(
    const v1::SettleGrantRequest& request,
    const CallContext& call) {
  Violations violations;
  for (const auto& [field, date] :
       {std::pair<const char*, const mobility::type::v1::Date*>{
            "actual_start_date", &request.actual_start_date()},
        {"actual_end_date", &request.actual_end_date()},
        {"final_report_date", &request.final_report_date()}}) {
    if (!IsValidDate(*date)) violations.Add(field, "must be a calendar date");
  }
  if (violations.empty() && ToCivilDay(request.actual_end_date()) <
                                ToCivilDay(request.actual_start_date())) {
    violations.Add("actual_end_date", "must not come before actual_start_date");
  }
  if (!violations.empty()) return violations.ToStatus("INVALID_SETTLEMENT");
  return ChangeGrant("SettleGrant", request, call,
      [&](pqxx::transaction_base& txn, const std::string& id,
          v1::Grant& grant) -> absl::Status {
        if (grant.state() != v1::Grant::AGREED &&
            grant.state() != v1::Grant::PREFINANCED) {
          return WrongState(grant, "AGREED or PREFINANCED");
        }
        auto final_quote =
            SettleQuote(grant.quote(), ToCivilDay(request.actual_start_date()),
                        ToCivilDay(request.actual_end_date()));
        if (!final_quote.ok()) return final_quote.status();
        const HeadingCents final_amounts = QuoteHeadings(*final_quote);
        const HeadingCents paid = LedgerSum(Store::Payments(txn, id));
        const HeadingCents due = Plus(final_amounts, paid, -1);
        if (due.travel != 0 || due.individual != 0 || due.inclusion != 0) {
          Store::AppendPayment(
              txn, id,
              Total(due) < 0 ? v1::Payment::RECOVERY : v1::Payment::BALANCE,
              due, ToCivilDay(request.final_report_date()) + kBalanceDays, 0,
              Now());
        }
        // The commitment shrinks to what the real stay earned.
        const std::string budget_id = ResourceIdOf(grant.budget());
        auto budget = Store::GetBudget(txn, budget_id, /*for_update=*/true);
        if (!budget.ok()) return budget.status();
        Store::SetCommitted(
            txn, budget_id,
            Plus(budget->committed,
                 Plus(QuoteHeadings(grant.quote()), final_amounts, -1), -1));
        *grant.mutable_final_quote() = *std::move(final_quote);
        grant.set_state(v1::Grant::SETTLED);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Grant> Grants::CancelGrant(
    const v1::CancelGrantRequest& request,
    const CallContext& call) {
  return ChangeGrant("CancelGrant", request, call,
      [&](pqxx::transaction_base& txn, const std::string&,
          v1::Grant& grant) -> absl::Status {
        if (grant.state() == v1::Grant::AGREED) {
          const std::string budget_id = ResourceIdOf(grant.budget());
          auto budget = Store::GetBudget(txn, budget_id, /*for_update=*/true);
          if (!budget.ok()) return budget.status();
          Store::SetCommitted(
              txn, budget_id,
              Plus(budget->committed, Commitment(grant, budget->budget), -1));
        } else if (grant.state() != v1::Grant::CALCULATED) {
          return WrongState(grant, "CALCULATED or AGREED (nothing paid yet)");
        }
        grant.set_state(v1::Grant::CANCELLED);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::ListPaymentsResponse> Grants::ListPayments(
    const v1::ListPaymentsRequest& request, const CallContext& call) {
  auto id = ParseResourceName("parent", request.parent(), "grants");
  if (!id.ok()) return id.status();
  return db_->TransactValue(
      call.limit,
      [&](pqxx::transaction_base& txn)
          -> absl::StatusOr<v1::ListPaymentsResponse> {
    auto grant = Store::GetGrant(txn, *id, /*for_update=*/false);
    if (!grant.ok())
      return call.principal.IsStaff()
                 ? grant.status()
                 : CheckReader(v1::Grant(), call.principal);
    if (auto s = CheckReader(*grant, call.principal); !s.ok()) return s;
    v1::ListPaymentsResponse response;
    for (auto& p : Store::Payments(txn, *id))
      *response.add_payments() = std::move(p.payment);
    return response;
  });
}

absl::StatusOr<v1::Payment> Grants::ReversePayment(
    const v1::ReversePaymentRequest& request,
    const CallContext& call) {
  std::vector<std::string> parts = absl::StrSplit(request.name(), '/');
  int seq = 0;
  if (parts.size() != 4 || parts[0] != "grants" || parts[2] != "payments" ||
      !ParseResourceName("", "grants/" + parts[1], "grants").ok() ||
      !absl::SimpleAtoi(parts[3], &seq) || seq < 1) {
    return InvalidField("name",
                        "must be \"grants/{grant}/payments/{payment}\"");
  }
  if (auto s = ValidateRequestId("request_id", request.request_id()); !s.ok())
    return s;
  const std::string grant_id = parts[1];
  v1::Payment reversal;
  absl::Status status = db_->Transact(call.limit, [&](pqxx::transaction_base& txn) {
    return RunIdempotent(
        txn, "ReversePayment", request.request_id(), request, &reversal,
        [&]() -> absl::Status {
          auto grant = Store::GetGrant(txn, grant_id, /*for_update=*/true);
          if (!grant.ok()) return grant.status();
          const auto payments = Store::Payments(txn, grant_id);
          auto it =
              std::find_if(payments.begin(), payments.end(),
                           [&](const PaymentRow& p) { return p.seq == seq; });
          if (it == payments.end()) {
            return Error(absl::StatusCode::kNotFound, "PAYMENT_NOT_FOUND",
                         absl::StrCat("no payment ", request.name()));
          }
          if (it->payment.kind() == v1::Payment::REVERSAL || it->reversed) {
            return Error(
                absl::StatusCode::kFailedPrecondition, "NOT_REVERSIBLE",
                "a reversal, or an entry already reversed, cannot be reversed");
          }
          const HeadingCents opposite = Plus(HeadingCents(), it->split, -1);
          if (auto s = CheckLedger(Total(LedgerSum(payments)) + Total(opposite),
                                   GrantAmount(*grant));
              !s.ok()) {
            return s;
          }
          const absl::Time now = Now();
          reversal = Store::AppendPayment(
                         txn, grant_id, v1::Payment::REVERSAL, opposite,
                         absl::ToCivilDay(now, absl::UTCTimeZone()), seq, now)
                         .payment;
          *grant->mutable_paid() =
              Euros(Total(LedgerSum(payments)) + Total(opposite));
          Store::SaveGrant(txn, grant_id, *grant);
          return absl::OkStatus();
        });
  });
  if (!status.ok()) return status;
  return reversal;
}

absl::StatusOr<v1::Budget> Grants::CreateBudget(
    const v1::CreateBudgetRequest& request,
    const CallContext& call) {
  const v1::Budget& b = request.budget();
  Violations violations;
  CheckText(b.reference_number(), "budget.reference_number", violations);
  ValidateProgrammeCall(b.programme(), b.call_year(), "budget.programme",
                        "budget.call_year", violations);
  CheckEuros(b.allocated().travel(), "budget.allocated.travel", violations);
  CheckEuros(b.allocated().individual_support(),
             "budget.allocated.individual_support", violations);
  CheckEuros(b.allocated().organisational_support(),
             "budget.allocated.organisational_support", violations);
  CheckEuros(b.allocated().inclusion_support(),
             "budget.allocated.inclusion_support", violations);
  CheckEuros(b.organisational_support_per_participant(),
             "budget.organisational_support_per_participant", violations);
  if (b.prefinancing_percent() < 70 || b.prefinancing_percent() > 100) {
    violations.Add("budget.prefinancing_percent", "must be between 70 and 100");
  }
  if (!request.budget_id().empty() && !IsValidResourceId(request.budget_id())) {
    violations.Add(
        "budget_id",
        "must be 4-63 characters of [a-z0-9-], starting with a letter");
  }
  if (!ValidateRequestId("request_id", request.request_id()).ok()) {
    violations.Add("request_id", "must be a UUID");
  }
  if (!violations.empty()) return violations.ToStatus("INVALID_BUDGET");
  const std::string id =
      request.budget_id().empty() ? NewResourceId() : request.budget_id();
  v1::Budget created;
  absl::Status status = db_->Transact(call.limit, [&](pqxx::transaction_base& txn) {
    return RunIdempotent(txn, "CreateBudget", request.request_id(), request,
                         &created, [&] {
                           created = b;
                           created.set_name("budgets/" + id);
                           *created.mutable_create_time() = ToTimestamp(Now());
                           Store::InsertBudget(txn, id, created);
                           return absl::OkStatus();
                         });
  });
  if (status.code() == absl::StatusCode::kAlreadyExists) {
    return Error(absl::StatusCode::kAlreadyExists, "BUDGET_EXISTS",
                 "a budget with this id or reference number exists");
  }
  if (!status.ok()) return status;
  return created;
}

absl::StatusOr<v1::Budget> Grants::GetBudget(
    const v1::GetBudgetRequest& request,
    const CallContext& call) {
  auto id = ParseResourceName("name", request.name(), "budgets");
  if (!id.ok()) return id.status();
  v1::Budget found;
  absl::Status status = db_->Read(call.limit, [&](pqxx::transaction_base& txn) -> absl::Status {
    auto row = Store::GetBudget(txn, *id, /*for_update=*/false);
    if (!row.ok()) return row.status();
    found = row->budget;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return found;
}

absl::StatusOr<v1::BudgetReport> Grants::GetBudgetReport(
    const v1::GetBudgetReportRequest& request,
    const CallContext& call) {
  auto id = ParseResourceName("budget", request.budget(), "budgets");
  if (!id.ok()) return id.status();
  // One snapshot for the budget, its payments and its grants.
  return db_->TransactValue(call.limit, [&](pqxx::transaction_base& txn)
                                            -> absl::StatusOr<v1::BudgetReport> {
    v1::BudgetReport report;
    auto row = Store::GetBudget(txn, *id, /*for_update=*/false);
    if (!row.ok()) return row.status();
    const HeadingCents paid = Store::PaidByHeading(txn, *id);
    const auto& allocated = row->budget.allocated();
    const std::tuple<v1::LineItem::Heading, int64_t, int64_t, int64_t>
        headings[] = {
            {v1::LineItem::TRAVEL, allocated.travel().amount_minor(),
             row->committed.travel, paid.travel},
            {v1::LineItem::INDIVIDUAL_SUPPORT,
             allocated.individual_support().amount_minor(),
             row->committed.individual, paid.individual},
            {v1::LineItem::ORGANISATIONAL_SUPPORT,
             allocated.organisational_support().amount_minor(),
             row->committed.organisational, paid.organisational},
            {v1::LineItem::INCLUSION_SUPPORT,
             allocated.inclusion_support().amount_minor(),
             row->committed.inclusion, paid.inclusion},
        };
    report.set_budget(request.budget());
    for (const auto& [heading, allocated_cents, committed_cents, paid_cents] :
         headings) {
      auto* h = report.add_headings();
      h->set_heading(heading);
      *h->mutable_allocated() = Euros(allocated_cents);
      *h->mutable_committed() = Euros(committed_cents);
      *h->mutable_paid() = Euros(paid_cents);
      *h->mutable_remaining() = Euros(allocated_cents - committed_cents);
    }
    report.set_agreed_grants(Store::CountAgreedGrants(txn, *id));
    return report;
  });
}

absl::StatusOr<v1::ExportGrantsResponse> Grants::ExportGrants(
    const v1::ExportGrantsRequest& request,
    const CallContext& call) {
  auto id = ParseResourceName("budget", request.budget(), "budgets");
  if (!id.ok()) return id.status();
  auto csv = db_->TransactValue(call.limit, [&](pqxx::transaction_base& txn)
                                                -> absl::StatusOr<std::string> {
    std::string csv =
        "grant,participant_reference,participant_name,agreement,condition_id,"
        "activity,"
        "start_date,end_date,distance_km,travel_eur,individual_support_eur,"
        "inclusion_support_eur,total_eur,state,zero_grant\n";
    auto budget = Store::GetBudget(txn, *id, /*for_update=*/false);
    if (!budget.ok()) return budget.status();
    Store::GrantFilter filter;
    filter.budget_id = *id;
    std::string after;
    for (;;) {
      auto page = Store::ListGrants(txn, filter, after, kMaxPageSize);
      for (const auto& g : page) {
        const v1::GrantQuote& q =
            g.has_final_quote() ? g.final_quote() : g.quote();
        const HeadingCents h = QuoteHeadings(q);
        std::vector<std::string> fields = {
            g.name(),
            g.participant().reference(),
            g.participant().full_name(),
            g.agreement(),
            g.condition_id(),
            v1::Activity_Name(q.request().activity()),
            FormatDate(q.request().start_date()),
            FormatDate(q.request().end_date()),
            absl::StrCat(q.distance_km()),
            FormatCents(h.travel),
            FormatCents(h.individual),
            FormatCents(h.inclusion),
            FormatCents(q.total().amount_minor()),
            v1::Grant::State_Name(g.state()),
            g.zero_grant() ? "yes" : "no"};
        for (auto& f : fields) f = CsvField(std::move(f));
        absl::StrAppend(&csv, absl::StrJoin(fields, ","), "\n");
      }
      if (static_cast<int>(page.size()) < kMaxPageSize) break;
      after = ResourceIdOf(page.back().name());
    }
    return csv;
  });
  if (!csv.ok()) return csv.status();
  v1::ExportGrantsResponse response;
  response.set_csv(*std::move(csv));
  return response;
}

absl::StatusOr<v1::ListRatesResponse> Grants::ListRates(
    const v1::ListRatesRequest& request,
    const CallContext& call) {
  auto page_size = EffectivePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  if (!v1::Programme_IsValid(request.programme())) {
    return InvalidField("programme", "must be KA107 or KA171");
  }
  const std::string query =
      absl::StrCat("rates?programme=", request.programme(),
                   "&check=", request.needs_confirmation_only());
  auto after = DecodePageToken(request.page_token(), query);
  if (!after.ok()) return after.status();
  auto rows = db_->ReadValue(
      call.limit,
      [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<v1::Rate>> {
        return Store::ListRates(txn, request.programme(),
                                request.needs_confirmation_only(), *after,
                                *page_size + 1);
      });
  if (!rows.ok()) return rows.status();
  v1::ListRatesResponse response;
  response.set_next_page_token(TakePage(
      *rows, *page_size, query,
      [&](v1::Rate r) { *response.add_rates() = std::move(r); },
      [](const v1::Rate& r) { return ResourceIdOf(r.name()); }));
  return response;
}

namespace {

void ValidateRate(const v1::Rate& r, Violations& v) {
  if (r.kind() != v1::Rate::TRAVEL &&
      r.kind() != v1::Rate::INDIVIDUAL_SUPPORT) {
    v.Add("rate.kind", "must be TRAVEL or INDIVIDUAL_SUPPORT");
  }
  ValidateProgrammeCall(r.programme(), r.first_call_year(), "rate.programme",
                        "rate.first_call_year", v);
  if (r.last_call_year() < r.first_call_year()) {
    v.Add("rate.last_call_year", "must not come before first_call_year");
  }
  CheckEuros(r.amount(), "rate.amount", v);
  if (r.kind() == v1::Rate::TRAVEL) {
    if (r.min_km() < 0) v.Add("rate.min_km", "must not be negative");
    if (r.max_km() != 0 && r.max_km() < r.min_km()) {
      v.Add("rate.max_km", "must be 0 (no upper limit) or at least min_km");
    }
  }
  if (r.kind() == v1::Rate::INDIVIDUAL_SUPPORT) {
    if (r.direction() == v1::PARTNER_TO_PROGRAMME &&
        (r.country_group() < 1 || r.country_group() > 3)) {
      v.Add("rate.country_group",
            "must be 1, 2 or 3 towards a Programme country");
    } else if (r.direction() == v1::PROGRAMME_TO_PARTNER &&
               r.country_group() != 0) {
      v.Add("rate.country_group", "must be 0 towards a Partner country");
    } else if (r.direction() != v1::PARTNER_TO_PROGRAMME &&
               r.direction() != v1::PROGRAMME_TO_PARTNER) {
      v.Add("rate.direction", "is required");
    }
    if (r.participant_kind() != v1::STUDENT &&
        r.participant_kind() != v1::STAFF) {
      v.Add("rate.participant_kind", "must be STUDENT or STAFF");
    }
  }
}

// FAILED_PRECONDITION when another row would apply to the same mobilities: a
// quote must find exactly one rate.
absl::Status CheckNoOverlap(pqxx::transaction_base& txn, const std::string& id,
                            const v1::Rate& rate) {
  GrantsStore::LockRates(txn);
  const std::string other = GrantsStore::OverlappingRate(txn, id, rate);
  if (other.empty()) return absl::OkStatus();
  return Error(absl::StatusCode::kFailedPrecondition, "RATES_OVERLAP",
               absl::StrCat("the row would apply to mobilities ", other,
                            " already covers; correct that row instead"));
}

}  // namespace

absl::StatusOr<v1::Rate> Grants::CreateRate(
    const v1::CreateRateRequest& request,
    const CallContext& call) {
  Violations violations;
  ValidateRate(request.rate(), violations);
  if (!ValidateRequestId("request_id", request.request_id()).ok()) {
    violations.Add("request_id", "must be a UUID");
  }
  if (!violations.empty()) return violations.ToStatus("INVALID_RATE");
  v1::Rate created;
  absl::Status status = db_->Transact(call.limit, [&](pqxx::transaction_base& txn) {
    return RunIdempotent(
        txn, "CreateRate", request.request_id(), request, &created, [&] {
          const std::string id = NewResourceId();
          created = request.rate();
          created.set_name("rates/" + id);
          *created.mutable_update_time() = ToTimestamp(Now());
          created.set_etag(Etag(created.name(), 1));
          if (auto s = CheckNoOverlap(txn, id, created); !s.ok()) return s;
          Store::InsertRate(txn, id, created);
          return absl::OkStatus();
        });
  });
  if (!status.ok()) return status;
  return created;
}

absl::StatusOr<v1::Rate> Grants::UpdateRate(
    const v1::UpdateRateRequest& request,
    const CallContext& call) {
  auto id = ParseResourceName("rate.name", request.rate().name(), "rates");
  if (!id.ok()) return id.status();
  if (auto s = ValidateRequestId("request_id", request.request_id()); !s.ok())
    return s;
  static const std::set<std::string> kPaths = {
      "amount",          "needs_confirmation",
      "first_call_year", "last_call_year",
      "min_km",          "max_km"};
  for (int i = 0; i < request.update_mask().paths_size(); ++i) {
    if (kPaths.count(request.update_mask().paths(i)) == 0) {
      return InvalidField(
          absl::StrCat("update_mask.paths[", i, "]"),
          absl::StrCat("must be one of: ", absl::StrJoin(kPaths, ", ")));
    }
  }
  if (request.update_mask().paths_size() == 0) {
    return InvalidField("update_mask", "name the fields to change");
  }
  v1::Rate updated;
  absl::Status status = db_->Transact(call.limit, [&](pqxx::transaction_base& txn) {
    return RunIdempotent(
        txn, "UpdateRate", request.request_id(), request, &updated,
        [&]() -> absl::Status {
          auto current = Store::GetRate(txn, *id);
          if (!current.ok()) return current.status();
          if (auto s = CheckEtag(request.rate().etag(), current->first.etag());
              !s.ok())
            return s;
          updated = current->first;
          for (const auto& path : request.update_mask().paths()) {
            if (path == "amount")
              *updated.mutable_amount() = request.rate().amount();
            if (path == "needs_confirmation") {
              updated.set_needs_confirmation(
                  request.rate().needs_confirmation());
            }
            if (path == "first_call_year")
              updated.set_first_call_year(request.rate().first_call_year());
            if (path == "last_call_year")
              updated.set_last_call_year(request.rate().last_call_year());
            if (path == "min_km") updated.set_min_km(request.rate().min_km());
            if (path == "max_km") updated.set_max_km(request.rate().max_km());
          }
          Violations violations;
          ValidateRate(updated, violations);
          if (!violations.empty()) return violations.ToStatus("INVALID_RATE");
          *updated.mutable_update_time() = ToTimestamp(Now());
          updated.set_etag(Etag(updated.name(), current->second + 1));
          if (auto s = CheckNoOverlap(txn, *id, updated); !s.ok()) return s;
          Store::UpdateRate(txn, *id, updated, current->second + 1);
          return absl::OkStatus();
        });
  });
  if (!status.ok()) return status;
  return updated;
}

}  // namespace mobility::grants
