#include "common/metrics.h"

#include <cmath>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace mobility::metrics {
namespace {

// Label values escaped as the exposition format asks: \\, \" and \n.
void AppendEscaped(std::string& out, absl::string_view value) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

// name{a="x",b="y"} with `extra` (le="0.5") last; no braces without labels.
void AppendSeries(std::string& out, absl::string_view name,
                  const std::vector<std::string>& labels,
                  const LabelValues& values, absl::string_view extra = "") {
  out.append(name.data(), name.size());
  if (labels.empty() && extra.empty()) return;
  out += '{';
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    absl::StrAppend(&out, labels[i], "=\"");
    AppendEscaped(out, i < values.size() ? values[i] : "");
    out += '"';
  }
  if (!extra.empty()) absl::StrAppend(&out, labels.empty() ? "" : ",", extra);
  out += '}';
}

void AppendHeader(std::string& out, absl::string_view name,
                  absl::string_view help, absl::string_view type) {
  absl::StrAppend(&out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ",
                  type, "\n");
}

std::string Number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return absl::StrCat(v);
}

}  // namespace

void HistogramCell::Observe(absl::Duration d) {
  const double seconds = absl::ToDoubleSeconds(d);
  for (size_t i = 0; i < kBounds.size(); ++i) {
    if (seconds <= kBounds[i]) {
      buckets[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  count.fetch_add(1, std::memory_order_relaxed);
  sum_micros.fetch_add(
      static_cast<uint64_t>(std::max<int64_t>(0, absl::ToInt64Microseconds(d))),
      std::memory_order_relaxed);
}

void Registry::Claim(const std::string& name) {
  for (const std::string& taken : names_) {
    if (taken == name) std::abort();
  }
  names_.push_back(name);
}

Counter Registry::AddCounter(const std::string& name, const std::string& help,
                             std::vector<std::string> labels) {
  absl::MutexLock lock(&mu_);
  Claim(name);
  counters_.push_back(
      std::make_unique<Family<CounterCell>>(name, help, std::move(labels)));
  return Counter(counters_.back().get());
}

Histogram Registry::AddHistogram(const std::string& name,
                                 const std::string& help,
                                 std::vector<std::string> labels) {
  absl::MutexLock lock(&mu_);
  Claim(name);
  histograms_.push_back(
      std::make_unique<Family<HistogramCell>>(name, help, std::move(labels)));
  return Histogram(histograms_.back().get());
}

void Registry::AddGauge(const std::string& name, const std::string& help,
                        std::vector<std::string> labels, GaugeRead read) {
  absl::MutexLock lock(&mu_);
  Claim(name);
  gauges_.push_back(
      Gauge{name, help, "gauge", std::move(labels), std::move(read)});
}

void Registry::AddCounterRead(const std::string& name, const std::string& help,
                              std::vector<std::string> labels, GaugeRead read) {
  absl::MutexLock lock(&mu_);
  Claim(name);
  gauges_.push_back(
      Gauge{name, help, "counter", std::move(labels), std::move(read)});
}

std::string Registry::Render() const {
  std::string out;
  absl::MutexLock lock(&mu_);
  for (const auto& family : counters_) {
    AppendHeader(out, family->name(), family->help(), "counter");
    family->ForEach([&](const LabelValues& values, const CounterCell& cell) {
      AppendSeries(out, family->name(), family->labels(), values);
      absl::StrAppend(&out, " ", cell.value.load(std::memory_order_relaxed),
                      "\n");
    });
  }
  for (const auto& family : histograms_) {
    AppendHeader(out, family->name(), family->help(), "histogram");
    const std::string bucket = family->name() + "_bucket";
    family->ForEach([&](const LabelValues& values, const HistogramCell& cell) {
      uint64_t cumulative = 0;
      for (size_t i = 0; i < HistogramCell::kBounds.size(); ++i) {
        cumulative += cell.buckets[i].load(std::memory_order_relaxed);
        AppendSeries(out, bucket, family->labels(), values,
                     absl::StrCat("le=\"", HistogramCell::kBounds[i], "\""));
        absl::StrAppend(&out, " ", cumulative, "\n");
      }
      // Read once, so +Inf and _count agree even while calls land.
      const uint64_t count = cell.count.load(std::memory_order_relaxed);
      AppendSeries(out, bucket, family->labels(), values, "le=\"+Inf\"");
      absl::StrAppend(&out, " ", std::max(count, cumulative), "\n");
      AppendSeries(out, family->name() + "_sum", family->labels(), values);
      absl::StrAppend(
          &out, " ",
          Number(cell.sum_micros.load(std::memory_order_relaxed) / 1e6), "\n");
      AppendSeries(out, family->name() + "_count", family->labels(), values);
      absl::StrAppend(&out, " ", std::max(count, cumulative), "\n");
    });
  }
  for (const Gauge& gauge : gauges_) {
    auto samples = gauge.read();
    if (!samples.ok()) {
      read_errors_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    AppendHeader(out, gauge.name, gauge.help, gauge.type);
    for (const Sample& sample : *samples) {
      AppendSeries(out, gauge.name, gauge.labels, sample.labels);
      absl::StrAppend(&out, " ", Number(sample.value), "\n");
    }
  }
  AppendHeader(out, "mobility_metrics_read_errors_total",
               "Gauges left out of a scrape because reading them failed.",
               "counter");
  absl::StrAppend(&out, "mobility_metrics_read_errors_total ",
                  read_errors_.load(std::memory_order_relaxed), "\n");
  return out;
}

Registry& Default() {
  static Registry* registry = new Registry();
  return *registry;
}

}  // namespace mobility::metrics
