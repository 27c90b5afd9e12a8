#include "services/grants/budgets.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/idempotency.h"
#include "common/status.h"
#include "common/types.h"
#include "services/grants/grant_math.h"
#include "services/grants/grant_rules.h"
#include "services/grants/words.h"

namespace mobility::grants {
namespace {

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

absl::StatusOr<v1::Budget> Budgets::CreateBudget(
    const v1::CreateBudgetRequest& request, const CallContext& call) {
  const v1::Budget& b = request.budget();
  Violations violations;
  ValidateProgrammeCall(b.programme(), b.call_year(), "budget.programme",
                        "budget.call_year", violations);
  CheckText(b.project_number(), "budget.project_number", violations);
  // National Agency project numbers start with the call year and name the key
  // action: "2016-1-LV01-KA107-022654", "2022-1-DE01-KA171-HED-000086474".
  if (!b.project_number().empty() &&
      (!absl::StartsWith(b.project_number(),
                         absl::StrCat(b.call_year(), "-")) ||
       !absl::StrContains(
           b.project_number(),
           absl::StrCat("-", v1::Programme_Name(b.programme()), "-")))) {
    violations.Add(
        "budget.project_number",
        Text(words::PROJECT_NUMBER,
             {{"example",
               absl::StrCat(b.call_year(), "-1-LV01-",
                            v1::Programme_Name(b.programme()), "-022654")}}));
  }
  if (!ParseResourceName("", b.beneficiary(), "institutions").ok()) {
    violations.Add("budget.beneficiary", Text(words::BENEFICIARY));
  }
  CheckEuros(b.allocated().travel(), "budget.allocated.travel", violations);
  CheckEuros(b.allocated().individual_support(),
             "budget.allocated.individual_support", violations);
  CheckEuros(b.allocated().organisational_support(),
             "budget.allocated.organisational_support", violations);
  CheckEuros(b.allocated().inclusion_support(),
             "budget.allocated.inclusion_support", violations);
  CheckEuros(b.organisational_support_per_participant(),
             "budget.organisational_support_per_participant", violations);
  // A project starts on 1 August of its call year; the longest ran 38 months
  // and some were extended, so five years bounds a typing mistake.
  if (!IsValidDate(b.project_end_date())) {
    violations.Add("budget.project_end_date",
                   Text(words::PROJECT_END_REQUIRED));
  } else if (const absl::CivilDay end = ToCivilDay(b.project_end_date());
             end < absl::CivilDay(b.call_year() + 1, 8, 1) ||
             end > absl::CivilDay(b.call_year() + 5, 7, 31)) {
    violations.Add(
        "budget.project_end_date",
        Text(words::PROJECT_END_RANGE,
             {{"from", Value::Date(absl::CivilDay(b.call_year() + 1, 8, 1))},
              {"to", Value::Date(absl::CivilDay(b.call_year() + 5, 7, 31))},
              {"year", absl::StrCat(b.call_year())}}));
  }
  if (b.prefinancing_percent() < 70 || b.prefinancing_percent() > 100) {
    violations.Add("budget.prefinancing_percent",
                   Text(common_words::BETWEEN, {{"min", 70}, {"max", 100}}));
  }
  if (!request.budget_id().empty() && !IsValidResourceId(request.budget_id())) {
    violations.Add("budget_id", Text(common_words::RESOURCE_ID));
  }
  if (!ValidateRequestId("request_id", request.request_id()).ok()) {
    violations.Add("request_id", Text(common_words::REQUEST_ID));
  }
  if (!violations.empty()) return violations.ToStatus("INVALID_BUDGET");
  const std::string id =
      request.budget_id().empty() ? NewResourceId() : request.budget_id();
  v1::Budget created;
  absl::Status status = store_->Transact(call.limit, [&](GrantsStore& store) {
    return RunIdempotent(
        store, "CreateBudget", call.principal, request.request_id(), request,
        &created, [&] {
          created = b;
          created.set_name("budgets/" + id);
          created.set_institution(call.principal.institution);
          *created.mutable_create_time() = ToTimestamp(Now());
          MOBILITY_RETURN_IF_ERROR(store.InsertBudget(id, created));
          return absl::OkStatus();
        });
  });
  if (status.code() == absl::StatusCode::kAlreadyExists) {
    return Error(absl::StatusCode::kAlreadyExists, "BUDGET_EXISTS",
                 Text(words::BUDGET_EXISTS));
  }
  if (!status.ok()) return status;
  return created;
}

void Budgets::GetBudget(const v1::GetBudgetRequest& request,
                        const CallContext& call, Then<v1::Budget> reply) {
  auto id = ParseResourceName("name", request.name(), "budgets");
  if (!id.ok()) return reply(id.status());
  reads_->GetBudget(call.limit, *id,
                    [&call, id = *id,
                     reply = std::move(reply)](absl::StatusOr<BudgetRow> row) {
                      if (!row.ok()) return reply(row.status());
                      if (auto s = CheckBudgetHolder(
                              row->budget.institution(), call.principal,
                              [&] { return BudgetNotFound(id); });
                          !s.ok())
                        return reply(s);
                      reply(std::move(row->budget));
                    });
}

void Budgets::GetBudgetReport(const v1::GetBudgetReportRequest& request,
                              const CallContext& call,
                              Then<v1::BudgetReport> reply) {
  auto id = ParseResourceName("budget", request.budget(), "budgets");
  if (!id.ok()) return reply(id.status());
  reads_->GetBudgetReport(
      call.limit, *id,
      [&call, id = *id,
       reply = std::move(reply)](absl::StatusOr<BudgetReportRow> row) {
        if (!row.ok()) return reply(row.status());
        const v1::Budget& budget = row->budget.budget;
        if (auto s = CheckBudgetHolder(budget.institution(), call.principal,
                                       [&] { return BudgetNotFound(id); });
            !s.ok())
          return reply(s);
        const auto& allocated = budget.allocated();
        const HeadingCents& committed = row->budget.committed;
        const HeadingCents& paid = row->paid;
        const std::tuple<v1::LineItem::Heading, int64_t, int64_t, int64_t>
            headings[] = {
                {v1::LineItem::TRAVEL, allocated.travel().amount_minor(),
                 committed.travel, paid.travel},
                {v1::LineItem::INDIVIDUAL_SUPPORT,
                 allocated.individual_support().amount_minor(),
                 committed.individual, paid.individual},
                {v1::LineItem::ORGANISATIONAL_SUPPORT,
                 allocated.organisational_support().amount_minor(),
                 committed.organisational, paid.organisational},
                {v1::LineItem::INCLUSION_SUPPORT,
                 allocated.inclusion_support().amount_minor(),
                 committed.inclusion, paid.inclusion},
            };
        v1::BudgetReport report;
        report.set_budget(budget.name());
        for (const auto& [heading, allocated_cents, committed_cents,
                          paid_cents] : headings) {
          auto* h = report.add_headings();
          h->set_heading(heading);
          *h->mutable_allocated() = Euros(allocated_cents);
          *h->mutable_committed() = Euros(committed_cents);
          *h->mutable_paid() = Euros(paid_cents);
          *h->mutable_remaining() = Euros(allocated_cents - committed_cents);
        }
        report.set_agreed_grants(row->agreed_grants);
        reply(std::move(report));
      });
}

absl::StatusOr<v1::ExportGrantsResponse> Budgets::ExportGrants(
    const v1::ExportGrantsRequest& request, const CallContext& call) {
  auto id = ParseResourceName("budget", request.budget(), "budgets");
  if (!id.ok()) return id.status();
  auto csv = store_->TransactValue(
      call.limit, [&](GrantsStore& store) -> absl::StatusOr<std::string> {
        std::string csv =
            "grant,participant_reference,participant_name,agreement,condition_"
            "id,"
            "activity,"
            "start_date,end_date,distance_km,travel_eur,individual_support_eur,"
            "inclusion_support_eur,total_eur,state,zero_grant\n";
        auto budget = store.GetBudget(*id, /*for_update=*/false);
        if (!budget.ok()) return budget.status();
        if (auto s =
                CheckBudgetHolder(budget->budget.institution(), call.principal,
                                  [&] { return BudgetNotFound(*id); });
            !s.ok())
          return s;
        GrantsStore::GrantFilter filter;
        filter.budget_id = *id;
        std::string after;
        for (;;) {
          MOBILITY_ASSIGN_OR_RETURN(
              auto page, store.ListGrants(filter, after, kMaxPageSize));
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

}  // namespace mobility::grants
