#include "obs/rss_watch.hpp"
#include "core/thread_name.hpp"

#include <unistd.h>

#include <fstream>

namespace auralis::obs {

double linearSlope(const std::deque<std::pair<double, double>>& points) {
  const auto n = static_cast<double>(points.size());
  if (points.size() < 2) return 0.0;
  // Centre on the means first: RSS values are ~1e8 and times grow without
  // bound, so the textbook sums would lose most of their digits.
  double mt = 0, my = 0;
  for (const auto& [t, y] : points) {
    mt += t;
    my += y;
  }
  mt /= n;
  my /= n;
  double sxy = 0, sxx = 0;
  for (const auto& [t, y] : points) {
    sxy += (t - mt) * (y - my);
    sxx += (t - mt) * (t - mt);
  }
  return sxx > 0 ? sxy / sxx : 0.0;
}

double residentBytes() {
  std::ifstream in("/proc/self/statm");
  double size = 0, resident = 0;
  if (!(in >> size >> resident)) return 0.0;
  return resident * static_cast<double>(sysconf(_SC_PAGESIZE));
}

RssWatch::RssWatch(std::chrono::duration<double> period, std::chrono::duration<double> window,
                   std::function<double()> sample)
    : period_(period.count()), window_(window.count()), sample_(std::move(sample)) {}

RssWatch::~RssWatch() {
  stop();
}

void RssWatch::registerMetrics(Registry& registry) {
  registry.gaugeFn("auralis_rss_slope_bytes_per_second",
                   "Slope of a least-squares line through resident memory samples over the "
                   "leak-watch window; sustained positive values suggest a leak.",
                   {}, [this] { return slope(); });
  registry.gaugeFn("auralis_rss_slope_samples", "RSS samples in the leak-watch window.", {},
                   [this] { return static_cast<double>(samples()); });
}

void RssWatch::addSample(double t, double bytes) {
  std::lock_guard lock(mutex_);
  points_.emplace_back(t, bytes);
  while (!points_.empty() && points_.front().first < t - window_) points_.pop_front();
  slope_.store(linearSlope(points_), std::memory_order_relaxed);
  count_.store(points_.size(), std::memory_order_relaxed);
}

void RssWatch::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] {
    core::nameThisThread("au-rss");
    run();
  });
}

void RssWatch::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RssWatch::run() {
  const auto origin = std::chrono::steady_clock::now();
  for (;;) {
    const double t =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - origin).count();
    addSample(t, sample_());
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, std::chrono::duration<double>(period_), [this] { return stopping_; }))
      return;
  }
}

}  // namespace auralis::obs
