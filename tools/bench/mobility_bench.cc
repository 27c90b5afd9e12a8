// mobility_bench: measures the running services against the limits of this
// machine, in one run: the health Check of each service (the transport's own
// limit), pgbench on the same cluster (select-only prepared, and a script with
// the SQL of AllocateMobility + ReleaseMobility), and each workload, over
// gRPC and through the gateway, at concurrency 1, 8 and 64, in turns. Writes
// --output as JSON and prints each workload's ratio to its limit.
// deploy/bench.sh runs it with the right settings.
//
// A call counts as done only when it answers OK: a refusal (quota, overload,
// deadline) is an error of the workload, never a success. The reads run on
// the office's stack; the writes (an application submitted, a selection
// decided, an inquiry registered and answered) on a stack of the bench's own,
// whose database deploy/bench.sh drops afterwards.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/rpc_method.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/client.h"
#include "common/config.h"
#include "common/status.h"
#include "common/types.h"
#include "mobility/agreements/v1/agreements.grpc.pb.h"
#include "mobility/grants/v1/grants.grpc.pb.h"
#include "mobility/inquiries/v1/inquiries.grpc.pb.h"
#include "services/ewp/keys.h"
#include "tools/bench/http_client.h"
#include "tools/bench/measure.h"
#include "tools/bench/office.h"
#include "tools/bench/scale.h"

ABSL_FLAG(std::string, agreements_address, "127.0.0.1:50051",
          "agreements service host:port");
ABSL_FLAG(std::string, inquiries_address, "127.0.0.1:50054",
          "inquiries service host:port");
ABSL_FLAG(std::string, gateway_address, "127.0.0.1:8080",
          "HTTP gateway host:port");
ABSL_FLAG(std::string, applications_address, "127.0.0.1:50052",
          "applications service host:port");
ABSL_FLAG(std::string, grants_address, "127.0.0.1:50053",
          "grants service host:port");
ABSL_FLAG(std::string, peer_address, "",
          "host:port of read-peer (../shared/peers), serving GetAgreement on "
          "the same database: peer.GetAgreement, as a ratio to ours");
ABSL_FLAG(std::string, ewp_address, "",
          "host:port of the EWP endpoints of the bench's stack; none: no "
          "ewp.IiasGet");
ABSL_FLAG(std::string, ewp_partner_key, "",
          "PEM key the bench signs EWP requests with, listed for va.lv in "
          "that stack's registry catalogue");
ABSL_FLAG(std::string, bench_stack, "",
          "agreements,applications,grants,inquiries,gateway: host:port of "
          "each service and the gateway of a stack on a database of the "
          "bench's own, where the office's writes are measured (empty: "
          "they are not)");
ABSL_FLAG(bool, load_scale, false,
          "load the stack at --bench_stack to a university's size through the "
          "API and print the id of a grant with payments to copy "
          "(deploy/load-scale.sh)");
ABSL_FLAG(int, scale_divisor, 1,
          "with --load_scale, an office this many times smaller");
ABSL_FLAG(bool, scale, false,
          "measure the scale reads on the stack at --bench_stack, run "
          "--scale_loader, and measure them again");
ABSL_FLAG(std::string, scale_loader, "", "the command that loads that stack");
ABSL_FLAG(int, selections, 6000,
          "applications scored beforehand for the selections to decide");
MOBILITY_FLAG(std::string, signing_key, "", "MOBILITY_JWT_PRIVATE_KEY_FILE",
              "PEM key to mint tokens");
MOBILITY_FLAG(std::string, internal_signing_key, "",
              "MOBILITY_INTERNAL_JWT_PRIVATE_KEY_FILE",
              "PEM key to mint our services' internal tokens");
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

using bench::AgreementsCaller;
using bench::GrantsCaller;
using bench::InquiriesCaller;

absl::StatusOr<TokenSigner> SignerFrom(const absl::Flag<std::string>& flag,
                                       absl::string_view name) {
  const std::string key_file = absl::GetFlag(flag);
  auto pem = ReadFile(key_file);
  if (key_file.empty() || !pem.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("mobility_bench: needs the key of --", name));
  }
  return TokenSigner::FromPrivateKeyPem(*pem);
}

