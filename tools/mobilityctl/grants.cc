#include "tools/mobilityctl/ctl.h"

namespace mobility::ctl {
namespace {

Client<g1::GrantsService> GrantsClient() {
  return Client<g1::GrantsService>(absl::GetFlag(FLAGS_grants_address));
}

void PrintQuote(const g1::GrantQuote& q) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& line : q.line_items()) {
    rows.push_back({g1::LineItem::Heading_Name(line.heading()),
                    line.description(),
                    FormatCents(line.amount().amount_minor()), line.rate()});
  }
  rows.push_back({"TOTAL", absl::StrCat(q.distance_km(), " km one way"),
                  FormatCents(q.total().amount_minor()), ""});
  PrintTable({"HEADING", "DESCRIPTION", "EUR", "RATE"}, rows);
}

const std::vector<std::string> kGrantHeader = {
    "NAME",     "PARTICIPANT", "STATE", "TOTAL EUR",
    "PAID EUR", "AGREEMENT",   "CHECK"};
std::vector<std::string> GrantRow(const g1::Grant& g) {
  const auto& total =
      g.has_final_quote() ? g.final_quote().total() : g.quote().total();
  return {g.name(), g.participant().reference(),
          g1::Grant::State_Name(g.state()), FormatCents(total.amount_minor()),
          FormatCents(g.paid().amount_minor()), g.agreement(),
          // Rates still marked "(check)" when the grant was made.
          g.unconfirmed_rates().empty()
              ? ""
              : absl::StrCat(g.unconfirmed_rates_size(), " rates to confirm")};
}

}  // namespace

int Grants(const std::vector<std::string>& args) {
  auto client = GrantsClient();
  const std::string verb = args.size() > 2 ? args[2] : "";
  const std::string name = args.size() > 3 ? args[3] : "";
  using Stub = g1::GrantsService::Stub;
  auto print_grant = [](const g1::Grant& g) {
    return Print(g, [&] { PrintTable(kGrantHeader, {GrantRow(g)}); });
  };
  if (verb == "calculate") {
    g1::CalculateGrantRequest request;
    if (auto s = ParseJson(absl::GetFlag(FLAGS_json), &request); !s.ok())
      return Fail(s);
    g1::GrantQuote quote;
    if (auto s = client.Call(&Stub::CalculateGrant, request, &quote); !s.ok())
      return Fail(s);
    return Print(quote, [&] { PrintQuote(quote); });
  }
  if (verb == "rates") {
    g1::ListRatesRequest request;
    request.set_needs_confirmation_only(absl::GetFlag(FLAGS_check));
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    request.set_page_token(absl::GetFlag(FLAGS_page_token));
    g1::ListRatesResponse response;
    if (auto s = client.Call(&Stub::ListRates, request, &response); !s.ok())
      return Fail(s);
    return Print(response, [&] {
      std::vector<std::vector<std::string>> rows;
      for (const auto& r : response.rates()) {
        rows.push_back(
            {r.name(),
             absl::StrCat(r.first_call_year(), "-", r.last_call_year()),
             FormatCents(r.amount().amount_minor()),
             r.needs_confirmation() ? "to confirm" : ""});
      }
      PrintTable({"NAME", "CALLS", "EUR", "CHECK"}, rows);
      if (!response.next_page_token().empty()) {
        std::cout << "next page: --page_token " << response.next_page_token()
                  << "\n";
      }
    });
  }
  if (verb == "list") {
    g1::ListGrantsRequest request;
    request.set_budget(absl::GetFlag(FLAGS_budget));
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    request.set_page_token(absl::GetFlag(FLAGS_page_token));
    g1::ListGrantsResponse response;
    if (auto s = client.Call(&Stub::ListGrants, request, &response); !s.ok())
      return Fail(s);
    return Print(response, [&] {
      std::vector<std::vector<std::string>> rows;
      for (const auto& g : response.grants()) rows.push_back(GrantRow(g));
      PrintTable(kGrantHeader, rows);
    });
  }
  if (verb == "get" && !name.empty()) {
    g1::GetGrantRequest request;
    request.set_name(name);
    g1::Grant grant;
    if (auto s = client.Call(&Stub::GetGrant, request, &grant); !s.ok())
      return Fail(s);
    return Print(grant, [&] {
      PrintTable(kGrantHeader, {GrantRow(grant)});
      PrintQuote(grant.has_final_quote() ? grant.final_quote() : grant.quote());
    });
  }
  if (verb == "create") {
    g1::CreateGrantRequest request;
    if (auto s = ParseJson(absl::GetFlag(FLAGS_json), &request); !s.ok())
      return Fail(s);
    if (!absl::GetFlag(FLAGS_request_id).empty()) {
      request.set_request_id(absl::GetFlag(FLAGS_request_id));
    }
    g1::Grant grant;
    if (auto s = client.Call(&Stub::CreateGrant, request, &grant); !s.ok())
      return Fail(s);
    return print_grant(grant);
  }
  if (verb == "agree" && !name.empty()) {
    auto signed_on = DateFlag(FLAGS_signed_on, "signed_on");
    if (!signed_on.ok())
      return Usage(std::string(signed_on.status().message()));
    g1::AgreeGrantRequest request;
    request.set_name(name);
    *request.mutable_participant_signed_date() = *signed_on;
    *request.mutable_institution_signed_date() = *signed_on;
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    g1::Grant grant;
    if (auto s = client.Call(&Stub::AgreeGrant, request, &grant); !s.ok())
      return Fail(s);
    return print_grant(grant);
  }
  if (verb == "prefinance" && !name.empty()) {
    g1::PrefinanceGrantRequest request;
    request.set_name(name);
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    g1::Grant grant;
    if (auto s = client.Call(&Stub::PrefinanceGrant, request, &grant); !s.ok())
      return Fail(s);
    return print_grant(grant);
  }
  if (verb == "settle" && !name.empty()) {
    auto start = DateFlag(FLAGS_actual_start, "actual_start");
    auto end = DateFlag(FLAGS_actual_end, "actual_end");
    auto report = DateFlag(FLAGS_report_date, "report_date");
    for (const auto* d : {&start, &end, &report}) {
      if (!d->ok()) return Usage(std::string(d->status().message()));
    }
    g1::SettleGrantRequest request;
    request.set_name(name);
    *request.mutable_actual_start_date() = *start;
    *request.mutable_actual_end_date() = *end;
    *request.mutable_final_report_date() = *report;
    if (!absl::GetFlag(FLAGS_force_majeure).empty()) {
      auto decided = DateFlag(FLAGS_decided_on, "decided_on");
      if (!decided.ok()) return Usage(std::string(decided.status().message()));
      request.mutable_force_majeure()->set_decision_reference(
          absl::GetFlag(FLAGS_force_majeure));
      *request.mutable_force_majeure()->mutable_decision_date() = *decided;
    }
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    g1::Grant grant;
    if (auto s = client.Call(&Stub::SettleGrant, request, &grant); !s.ok())
      return Fail(s);
    return print_grant(grant);
  }
  return Usage(
      "grants calculate --json FILE | rates [--check] | list [--budget B] | "
      "get NAME | "
      "create --json FILE | agree NAME --signed_on D | prefinance NAME | "
      "settle NAME "
      "--actual_start D --actual_end D --report_date D [--force_majeure REF "
      "--decided_on D]");
}

