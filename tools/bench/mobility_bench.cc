// mobility_bench: a bounded load generator for the running services on this
// machine (start them with deploy/run.sh, which loads the demo data the
// workloads use). Each client runs --requests calls of each workload;
// latencies and throughput go to --output.
//
//   mobility_bench --signing_key var/keys/jwt-private.pem
#include <algorithm>
#include <fstream>
#include <iostream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/client.h"
#include "common/types.h"
#include "mobility/agreements/v1/agreements.grpc.pb.h"
#include "mobility/grants/v1/grants.grpc.pb.h"

ABSL_FLAG(std::string, address, "127.0.0.1:50051", "agreements service");
ABSL_FLAG(std::string, grants_address, "127.0.0.1:50053", "grants service");
ABSL_FLAG(std::string, budget, "budgets/ka107-2016-kz",
          "a budget for the report workload");
ABSL_FLAG(std::string, signing_key, "",
          "PEM key to mint tokens (env MOBILITY_JWT_PRIVATE_KEY_FILE)");
ABSL_FLAG(std::string, agreement, "agreements/ka171-2025-kz-lv",
          "an approved agreement");
ABSL_FLAG(std::string, condition, "kz-lv-training",
          "a condition of it with a free mobility");
ABSL_FLAG(std::string, year, "2028/2029", "an academic year of it");
ABSL_FLAG(int, clients, 8, "concurrent clients");
ABSL_FLAG(int, requests, 300, "calls per client and workload");
ABSL_FLAG(std::string, output, "var/bench/agreements.txt",
          "file the figures are written to");

namespace mobility {
namespace {

namespace v1 = ::mobility::agreements::v1;

struct Result {
  std::string workload;
  std::vector<double> latencies_ms;
  int errors = 0;
  absl::Duration wall;
};

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(p * (values.size() - 1) + 0.5);
  return values[index];
}

// Runs `call(client, i)` --requests times on each of --clients threads.
template <typename Call>
Result RunWorkload(const std::string& name, Call call) {
  const int clients = absl::GetFlag(FLAGS_clients);
  const int requests = absl::GetFlag(FLAGS_requests);
  std::vector<std::vector<double>> latencies(clients);
  std::vector<int> errors(clients, 0);
  absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      for (int i = 0; i < requests; ++i) {
        absl::Time t0 = absl::Now();
        bool ok = call(c, i);
        latencies[c].push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
        if (!ok) ++errors[c];
      }
    });
  }
  for (auto& t : threads) t.join();
  Result result{name, {}, 0, absl::Now() - start};
  for (int c = 0; c < clients; ++c) {
    result.latencies_ms.insert(result.latencies_ms.end(), latencies[c].begin(),
                               latencies[c].end());
    result.errors += errors[c];
  }
  return result;
}

