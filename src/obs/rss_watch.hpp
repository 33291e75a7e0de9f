// RssWatch: the memory-leak watch. A thread samples the resident set size
// every `period` and fits a least-squares line through the samples of the last
// `window`; its slope (bytes per second) is exported as the gauge
// auralis_rss_slope_bytes_per_second, together with the sample count used
// (auralis_rss_slope_samples), so an operator alerts on sustained growth, not
// on a single allocation burst.
//
// Thread rules: start()/stop() on the owner thread; slope() and samples() from
// any thread (atomics). The pure function linearSlope() is for tests too.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

#include "obs/metrics.hpp"

namespace auralis::obs {

/// Least-squares slope of (t, y) points; 0 with fewer than two distinct times.
double linearSlope(const std::deque<std::pair<double, double>>& points);

/// The resident set size in bytes, from /proc/self/statm (0 if unreadable).
double residentBytes();

class RssWatch {
 public:
  /// `sample` returns bytes (residentBytes by default; tests inject their own).
  RssWatch(std::chrono::duration<double> period, std::chrono::duration<double> window,
           std::function<double()> sample = residentBytes);
  ~RssWatch();
  RssWatch(const RssWatch&) = delete;
  RssWatch& operator=(const RssWatch&) = delete;

  /// Registers the two gauges. Set-up.
  void registerMetrics(Registry& registry);
  void start();
  void stop();
  /// Takes one sample now at time `t` seconds (the thread calls it; tests may too).
  void addSample(double t, double bytes);

  double slope() const { return slope_.load(std::memory_order_relaxed); }
  std::size_t samples() const { return count_.load(std::memory_order_relaxed); }

 private:
  void run();

  const double period_;
  const double window_;
  std::function<double()> sample_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::deque<std::pair<double, double>> points_;
  std::thread thread_;
  std::atomic<double> slope_{0.0};
  std::atomic<std::size_t> count_{0};
};

}  // namespace auralis::obs
