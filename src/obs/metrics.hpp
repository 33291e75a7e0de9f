// A small metrics registry: counters, gauges and fixed-bucket histograms, with
// labels, exposed as Prometheus text format 0.0.4 and as JSON.
//
// Values live in atomics (owned Counter/Gauge/Histogram) or are read through a
// callback (counterFn/gaugeFn/histogramFn) at scrape time, so the module that
// owns a figure (the engine's deadline-miss counter, the server's client count)
// never depends on obs: the app registers a callback that loads its atomic.
//
// Thread rules
//   registration (counter(), gaugeFn(), ...): any non-real-time thread, at set-up;
//     throws std::invalid_argument for a bad name or a type clash.
//   Counter::inc, Gauge::set/add, Histogram::observe: any thread, the audio thread
//     included: lock-free, noexcept, no allocation.
//   prometheusText(), toJson(): any non-real-time thread (the HTTP handler).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace auralis::obs {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  /// Any thread; lock-free.
  void inc(std::uint64_t n = 1) noexcept { v_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> v_{0};
};

class Gauge {
 public:
  /// Any thread; lock-free.
  void set(double v) noexcept { v_.store(v, std::memory_order_relaxed); }
  void add(double d) noexcept { v_.fetch_add(d, std::memory_order_relaxed); }
  double value() const noexcept { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0.0};
};

/// A histogram read at scrape time: per-bucket (not cumulative) counts, one per
/// upper bound plus a final +Inf bucket.
struct HistogramSnapshot {
  std::vector<double> bounds;
  std::vector<std::uint64_t> counts;  // bounds.size() + 1
  double sum = 0.0;
};

class Histogram {
 public:
  /// `bounds`: strictly increasing finite upper bounds.
  explicit Histogram(std::vector<double> bounds);
  /// Any thread, audio thread included; lock-free.
  void observe(double v) noexcept;
  HistogramSnapshot snapshot() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<double> sum_{0.0};
};

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  /// Set-up. The returned reference stays valid for the registry's lifetime.
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, std::vector<double> bounds,
                       const Labels& labels = {});
  /// Set-up. Values read through `read` at scrape time (it must be thread-safe).
  void counterFn(const std::string& name, const std::string& help, const Labels& labels,
                 std::function<double()> read);
  void gaugeFn(const std::string& name, const std::string& help, const Labels& labels,
               std::function<double()> read);
  void histogramFn(const std::string& name, const std::string& help, const Labels& labels,
                   std::function<HistogramSnapshot()> read);

  /// Prometheus text exposition format 0.0.4.
  std::string prometheusText() const;
  /// {"name":{"type":..,"help":..,"series":[{"labels":{..},"value":..}]}}; histogram
  /// series carry "count", "sum" and cumulative "buckets":[{"le":..,"count":..}].
  /// Non-finite numbers become null (standard JSON).
  nlohmann::json toJson() const;

  struct Family;

 private:
  Family& family(const std::string& name, const std::string& help, int type);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Family>> families_;
};

/// Default buckets for durations in seconds (audio callbacks, frame intervals).
std::vector<double> durationBuckets();

/// Registers process_resident_memory_bytes, process_virtual_memory_bytes,
/// process_cpu_seconds_total, process_open_fds, process_max_fds,
/// process_threads and process_start_time_seconds, read from /proc/self.
void addProcessMetrics(Registry& registry);

}  // namespace auralis::obs
