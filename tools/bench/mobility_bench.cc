// mobility_bench: measures the running services against the limits of this
// machine, in one run: the health Check of each service (the transport's own
// limit), pgbench on the same cluster (select-only prepared, and a script with
// the SQL of AllocateMobility + ReleaseMobility), and each workload, over
// gRPC and through the gateway, at concurrency 1, 8 and 64, in turns. Writes
// --output as JSON and prints each workload's ratio to its limit.
// deploy/bench.sh runs it with the right settings.
//
// A call counts as done only when it answers OK: a refusal (quota, overload,
// deadline) is an error of the workload, never a success. Every workload
// leaves the data as it found it: each allocation is released.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/rpc_method.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/client.h"
#include "common/config.h"
#include "common/status.h"
#include "common/types.h"
#include "mobility/agreements/v1/agreements.grpc.pb.h"
#include "mobility/grants/v1/grants.grpc.pb.h"
#include "mobility/inquiries/v1/inquiries.grpc.pb.h"
#include "tools/bench/http_client.h"
#include "tools/bench/measure.h"

ABSL_FLAG(std::string, agreements_address, "127.0.0.1:50051",
          "agreements service host:port");
ABSL_FLAG(std::string, inquiries_address, "127.0.0.1:50054",
          "inquiries service host:port");
ABSL_FLAG(std::string, gateway_address, "127.0.0.1:8080",
          "HTTP gateway host:port");
ABSL_FLAG(std::string, grants_address, "127.0.0.1:50053",
          "grants service host:port");
ABSL_FLAG(std::string, ledger_agreements_address, "",
          "an agreements service on the bench's own database, where the "
          "bench's agreement takes and releases places (empty: the one at "
          "--agreements_address)");
ABSL_FLAG(std::string, registry_inquiries_address, "",
          "an inquiries service on a registry of the bench's own, for "
          "CreateInquiry (empty: registration is not measured)");
ABSL_FLAG(std::string, registry_gateway_address, "",
          "a gateway in front of that service, for gateway.CreateInquiry");
ABSL_FLAG(std::string, signing_key, "",
          "PEM key to mint tokens (env MOBILITY_JWT_PRIVATE_KEY_FILE)");
ABSL_FLAG(std::string, pgbench_database_url, "",
          "database with pgbench's tables, for select-only");
ABSL_FLAG(std::string, agreements_database_url, "",
          "the database of the ledger's agreements service, for the "
          "allocation script");
ABSL_FLAG(std::string, allocation_script, "tools/bench/allocate_release.sql",
          "pgbench script with the SQL of AllocateMobility + ReleaseMobility");
ABSL_FLAG(std::string, concurrency, "1,8,64", "client counts to run");
ABSL_FLAG(double, seconds, 3, "length of each workload's run");
ABSL_FLAG(int, turns, 3,
          "turns each run is taken in, the workloads one after another");
ABSL_FLAG(std::string, workloads, "",
          "comma-separated workloads to run (e.g. GetAgreement for a "
          "profile); empty: all, with pgbench");
ABSL_FLAG(std::string, service_pids, "",
          "service=pid,... whose memory is read before and after the load");
ABSL_FLAG(std::string, output, "var/bench/results.json",
          "file the figures are written to");

namespace mobility {
namespace {

namespace av1 = ::mobility::agreements::v1;
namespace gv1 = ::mobility::grants::v1;

// The bench's own agreement: one condition with room for every client, so
// that no allocation is refused for quota.
constexpr char kBenchAgreementId[] = "bench-capacity";
constexpr char kBenchAgreement[] = "agreements/bench-capacity";
constexpr char kBenchCondition[] = "bench";
constexpr char kBenchYear[] = "2025/2026";
constexpr int kBenchMobilities = 200;

template <typename Service>
class Caller {
 public:
  using Stub = typename Service::Stub;
  Caller(std::shared_ptr<grpc::Channel> channel, std::string token)
      : stub_(Service::NewStub(channel)), token_(std::move(token)) {}
  template <typename Request, typename Response, typename Method>
  absl::Status operator()(Method method, const Request& request,
                          Response* response) const {
    OutboundCall call;
    call.bearer_token = token_;
    auto context = NewClientContext(call);
    return FromGrpcStatus(
        (stub_.get()->*method)(context.get(), request, response));
  }

