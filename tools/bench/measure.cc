#include "tools/bench/measure.h"

#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/rpc_method.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace mobility {
namespace {

double Percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[static_cast<size_t>(p * (sorted.size() - 1) + 0.5)];
}

Run Finish(Run run, std::vector<double> latencies, absl::Duration wall) {
  std::sort(latencies.begin(), latencies.end());
  run.calls = static_cast<int64_t>(latencies.size());
  run.throughput_per_s = (run.calls - run.errors) / absl::ToDoubleSeconds(wall);
  run.p50_ms = Percentile(latencies, 0.50);
  run.p99_ms = Percentile(latencies, 0.99);
  return run;
}

}  // namespace

std::vector<Run> MeasureInTurns(const std::vector<Workload>& workloads,
                                int concurrency, absl::Duration length,
                                int turns) {
  struct Sample {
    std::vector<double> latencies;
    int64_t errors = 0;
    absl::Duration wall;
  };
  std::vector<Sample> samples(workloads.size());
  for (int turn = 0; turn < turns; ++turn) {
    for (size_t w = 0; w < workloads.size(); ++w) {
      const auto& call = workloads[w].call;
      if (turn == 0) {
        // A short warm-up: connections and caches, not measured.
        std::vector<std::thread> warm;
        for (int c = 0; c < concurrency; ++c)
          warm.emplace_back([&, c] {
            for (int i = 0; i < 3; ++i) call(c);
          });
        for (auto& t : warm) t.join();
      }
      std::vector<std::vector<double>> latencies(concurrency);
      std::atomic<int64_t> errors{0};
      const absl::Time start = absl::Now();
      const absl::Time end = start + length / turns;
      std::vector<std::thread> threads;
      for (int c = 0; c < concurrency; ++c) {
        threads.emplace_back([&, c] {
          for (absl::Time t0 = absl::Now(); t0 < end; t0 = absl::Now()) {
            if (!call(c)) errors.fetch_add(1);
            latencies[c].push_back(
                absl::ToDoubleMilliseconds(absl::Now() - t0));
          }
        });
      }
      for (auto& t : threads) t.join();
      Sample& sample = samples[w];
      sample.wall += absl::Now() - start;
      sample.errors += errors.load();
      for (auto& l : latencies)
        sample.latencies.insert(sample.latencies.end(), l.begin(), l.end());
    }
  }
  std::vector<Run> runs;
  for (size_t w = 0; w < workloads.size(); ++w) {
    Run run;
    run.workload = workloads[w].name;
    run.limit = workloads[w].limit;
    run.concurrency = concurrency;
    run.errors = samples[w].errors;
    runs.push_back(Finish(std::move(run), std::move(samples[w].latencies),
                          samples[w].wall));
  }
  return runs;
}

bool HealthCheck(grpc::Channel* channel) {
  static const grpc::internal::RpcMethod kCheck(
      "/grpc.health.v1.Health/Check", grpc::internal::RpcMethod::NORMAL_RPC);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  grpc::Slice empty("");
  grpc::ByteBuffer request(&empty, 1), response;
  return grpc::internal::BlockingUnaryCall(channel, kCheck, &context, request,
                                           &response)
      .ok();
}

absl::StatusOr<Run> Pgbench(const std::string& workload, int concurrency,
                            absl::Duration length,
                            const std::vector<std::string>& args,
                            const std::string& url) {
  const std::string dir =
      absl::StrCat(std::filesystem::temp_directory_path().string(),
                   "/mobility-pgbench-", getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const int seconds =
      std::max(1, static_cast<int>(absl::ToInt64Seconds(length)));
  std::string command = absl::StrCat(
      "pgbench -n -M prepared -c ", concurrency, " -j ",
      std::min(concurrency, 2), " -T ", seconds, " -l --log-prefix=", dir,
      "/tx ", absl::StrJoin(args, " "), " '", url, "' 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return absl::UnavailableError("cannot run pgbench");
  std::string output;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0)
    output.append(buffer, n);
  const int status = pclose(pipe);
  if (status != 0) {
    std::filesystem::remove_all(dir);
    return absl::UnavailableError(absl::StrCat("pgbench failed: ", output));
  }
  Run run;
  run.workload = workload;
  run.concurrency = concurrency;
  std::vector<double> latencies;
  int64_t first_us = INT64_MAX, last_us = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream log(entry.path());
    std::string line;
    // client transaction latency_us script epoch_s epoch_us
    while (std::getline(log, line)) {
      std::vector<std::string> f = absl::StrSplit(line, ' ');
      int64_t latency = 0, epoch_s = 0, epoch_us = 0;
      if (f.size() < 6 || !absl::SimpleAtoi(f[2], &latency) ||
          !absl::SimpleAtoi(f[4], &epoch_s) ||
          !absl::SimpleAtoi(f[5], &epoch_us)) {
        continue;
      }
      latencies.push_back(latency / 1000.0);
      const int64_t done_us = epoch_s * 1'000'000 + epoch_us;
      first_us = std::min(first_us, done_us - latency);
      last_us = std::max(last_us, done_us);
    }
  }
  std::filesystem::remove_all(dir);
  if (latencies.empty())
    return absl::UnavailableError("pgbench logged nothing");
  return Finish(std::move(run), std::move(latencies),
                absl::Microseconds(last_us - first_us));
}

int64_t RssKib(int pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    int64_t kib = 0;
    if (line.rfind("VmRSS:", 0) == 0 &&
        absl::SimpleAtoi(
            absl::StripAsciiWhitespace(
                absl::string_view(line).substr(6, line.size() - 9)),
            &kib)) {
      return kib;
    }
  }
  return -1;
}

std::string Json(
    const std::vector<Run>& runs,
    const std::map<std::string, std::pair<int64_t, int64_t>>& rss) {
  std::string out = "{\n  \"runs\": [\n";
  for (size_t i = 0; i < runs.size(); ++i) {
    const Run& r = runs[i];
    absl::StrAppendFormat(
        &out,
        "    {\"workload\": \"%s\", \"concurrency\": %d, "
        "\"throughput_per_s\": %.1f, \"p50_ms\": %.3f, \"p99_ms\": %.3f, "
        "\"errors\": %d, \"calls\": %d, \"limit\": \"%s\"}%s\n",
        r.workload, r.concurrency, r.throughput_per_s, r.p50_ms, r.p99_ms,
        r.errors, r.calls, r.limit, i + 1 < runs.size() ? "," : "");
  }
  out += "  ],\n  \"rss_kib\": {";
  bool first = true;
  for (const auto& [service, kib] : rss) {
    absl::StrAppendFormat(&out,
                          "%s\n    \"%s\": {\"idle\": %d, \"loaded\": %d}",
                          first ? "" : ",", service, kib.first, kib.second);
    first = false;
  }
  out += "\n  }\n}\n";
  return out;
}

}  // namespace mobility