int Main() {
  auto signer = SignerFrom(FLAGS_signing_key, "signing_key");
  auto internal_signer =
      SignerFrom(FLAGS_internal_signing_key, "internal_signing_key");
  for (const auto* s : {&signer, &internal_signer}) {
    if (!s->ok()) {
      std::cerr << s->status() << "\n";
      return 2;
    }
  }
  // The office's staff act for Kokshetau; our services' identity comes from
  // the internal key.
  auto mint = [&](std::vector<Role> roles, std::string institution,
                  std::string subject) {
    TokenClaims claims;
    const bool internal = roles == std::vector<Role>{Role::kService};
    if (internal) claims.issuer = std::string(kInternalTokenIssuer);
    if (institution.empty() && !internal &&
        roles != std::vector<Role>{Role::kApplicant}) {
      institution = "institutions/kokshetau-amu";
    }
    claims.subject = std::move(subject);
    claims.roles = std::move(roles);
    claims.institution = std::move(institution);
    claims.issued_at = absl::Now();
    return *(internal ? internal_signer : signer)->Sign(claims);
  };
  auto token = [&](std::vector<Role> roles) {
    return mint(std::move(roles), "", "mobility-bench");
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
  GrantsCaller finance(grants_channel, token({Role::kFinance}));
  auto inquiries_channel = NewChannel(absl::GetFlag(FLAGS_inquiries_address));
  // The public reads without a token; handlers read the queue.
  InquiriesCaller anyone(inquiries_channel, "");
  InquiriesCaller handler(inquiries_channel, token({Role::kInquiryHandler}));
  using AS = av1::AgreementsService::Stub;
  using GS = gv1::GrantsService::Stub;
  namespace iv1 = ::mobility::inquiries::v1;
  using IS = iv1::InquiriesService::Stub;
  auto applications_channel =
      NewChannel(absl::GetFlag(FLAGS_applications_address));
  const std::string agreements_check = "agreements.Health.Check";
  const std::string applications_check = "applications.Health.Check";
  const std::string grants_check = "grants.Health.Check";
  const std::string inquiries_check = "inquiries.Health.Check";
  std::vector<Workload> workloads = {
      {agreements_check, "",
       [&](int) { return HealthCheck(agreements_channel.get()); }},
      {applications_check, "",
       [&](int) { return HealthCheck(applications_channel.get()); }},
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
      // The office's grants, filtered to its institution's budgets in SQL.
      {"ListGrants", grants_check,
       [&](int) {
         gv1::ListGrantsRequest r;
         r.set_page_size(20);
         gv1::ListGrantsResponse out;
         return finance(&GS::ListGrants, r, &out).ok() && out.grants_size() > 0;
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

  // The same read by the peer: ours is ahead when this ratio is below 1.
  std::optional<AgreementsCaller> peer;
  if (!absl::GetFlag(FLAGS_peer_address).empty()) {
    peer.emplace(NewChannel(absl::GetFlag(FLAGS_peer_address)),
                 token({Role::kApplicant}));
    workloads.push_back({"peer.GetAgreement", "GetAgreement", [&](int) {
                           av1::GetAgreementRequest r;
                           r.set_name("agreements/ka171-2025-kz-lv");
                           av1::Agreement a;
                           return (*peer)(&AS::GetAgreement, r, &a).ok();
                         }});
  }

  // A partner's system reading our IIA over EWP: a signed POST, the
  // signature verified, the agreement read as Vidzeme's system, the IIA
  // written and hashed, the answer signed; against the gateway's plain read
  // of an agreement.
  std::unique_ptr<HttpClients> ewp_web;
  std::optional<ewp::RsaPrivateKey> ewp_key;
  if (!absl::GetFlag(FLAGS_ewp_address).empty()) {
    auto pem = ReadFile(absl::GetFlag(FLAGS_ewp_partner_key));
    auto key = pem.ok() ? ewp::RsaPrivateKey::FromPem(*pem)
                        : absl::StatusOr<ewp::RsaPrivateKey>(pem.status());
    if (!key.ok()) {
      std::cerr << "mobility_bench: --ewp_partner_key: " << key.status()
                << "\n";
      return 2;
    }
    ewp_key = *std::move(key);
    ewp_web =
        std::make_unique<HttpClients>(absl::GetFlag(FLAGS_ewp_address), most);
    workloads.push_back(
        {"ewp.IiasGet", "gateway.GetAgreement", [&](int c) {
           std::string answer;
           return ewp_web->CallSigned(c, "/ewp/iias/get",
                                      "iia_id=KSU-IIA-2025-0003", *ewp_key,
                                      &answer) &&
                  answer.find("<iia-hash>") != std::string::npos;
         }});
  }

  // The office's writes, on the bench's own stack: each registration takes
  // a number of the gap-free legal sequence, each selection a place, and
  // neither belongs in the office's data.
  std::unique_ptr<bench::Office> office;
  if (!absl::GetFlag(FLAGS_bench_stack).empty()) {
    std::vector<std::string> a =
        absl::StrSplit(absl::GetFlag(FLAGS_bench_stack), ',');
    if (a.size() != 5) {
      std::cerr << "mobility_bench: --bench_stack takes five addresses\n";
      return 2;
    }
    auto opened =
        bench::Office::Open({a[0], a[1], a[2], a[3], a[4]}, reader, mint, most);
    if (!opened.ok()) {
      std::cerr << "mobility_bench: cannot set up the bench's office: "
                << opened.status() << "\n";
      return 1;
    }
    office = std::move(*opened);
    bench::Office* o = office.get();
    auto add = [&](std::string name, std::string limit,
                   bool (bench::Office::*call)(int)) {
      workloads.push_back({std::move(name), std::move(limit),
                           [o, call](int c) { return (o->*call)(c); }});
    };
    using O = bench::Office;
    add("AllocateMobility+ReleaseMobility", "pgbench.allocate_release",
        &O::AllocateAndRelease);
    add("SubmitApplication", applications_check, &O::SubmitApplication);
    add("gateway.SubmitApplication", "SubmitApplication",
        &O::GatewaySubmitApplication);
    add("DecideSelection", applications_check, &O::DecideSelection);
    add("gateway.DecideSelection", "DecideSelection",
        &O::GatewayDecideSelection);
    add("CreateInquiry", inquiries_check, &O::RegisterInquiry);
    add("gateway.CreateInquiry", "CreateInquiry", &O::GatewayRegisterInquiry);
    add("CreateInquiry+AnswerInquiry", inquiries_check,
        &O::RegisterAndAnswerInquiry);
    add("gateway.CreateInquiry+AnswerInquiry", "CreateInquiry+AnswerInquiry",
        &O::GatewayRegisterAndAnswerInquiry);
  }

  std::vector<Run> runs;
  const absl::Duration length = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  const int turns = absl::GetFlag(FLAGS_turns);
  if ((absl::GetFlag(FLAGS_load_scale) || absl::GetFlag(FLAGS_scale)) &&
      office == nullptr) {
    std::cerr
        << "mobility_bench: --load_scale and --scale need --bench_stack\n";
    return 2;
  }
  if (absl::GetFlag(FLAGS_load_scale)) {
    bench::ScaleSizes sizes;
    const int divisor = std::max(1, absl::GetFlag(FLAGS_scale_divisor));
    for (int* size : {&sizes.agreements, &sizes.calls, &sizes.applications,
                      &sizes.inquiries}) {
      *size = std::max(1, *size / divisor);
    }
    auto grant = bench::LoadThroughApi(*office, sizes, 8);
    if (!grant.ok()) {
      std::cerr << "mobility_bench: loading stopped: " << grant.status()
                << "\n";
      return 1;
    }
    std::cout << *grant << "\n";
    return 0;
  }
  if (absl::GetFlag(FLAGS_scale)) {
    // The same reads on a small office (a page of each list), then on the
    // office loaded to a university's size.
    if (auto s = bench::PrepareSmallOffice(*office); !s.ok()) {
      std::cerr << "mobility_bench: " << s << "\n";
      return 1;
    }
    auto small = bench::ScaleReads(*office, "small.", "");
    if (!small.ok()) {
      std::cerr << "mobility_bench: " << small.status() << "\n";
      return 1;
    }
    for (int level : levels)
      for (Run& run : MeasureInTurns(*small, level, length, turns))
        runs.push_back(std::move(run));
    std::cerr << "loading: " << absl::GetFlag(FLAGS_scale_loader) << "\n";
    if (std::system(absl::GetFlag(FLAGS_scale_loader).c_str()) != 0) {
      std::cerr << "mobility_bench: the loader failed\n";
      return 1;
    }
    for (const auto& [service, pid] : pids) rss[service].first = RssKib(pid);
    // Each read is bound by the same read, or its first page, on the small
    // office.
    auto loaded = bench::ScaleReads(*office, "scale.", "small.");
    if (!loaded.ok()) {
      std::cerr << "mobility_bench: " << loaded.status() << "\n";
      return 1;
    }
    for (int level : levels)
      for (Run& run : MeasureInTurns(*loaded, level, length, turns))
        runs.push_back(std::move(run));
  } else {
    std::set<std::string> only;
    for (absl::string_view w : absl::StrSplit(absl::GetFlag(FLAGS_workloads),
                                              ',', absl::SkipEmpty())) {
      only.insert(std::string(w));
    }
    if (!only.empty()) {
      workloads.erase(std::remove_if(workloads.begin(), workloads.end(),
                                     [&](const Workload& w) {
                                       return only.count(w.name) == 0;
                                     }),
                      workloads.end());
    }

    if (office != nullptr &&
        std::any_of(workloads.begin(), workloads.end(), [](const Workload& w) {
          return absl::StrContains(w.name, "DecideSelection");
        })) {
      if (auto s = office->PrepareSelections(absl::GetFlag(FLAGS_selections));
          !s.ok()) {
        std::cerr << "mobility_bench: cannot score applications: " << s << "\n";
        return 1;
      }
    }

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
      if (!agreements_url.empty() && office != nullptr) {
        auto script =
            Pgbench("pgbench.allocate_release", level, length,
                    {"-f", absl::GetFlag(FLAGS_allocation_script), "-D",
                     absl::StrCat("year=", office->start_year())},
                    agreements_url);
        if (!script.ok()) {
          std::cerr << script.status() << "\n";
          return 1;
        }
        runs.push_back(*script);
      }
      for (Run& run : MeasureInTurns(workloads, level, length, turns))
        runs.push_back(std::move(run));
      std::cerr << "." << std::flush;
    }
    std::cerr << "\n";
  }
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
  mobility::ParseFlags(argc, argv,
                       "Measures the running services against this machine's "
                       "limits; see deploy/bench.sh.");
  return mobility::Main();
}