int Budgets(const std::vector<std::string>& args) {
  auto client = GrantsClient();
  const std::string verb = args.size() > 2 ? args[2] : "";
  const std::string name = args.size() > 3 ? args[3] : "";
  using Stub = g1::GrantsService::Stub;
  if (verb == "create") {
    g1::CreateBudgetRequest request;
    if (auto s = ParseJson(absl::GetFlag(FLAGS_json), request.mutable_budget());
        !s.ok()) {
      return Fail(s);
    }
    request.set_budget_id(absl::GetFlag(FLAGS_id));
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    g1::Budget budget;
    if (auto s = client.Call(&Stub::CreateBudget, request, &budget); !s.ok())
      return Fail(s);
    return Print(budget, [&] { std::cout << budget.name() << "\n"; });
  }
  if (verb == "report" && !name.empty()) {
    g1::GetBudgetReportRequest request;
    request.set_budget(name);
    g1::BudgetReport report;
    if (auto s = client.Call(&Stub::GetBudgetReport, request, &report); !s.ok())
      return Fail(s);
    return Print(report, [&] {
      std::vector<std::vector<std::string>> rows;
      for (const auto& h : report.headings()) {
        rows.push_back({g1::LineItem::Heading_Name(h.heading()),
                        FormatCents(h.allocated().amount_minor()),
                        FormatCents(h.committed().amount_minor()),
                        FormatCents(h.paid().amount_minor()),
                        FormatCents(h.remaining().amount_minor())});
      }
      PrintTable({"HEADING", "ALLOCATED", "COMMITTED", "PAID", "REMAINING"},
                 rows);
      std::cout << report.agreed_grants() << " agreed grants\n";
    });
  }
  if (verb == "export" && !name.empty()) {
    g1::ExportGrantsRequest request;
    request.set_budget(name);
    g1::ExportGrantsResponse response;
    if (auto s = client.Call(&Stub::ExportGrants, request, &response); !s.ok())
      return Fail(s);
    std::cout << response.csv();
    return 0;
  }
  return Usage(
      "budgets create --json FILE [--id ID] | report NAME | export NAME");
}

}  // namespace mobility::ctl
