// A process's Prometheus metrics: counters and latency histograms that the
// serving path bumps with a few atomic adds, gauges read when scraped, and
// the text exposition format (0.0.4) that Prometheus and promtool read.
// Labels never carry a person's data: methods, routes, codes, offices.
#ifndef MOBILITY_COMMON_METRICS_H_
#define MOBILITY_COMMON_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace mobility::metrics {

using LabelValues = std::vector<std::string>;

// One value per label set, each made on its first use and kept for the life
// of the process: label sets are few (methods x codes), so they are never
// dropped.
template <typename Cell>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> labels)
      : name_(std::move(name)),
        help_(std::move(help)),
        labels_(std::move(labels)) {}
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

  // The cell of `values`, one per label name in order.
  Cell& At(const LabelValues& values) {
    {
      absl::ReaderMutexLock lock(&mu_);
      auto it = cells_.find(values);
      if (it != cells_.end()) return *it->second;
    }
    absl::MutexLock lock(&mu_);
    auto& cell = cells_[values];
    if (cell == nullptr) cell = std::make_unique<Cell>();
    return *cell;
  }

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& labels() const { return labels_; }
  // Every label set with its cell, in no particular order.
  template <typename Visit>
  void ForEach(Visit visit) const {
    absl::ReaderMutexLock lock(&mu_);
    for (const auto& [values, cell] : cells_) visit(values, *cell);
  }

 private:
  const std::string name_, help_;
  const std::vector<std::string> labels_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<LabelValues, std::unique_ptr<Cell>> cells_
      ABSL_GUARDED_BY(mu_);
};

struct CounterCell {
  std::atomic<uint64_t> value{0};
};

// Durations in seconds, in buckets from 1 ms to 10 s: a call's latency.
struct HistogramCell {
  static constexpr std::array<double, 13> kBounds = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  std::array<std::atomic<uint64_t>, kBounds.size()> buckets{};  // Not summed.
  std::atomic<uint64_t> count{0};
  std::atomic<uint64_t> sum_micros{0};
  void Observe(absl::Duration d);
};

class Counter {
 public:
  explicit Counter(Family<CounterCell>* family) : family_(family) {}
  // The cell of `values`, to add to without a look-up on a hot path.
  CounterCell& At(const LabelValues& values) { return family_->At(values); }
  void Add(const LabelValues& values, uint64_t n = 1) {
    family_->At(values).value.fetch_add(n, std::memory_order_relaxed);
  }

 private:
  Family<CounterCell>* family_;
};

class Histogram {
 public:
  explicit Histogram(Family<HistogramCell>* family) : family_(family) {}
  HistogramCell& At(const LabelValues& values) { return family_->At(values); }
  void Observe(const LabelValues& values, absl::Duration d) {
    family_->At(values).Observe(d);
  }

 private:
  Family<HistogramCell>* family_;
};

// A gauge's samples, read at each scrape: a label set and its value.
struct Sample {
  LabelValues labels;
  double value = 0;
};
using GaugeRead = std::function<absl::StatusOr<std::vector<Sample>>()>;

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // `name` follows Prometheus' conventions (a counter ends in _total, a
  // duration is in _seconds); registering a name twice is a programming
  // error and aborts.
  Counter AddCounter(const std::string& name, const std::string& help,
                     std::vector<std::string> labels);
  Histogram AddHistogram(const std::string& name, const std::string& help,
                         std::vector<std::string> labels);
  // `read` runs at every scrape, on the scraping thread; when it fails the
  // gauge is left out of that scrape and `mobility_metrics_read_errors_total`
  // counts it.
  void AddGauge(const std::string& name, const std::string& help,
                std::vector<std::string> labels, GaugeRead read);
  // A counter kept elsewhere (an atomic of its own), read the same way.
  void AddCounterRead(const std::string& name, const std::string& help,
                      std::vector<std::string> labels, GaugeRead read);

  // Every metric in the text exposition format, version 0.0.4.
  std::string Render() const;

 private:
  struct Gauge {
    std::string name, help, type;
    std::vector<std::string> labels;
    GaugeRead read;
  };
  void Claim(const std::string& name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::vector<std::string> names_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Family<CounterCell>>> counters_
      ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Family<HistogramCell>>> histograms_
      ABSL_GUARDED_BY(mu_);
  std::vector<Gauge> gauges_ ABSL_GUARDED_BY(mu_);
  mutable std::atomic<uint64_t> read_errors_{0};
};

// The process's registry, which its metrics port serves.
Registry& Default();

}  // namespace mobility::metrics

#endif  // MOBILITY_COMMON_METRICS_H_
