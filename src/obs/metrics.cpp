#include "obs/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <variant>

namespace auralis::obs {
namespace {

enum Type { kCounter = 0, kGauge = 1, kHistogram = 2 };
constexpr const char* kTypeNames[] = {"counter", "gauge", "histogram"};

bool validName(const std::string& s, bool allowColon) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool ok = alpha || (allowColon && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// Prometheus (Go ParseFloat) syntax: shortest round-trip decimal, +Inf/-Inf/NaN.
std::string formatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general);
  return std::string(buf, r.ptr);
}

std::string escapeLabel(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string escapeHelp(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string labelText(const Labels& labels, const std::string& extraName = {},
                      const std::string& extraValue = {}) {
  if (labels.empty() && extraName.empty()) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    out += (first ? "" : ",") + k + "=\"" + escapeLabel(v) + "\"";
    first = false;
  }
  if (!extraName.empty()) out += (first ? "" : ",") + extraName + "=\"" + extraValue + "\"";
  return out + "}";
}

nlohmann::json finiteOrNull(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

}  // namespace

struct Registry::Family {
  std::string name;
  std::string help;
  int type = kCounter;
  struct Series {
    Labels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
    std::function<double()> read;
    std::function<HistogramSnapshot()> readHistogram;

    double value() const {
      if (read) return read();
      if (counter) return static_cast<double>(counter->value());
      if (gauge) return gauge->value();
      return 0.0;
    }
    HistogramSnapshot snapshot() const {
      return readHistogram ? readHistogram() : histogram->snapshot();
    }
  };
  std::vector<Series> series;

  Series& add(const Labels& labels) {
    for (const auto& [k, v] : labels) {
      if (!validName(k, false) || k.rfind("__", 0) == 0 || k == "le") {
        throw std::invalid_argument("bad label name '" + k + "' on " + name);
      }
    }
    for (const auto& s : series) {
      if (s.labels == labels) throw std::invalid_argument("duplicate series of " + name);
    }
    series.emplace_back();
    series.back().labels = labels;
    return series.back();
  }
};

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1])) {
      throw std::invalid_argument("histogram bounds must be finite and increasing");
    }
  }
  for (std::size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0);
}

void Histogram::observe(double v) noexcept {
  std::size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  if (std::isfinite(v)) sum_.fetch_add(v, std::memory_order_relaxed);
}

HistogramSnapshot Histogram::snapshot() const {
  HistogramSnapshot s;
  s.bounds = bounds_;
  s.counts.resize(bounds_.size() + 1);
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    s.counts[i] = counts_[i].load(std::memory_order_relaxed);
  }
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Family& Registry::family(const std::string& name, const std::string& help, int type) {
  if (!validName(name, true)) throw std::invalid_argument("bad metric name '" + name + "'");
  for (auto& f : families_) {
    if (f->name == name) {
      if (f->type != type) throw std::invalid_argument("metric " + name + " has another type");
      return *f;
    }
  }
  families_.push_back(std::make_unique<Family>());
  families_.back()->name = name;
  families_.back()->help = help;
  families_.back()->type = type;
  return *families_.back();
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& s = family(name, help, kCounter).add(labels);
  s.counter = std::make_unique<Counter>();
  return *s.counter;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& s = family(name, help, kGauge).add(labels);
  s.gauge = std::make_unique<Gauge>();
  return *s.gauge;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               std::vector<double> bounds, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto h = std::make_unique<Histogram>(std::move(bounds));
  auto& s = family(name, help, kHistogram).add(labels);
  s.histogram = std::move(h);
  return *s.histogram;
}

void Registry::counterFn(const std::string& name, const std::string& help, const Labels& labels,
                         std::function<double()> read) {
  std::lock_guard lock(mutex_);
  family(name, help, kCounter).add(labels).read = std::move(read);
}

void Registry::gaugeFn(const std::string& name, const std::string& help, const Labels& labels,
                       std::function<double()> read) {
  std::lock_guard lock(mutex_);
  family(name, help, kGauge).add(labels).read = std::move(read);
}

void Registry::histogramFn(const std::string& name, const std::string& help, const Labels& labels,
                           std::function<HistogramSnapshot()> read) {
  std::lock_guard lock(mutex_);
  family(name, help, kHistogram).add(labels).readHistogram = std::move(read);
}

std::string Registry::prometheusText() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& f : families_) {
    out += "# HELP " + f->name + " " + escapeHelp(f->help) + "\n";
    out += "# TYPE " + f->name + " " + kTypeNames[f->type] + "\n";
    for (const auto& s : f->series) {
      if (f->type != kHistogram) {
        out += f->name + labelText(s.labels) + " " + formatValue(s.value()) + "\n";
        continue;
      }
      const HistogramSnapshot h = s.snapshot();
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < h.counts.size(); ++i) {
        cumulative += h.counts[i];
        const std::string le = i < h.bounds.size() ? formatValue(h.bounds[i]) : "+Inf";
        out += f->name + "_bucket" + labelText(s.labels, "le", le) + " " +
               std::to_string(cumulative) + "\n";
      }
      out += f->name + "_sum" + labelText(s.labels) + " " + formatValue(h.sum) + "\n";
      out += f->name + "_count" + labelText(s.labels) + " " + std::to_string(cumulative) + "\n";
    }
  }
  return out;
}

nlohmann::json Registry::toJson() const {
  std::lock_guard lock(mutex_);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& f : families_) {
    nlohmann::json series = nlohmann::json::array();
    for (const auto& s : f->series) {
      nlohmann::json labels = nlohmann::json::object();
      for (const auto& [k, v] : s.labels) labels[k] = v;
      nlohmann::json entry = {{"labels", std::move(labels)}};
      if (f->type != kHistogram) {
        entry["value"] = finiteOrNull(s.value());
      } else {
        const HistogramSnapshot h = s.snapshot();
        nlohmann::json buckets = nlohmann::json::array();
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < h.counts.size(); ++i) {
          cumulative += h.counts[i];
          buckets.push_back(
              {{"le", i < h.bounds.size() ? nlohmann::json(h.bounds[i]) : nlohmann::json("+Inf")},
               {"count", cumulative}});
        }
        entry["buckets"] = std::move(buckets);
        entry["count"] = cumulative;
        entry["sum"] = finiteOrNull(h.sum);
      }
      series.push_back(std::move(entry));
    }
    out[f->name] = {{"type", kTypeNames[f->type]}, {"help", f->help}, {"series", series}};
  }
  return out;
}

std::vector<double> durationBuckets() {
  return {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0};
}

}  // namespace auralis::obs