int Main() {
  std::string key_file = absl::GetFlag(FLAGS_signing_key);
  if (key_file.empty() &&
      std::getenv("MOBILITY_JWT_PRIVATE_KEY_FILE") != nullptr) {
    key_file = std::getenv("MOBILITY_JWT_PRIVATE_KEY_FILE");
  }
  std::ifstream key_in(key_file);
  if (!key_in) {
    std::cerr << "mobility_bench: needs --signing_key or "
                 "MOBILITY_JWT_PRIVATE_KEY_FILE\n";
    return 2;
  }
  std::string pem((std::istreambuf_iterator<char>(key_in)), {});
  auto signer = TokenSigner::FromPrivateKeyPem(pem);
  if (!signer.ok()) {
    std::cerr << signer.status() << "\n";
    return 2;
  }
  TokenClaims claims;
  claims.subject = "mobility-bench";
  claims.roles = {Role::kService, Role::kFinance};
  claims.issued_at = absl::Now();
  auto token = signer->Sign(claims);
  if (!token.ok()) {
    std::cerr << token.status() << "\n";
    return 2;
  }
  auto channel = NewChannel(absl::GetFlag(FLAGS_address));
  auto stub = v1::AgreementsService::NewStub(channel);
  const std::string agreement = absl::GetFlag(FLAGS_agreement);
  auto context = [&] {
    OutboundCall call;
    call.bearer_token = *token;
    return NewClientContext(call);
  };

  std::vector<Result> results;
  results.push_back(RunWorkload("GetAgreement", [&](int, int) {
    v1::GetAgreementRequest request;
    request.set_name(agreement);
    v1::Agreement response;
    return stub->GetAgreement(context().get(), request, &response).ok();
  }));
  results.push_back(RunWorkload("ListAgreements", [&](int, int) {
    v1::ListAgreementsRequest request;
    v1::ListAgreementsResponse response;
    return stub->ListAgreements(context().get(), request, &response).ok();
  }));
  results.push_back(RunWorkload("GetQuotaUsage", [&](int, int) {
    v1::GetQuotaUsageRequest request;
    request.set_agreement(agreement);
    v1::QuotaUsage response;
    return stub->GetQuotaUsage(context().get(), request, &response).ok();
  }));
  // Allocate then release, so the quota is left as it was found. Every client
  // contends for the same condition, the worst case of the agreement row lock.
  const std::string run = absl::StrCat(absl::ToUnixMicros(absl::Now()));
  results.push_back(RunWorkload("AllocateMobility+ReleaseMobility", [&](int c,
                                                                        int i) {
    const std::string key = absl::StrCat("bench/", run, "/", c, "/", i);
    v1::AllocateMobilityRequest allocate;
    allocate.set_agreement(agreement);
    allocate.set_condition_id(absl::GetFlag(FLAGS_condition));
    allocate.set_academic_year(absl::GetFlag(FLAGS_year));
    allocate.set_allocation_key(key);
    v1::MobilityAllocation allocation;
    grpc::Status s =
        stub->AllocateMobility(context().get(), allocate, &allocation);
    // Contention may leave no free mobility for a moment: that is a correct
    // refusal.
    if (!s.ok()) return s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED;
    v1::ReleaseMobilityRequest release;
    release.set_agreement(agreement);
    release.set_allocation_key(key);
    return stub->ReleaseMobility(context().get(), release, &allocation).ok();
  }));

  namespace g1 = ::mobility::grants::v1;
  auto grants = g1::GrantsService::NewStub(
      NewChannel(absl::GetFlag(FLAGS_grants_address)));
  // A quote asks the agreements service for both institutions, then prices the
  // stay.
  results.push_back(RunWorkload("CalculateGrant", [&](int, int i) {
    g1::CalculateGrantRequest request;
    request.set_programme(g1::KA107);
    request.set_call_year(2018);
    request.set_activity(g1::STAFF_TEACHING);
    request.set_sending_institution("institutions/kokshetau-amu");
    request.set_receiving_institution("institutions/vidzeme-via");
    *request.mutable_start_date() = ToDate(absl::CivilDay(2019, 3, 4));
    *request.mutable_end_date() =
        ToDate(absl::CivilDay(2019, 3, 4) + 4 + i % 50);
    request.set_travel_days(2);
    g1::GrantQuote quote;
    return grants->CalculateGrant(context().get(), request, &quote).ok();
  }));
  results.push_back(RunWorkload("GetBudgetReport", [&](int, int) {
    g1::GetBudgetReportRequest request;
    request.set_budget(absl::GetFlag(FLAGS_budget));
    g1::BudgetReport report;
    return grants->GetBudgetReport(context().get(), request, &report).ok();
  }));

  std::string report = absl::StrFormat(
      "# mobility_bench %s clients=%d requests_per_client=%d address=%s\n",
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone()),
      absl::GetFlag(FLAGS_clients), absl::GetFlag(FLAGS_requests),
      absl::GetFlag(FLAGS_address));
  for (const auto& r : results) {
    absl::StrAppendFormat(
        &report,
        "%-34s calls=%d errors=%d throughput_per_s=%.0f p50_ms=%.2f "
        "p95_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
        r.workload, r.latencies_ms.size(), r.errors,
        r.latencies_ms.size() / absl::ToDoubleSeconds(r.wall),
        Percentile(r.latencies_ms, 0.50), Percentile(r.latencies_ms, 0.95),
        Percentile(r.latencies_ms, 0.99), Percentile(r.latencies_ms, 1.0));
  }
  std::ofstream out(absl::GetFlag(FLAGS_output));
  if (!out) {
    std::cerr << "mobility_bench: cannot write " << absl::GetFlag(FLAGS_output)
              << "\n";
    return 1;
  }
  out << report;
  std::cout << report;
  int errors = 0;
  for (const auto& r : results) errors += r.errors;
  return errors == 0 ? 0 : 1;
}

}  // namespace
}  // namespace mobility

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return mobility::Main();
}