 private:
  std::unique_ptr<Stub> stub_;
  std::string token_;
};
using AgreementsCaller = Caller<av1::AgreementsService>;
using GrantsCaller = Caller<gv1::GrantsService>;
using InquiriesCaller = Caller<::mobility::inquiries::v1::InquiriesService>;

// The bench's agreement, made once through the API like any agreement: a
// copy of the demo KA171 agreement read from `source`, with one condition of
// kBenchMobilities, made with its partners in the service `coordinator`
// calls and approved by both. Fixed request ids make a second run a no-op.
absl::Status EnsureBenchAgreement(
    const AgreementsCaller& source, const AgreementsCaller& coordinator,
    const std::function<AgreementsCaller(const std::string&)>& approver) {
  av1::Agreement existing;
  av1::GetAgreementRequest get;
  get.set_name(kBenchAgreement);
  if (coordinator(&av1::AgreementsService::Stub::GetAgreement, get, &existing)
          .ok() &&
      existing.state() == av1::Agreement::APPROVED) {
    return absl::OkStatus();
  }
  av1::Agreement demo;
  get.set_name("agreements/ka171-2025-kz-lv");
  if (auto s = source(&av1::AgreementsService::Stub::GetAgreement, get, &demo);
      !s.ok()) {
    return s;
  }
  for (const auto& partner : demo.partners()) {
    av1::GetInstitutionRequest read;
    read.set_name(partner.institution());
    av1::CreateInstitutionRequest copy;
    if (auto s = source(&av1::AgreementsService::Stub::GetInstitution, read,
                        copy.mutable_institution());
        !s.ok()) {
      return s;
    }
    copy.set_institution_id(
        std::string(absl::StripPrefix(partner.institution(), "institutions/")));
    copy.mutable_institution()->clear_name();
    copy.mutable_institution()->clear_create_time();
    copy.mutable_institution()->clear_update_time();
    copy.mutable_institution()->clear_etag();
    av1::Institution made;
    auto s = coordinator(&av1::AgreementsService::Stub::CreateInstitution, copy,
                         &made);
    if (!s.ok() && s.code() != absl::StatusCode::kAlreadyExists) return s;
  }
  av1::CreateAgreementRequest create;
  create.set_agreement_id(kBenchAgreementId);
  create.set_request_id("b3c1a000-0000-4000-8000-000000000001");
  av1::Agreement* a = create.mutable_agreement();
  a->set_programme(demo.programme());
  a->set_reference_number("BENCH-CAPACITY");
  a->set_title("Load test agreement of mobility_bench");
  *a->mutable_partners() = demo.partners();
  a->set_first_academic_year(kBenchYear);
  a->set_last_academic_year(kBenchYear);
  av1::CooperationCondition* condition = a->add_cooperation_conditions();
  *condition = demo.cooperation_conditions(0);
  condition->set_id(kBenchCondition);
  // The same stay per mobility, for more mobilities.
  const int scale = kBenchMobilities / condition->mobilities_per_year();
  condition->set_mobilities_per_year(kBenchMobilities);
  for (std::string* total : {condition->mutable_total_months_per_year(),
                             condition->mutable_total_days_per_year()}) {
    int value = 0;
    if (absl::SimpleAtoi(*total, &value)) *total = absl::StrCat(value * scale);
  }
  av1::Agreement created;
  if (auto s = coordinator(&av1::AgreementsService::Stub::CreateAgreement,
                           create, &created);
      !s.ok()) {
    return s;
  }
  int n = 2;
  for (const auto& partner : created.partners()) {
    av1::ApproveAgreementRequest approve;
    approve.set_name(kBenchAgreement);
    approve.set_institution(partner.institution());
    approve.set_content_hash(created.content_hash());
    approve.set_request_id(
        absl::StrFormat("b3c1a000-0000-4000-8000-%012d", n++));
    av1::Agreement approved;
    // Each partner approves for itself.
    if (auto s = approver(partner.institution())(
            &av1::AgreementsService::Stub::ApproveAgreement, approve,
            &approved);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

int Main() {
  const std::string key_file = FlagOrEnv(absl::GetFlag(FLAGS_signing_key),
                                         "MOBILITY_JWT_PRIVATE_KEY_FILE");
  auto pem = ReadFile(key_file);
  if (key_file.empty() || !pem.ok()) {
    std::cerr << "mobility_bench: needs --signing_key or "
                 "MOBILITY_JWT_PRIVATE_KEY_FILE\n";
    return 2;
  }
  auto signer = TokenSigner::FromPrivateKeyPem(*pem);
  if (!signer.ok()) {
    std::cerr << signer.status() << "\n";
    return 2;
  }
  auto token = [&](std::vector<Role> roles, std::string institution = "") {
    TokenClaims claims;
    claims.subject = "mobility-bench";
    claims.roles = std::move(roles);
    claims.institution = std::move(institution);
    claims.issued_at = absl::Now();
    return *signer->Sign(claims);
  };
  std::vector<int> levels;
  for (absl::string_view c :
       absl::StrSplit(absl::GetFlag(FLAGS_concurrency), ',')) {
    int level = 0;
    if (!absl::SimpleAtoi(c, &level) || level < 1) {
      std::cerr << "mobility_bench: --concurrency takes numbers like 1,8,64\n";
      return 2;
    }
    levels.push_back(level);
  }
  std::map<std::string, int> pids;
  for (absl::string_view entry : absl::StrSplit(
           absl::GetFlag(FLAGS_service_pids), ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(entry, '=');
    int pid = 0;
    if (absl::SimpleAtoi(kv.second, &pid)) pids[kv.first] = pid;
  }
  std::map<std::string, std::pair<int64_t, int64_t>> rss;
  for (const auto& [service, pid] : pids) rss[service].first = RssKib(pid);

  auto agreements_channel = NewChannel(absl::GetFlag(FLAGS_agreements_address));
  auto grants_channel = NewChannel(absl::GetFlag(FLAGS_grants_address));
  AgreementsCaller reader(agreements_channel, token({Role::kApplicant}));
  const std::string ledger_address =
      absl::GetFlag(FLAGS_ledger_agreements_address).empty()
          ? absl::GetFlag(FLAGS_agreements_address)
          : absl::GetFlag(FLAGS_ledger_agreements_address);
  auto ledger_channel = NewChannel(ledger_address);
  AgreementsCaller coordinator(ledger_channel, token({Role::kCoordinator}));
  AgreementsCaller ledger(ledger_channel, token({Role::kService}));
  GrantsCaller finance(grants_channel, token({Role::kFinance}));
  auto inquiries_channel = NewChannel(absl::GetFlag(FLAGS_inquiries_address));
  // The public reads without a token; handlers read the queue.
  InquiriesCaller anyone(inquiries_channel, "");
  InquiriesCaller handler(inquiries_channel, token({Role::kInquiryHandler}));
  auto approver = [&](const std::string& institution) {
    return AgreementsCaller(ledger_channel,
                            token({Role::kCoordinator}, institution));
  };
  if (auto s = EnsureBenchAgreement(reader, coordinator, approver); !s.ok()) {
    std::cerr << "mobility_bench: cannot set up " << kBenchAgreement << ": "
              << s << "\n";
    return 1;
  }

  using AS = av1::AgreementsService::Stub;
  using GS = gv1::GrantsService::Stub;
  namespace iv1 = ::mobility::inquiries::v1;
  using IS = iv1::InquiriesService::Stub;
  const std::string run_id = absl::StrCat(absl::ToUnixMicros(absl::Now()));
  std::vector<std::atomic<int64_t>> sequence(256);
  const std::string agreements_check = "agreements.Health.Check";
  const std::string grants_check = "grants.Health.Check";
  const std::string inquiries_check = "inquiries.Health.Check";
  std::vector<Workload> workloads = {
      {agreements_check, "",
       [&](int) { return HealthCheck(agreements_channel.get()); }},
      {grants_check, "",
       [&](int) { return HealthCheck(grants_channel.get()); }},
      {inquiries_check, "",
       [&](int) { return HealthCheck(inquiries_channel.get()); }},
      {"GetAgreement", agreements_check,
       [&](int) {
         av1::GetAgreementRequest r;
         r.set_name("agreements/ka171-2025-kz-lv");
         av1::Agreement a;
         return reader(&AS::GetAgreement, r, &a).ok();
       }},
      {"ListAgreements", agreements_check,
       [&](int) {
         av1::ListAgreementsRequest r;
         av1::ListAgreementsResponse a;
         return reader(&AS::ListAgreements, r, &a).ok();
       }},
      {"GetQuotaUsage", agreements_check,
       [&](int) {
         av1::GetQuotaUsageRequest r;
         r.set_agreement("agreements/ka171-2025-kz-lv");
         av1::QuotaUsage u;
         return reader(&AS::GetQuotaUsage, r, &u).ok();
       }},
      {"AllocateMobility+ReleaseMobility", "pgbench.allocate_release",
       [&](int c) {
         const std::string key = absl::StrCat("bench/", run_id, "/", c, "/",
                                              sequence[c % 256].fetch_add(1));
         av1::AllocateMobilityRequest allocate;
         allocate.set_agreement(kBenchAgreement);
         allocate.set_condition_id(kBenchCondition);
         allocate.set_academic_year(kBenchYear);
         allocate.set_allocation_key(key);
         av1::MobilityAllocation allocation;
         if (!ledger(&AS::AllocateMobility, allocate, &allocation).ok())
           return false;
         av1::ReleaseMobilityRequest release;
         release.set_agreement(kBenchAgreement);
         release.set_allocation_key(key);
         return ledger(&AS::ReleaseMobility, release, &allocation).ok();
       }},
      {"CalculateGrant", grants_check,
       [&](int c) {
         gv1::CalculateGrantRequest r;
         r.set_programme(gv1::KA107);
         r.set_call_year(2018);
         r.set_activity(gv1::STAFF_TEACHING);
         r.set_sending_institution("institutions/kokshetau-amu");
         r.set_receiving_institution("institutions/vidzeme-via");
         *r.mutable_start_date() = ToDate(absl::CivilDay(2019, 3, 4));
         *r.mutable_end_date() =
             ToDate(absl::CivilDay(2019, 3, 4) + 4 + c % 50);
         r.set_travel_days(2);
         gv1::GrantQuote q;
         return finance(&GS::CalculateGrant, r, &q).ok();
       }},
      {"ListPublishedQuestions", inquiries_check,
       [&](int) {
         iv1::ListPublishedQuestionsRequest r;
         r.set_query("grant");
         iv1::ListPublishedQuestionsResponse out;
         return anyone(&IS::ListPublishedQuestions, r, &out).ok();
       }},
      {"ListInquiries", inquiries_check,
       [&](int) {
         iv1::ListInquiriesRequest r;
         r.set_due_within_working_days(5);
         iv1::ListInquiriesResponse out;
         return handler(&IS::ListInquiries, r, &out).ok();
       }},
      {"GetBudgetReport", grants_check,
       [&](int) {
         gv1::GetBudgetReportRequest r;
         r.set_budget("budgets/ka107-2016-kz");
         gv1::BudgetReport report;
         return finance(&GS::GetBudgetReport, r, &report).ok();
       }},
  };

  // The same calls through the HTTP gateway, each measured against its gRPC
  // twin in the same run: the gateway's floor is 70% of it.
  int most = 1;
  for (int level : levels) most = std::max(most, level);
  HttpClients web(absl::GetFlag(FLAGS_gateway_address), most);
  const std::string applicant_token = token({Role::kApplicant});
  const std::string finance_token = token({Role::kFinance});
  const std::string calculation =
      R"({"programme": "KA107", "callYear": 2018, "activity": "STAFF_TEACHING",)"
      R"( "sendingInstitution": "institutions/kokshetau-amu",)"
      R"( "receivingInstitution": "institutions/vidzeme-via",)"
      R"( "startDate": {"year": 2019, "month": 3, "day": 4},)"
      R"( "endDate": {"year": 2019, "month": 3, "day": 8}, "travelDays": 2})";
  workloads.push_back({"gateway.GetAgreement", "GetAgreement", [&](int c) {
                         return web.Call(c, "GET",
                                         "/v1/agreements/ka171-2025-kz-lv", "",
                                         applicant_token);
                       }});
  workloads.push_back({"gateway.ListAgreements", "ListAgreements", [&](int c) {
                         return web.Call(c, "GET", "/v1/agreements", "",
                                         applicant_token);
                       }});
  workloads.push_back({"gateway.CalculateGrant", "CalculateGrant", [&](int c) {
                         return web.Call(c, "POST", "/v1/grants:calculate",
                                         calculation, finance_token);
                       }});
  workloads.push_back(
      {"gateway.ListPublishedQuestions", "ListPublishedQuestions", [&](int c) {
         return web.Call(c, "GET", "/v1/publishedQuestions?query=grant", "",
                         "");
       }});

  // Registration only on a registry of the bench's own (deploy/bench.sh
  // starts one): each call takes a number of the gap-free legal sequence.
  // Each question is new (a repeat within a day is answered as a duplicate,
  // which costs less), from a new address (the rate limit counts per e-mail).
  const std::string registry = absl::GetFlag(FLAGS_registry_inquiries_address);
  const std::string registry_gateway =
      absl::GetFlag(FLAGS_registry_gateway_address);
  std::atomic<int64_t> questions{0};
  auto question = [&] {
    const int64_t n = questions.fetch_add(1);
    iv1::Inquiry inquiry;
    inquiry.set_kind(iv1::REQUEST);
    inquiry.set_addressee("rector");
    inquiry.set_language("en");
    inquiry.set_subject("Does the grant cover the visa?");
    inquiry.set_text(absl::StrCat("Question ", n, " of bench run ", run_id,
                                  ": does the grant cover the visa fee?"));
    inquiry.mutable_author()->set_full_name("Bench Author");
    inquiry.mutable_author()->set_email(
        absl::StrCat("author-", run_id, "-", n, "@bench.invalid"));
    inquiry.set_consent_to_processing(true);
    return inquiry;
  };
  std::unique_ptr<HttpClients> registry_web;
  if (!registry.empty()) {
    auto channel = NewChannel(registry);
    auto registrar = std::make_shared<InquiriesCaller>(channel, "");
    workloads.push_back(
        {"CreateInquiry", inquiries_check, [&, registrar](int) {
           iv1::CreateInquiryRequest r;
           *r.mutable_inquiry() = question();
           iv1::InquiryReceipt receipt;
           return (*registrar)(&IS::CreateInquiry, r, &receipt).ok();
         }});
  }
  if (!registry.empty() && !registry_gateway.empty()) {
    registry_web = std::make_unique<HttpClients>(registry_gateway, most);
    workloads.push_back(
        {"gateway.CreateInquiry", "CreateInquiry", [&](int c) {
           // Written as a web form would, not by protobuf's slow printer:
           // the client's cost is not the gateway's.
           const iv1::Inquiry q = question();
           const std::string json = absl::StrCat(
               R"({"kind": "REQUEST", "addressee": "rector", "language": "en",)",
               R"( "subject": ")", q.subject(), R"(", "text": ")", q.text(),
               R"(", "author": {"fullName": ")", q.author().full_name(),
               R"(", "email": ")", q.author().email(),
               R"("}, "consentToProcessing": true})");
           return registry_web->Call(c, "POST", "/v1/inquiries", json, "");
         }});
  }

  std::set<std::string> only;
  for (absl::string_view w :
       absl::StrSplit(absl::GetFlag(FLAGS_workloads), ',', absl::SkipEmpty())) {
    only.insert(std::string(w));
  }
  if (!only.empty()) {
    workloads.erase(std::remove_if(workloads.begin(), workloads.end(),
                                   [&](const Workload& w) {
                                     return only.count(w.name) == 0;
                                   }),
                    workloads.end());
  }

  std::vector<Run> runs;
  const absl::Duration length = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  const std::string pgbench_url =
      only.empty() ? absl::GetFlag(FLAGS_pgbench_database_url) : "";
  const std::string agreements_url =
      only.empty() ? absl::GetFlag(FLAGS_agreements_database_url) : "";
  for (int level : levels) {
    if (!pgbench_url.empty()) {
      auto select =
          Pgbench("pgbench.select_only", level, length, {"-S"}, pgbench_url);
      if (!select.ok()) {
        std::cerr << select.status() << "\n";
        return 1;
      }
      runs.push_back(*select);
    }
    if (!agreements_url.empty()) {
      auto script = Pgbench("pgbench.allocate_release", level, length,
                            {"-f", absl::GetFlag(FLAGS_allocation_script)},
                            agreements_url);
      if (!script.ok()) {
        std::cerr << script.status() << "\n";
        return 1;
      }
      runs.push_back(*script);
    }
    for (Run& run :
         MeasureInTurns(workloads, level, length, absl::GetFlag(FLAGS_turns))) {
      runs.push_back(std::move(run));
    }
    std::cerr << "." << std::flush;
  }
  std::cerr << "\n";
  for (const auto& [service, pid] : pids) rss[service].second = RssKib(pid);

  std::map<std::pair<std::string, int>, double> rate;
  for (const auto& r : runs)
    rate[{r.workload, r.concurrency}] = r.throughput_per_s;
  std::string table = absl::StrFormat("%-34s %4s %10s %8s %8s %7s  %s\n",
                                      "workload", "c", "calls/s", "p50 ms",
                                      "p99 ms", "errors", "ratio to limit");
  int64_t errors = 0;
  for (const auto& r : runs) {
    errors += r.errors;
    std::string ratio;
    auto limit = rate.find({r.limit, r.concurrency});
    if (!r.limit.empty() && limit != rate.end() && limit->second > 0) {
      ratio = absl::StrFormat("%.2f of %s", r.throughput_per_s / limit->second,
                              r.limit);
    }
    absl::StrAppendFormat(&table, "%-34s %4d %10.0f %8.2f %8.2f %7d  %s\n",
                          r.workload, r.concurrency, r.throughput_per_s,
                          r.p50_ms, r.p99_ms, r.errors, ratio);
  }
  for (const auto& [service, kib] : rss) {
    absl::StrAppendFormat(&table, "%s RSS: %d KiB idle, %d KiB loaded\n",
                          service, kib.first, kib.second);
  }
  std::ofstream out(absl::GetFlag(FLAGS_output));
  if (!out) {
    std::cerr << "mobility_bench: cannot write " << absl::GetFlag(FLAGS_output)
              << "\n";
    return 1;
  }
  out << Json(runs, rss);
  std::cout << table;
  return errors == 0 ? 0 : 1;
}

}  // namespace
}  // namespace mobility

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Measures the running services against this machine's limits; see "
      "deploy/bench.sh.");
  absl::ParseCommandLine(argc, argv);
  return mobility::Main();
}
