#include "io/clock_backend.hpp"

#include <time.h>

#include <cmath>
#include <vector>

#include "core/thread_name.hpp"
#include "io/realtime_thread.hpp"

namespace auralis::io {

namespace {

std::int64_t nowNanos() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000LL + ts.tv_nsec;
}

void sleepUntil(std::int64_t deadline) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(deadline / 1'000'000'000LL);
  ts.tv_nsec = static_cast<long>(deadline % 1'000'000'000LL);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) != 0) {
  }
}

}  // namespace

Status ClockBackend::open(const BackendConfig& config) {
  config_ = config;
  return Ok{};
}

Status ClockBackend::start(engine::Engine& engine) {
  if (running_.exchange(true)) return makeError("internal", "clock backend already running");
  thread_ = std::thread([this, &engine] {
    core::nameThisThread("au-audio");
    run(engine);
  });
  return Ok{};
}

void ClockBackend::stop() {
  running_.store(false);
  if (thread_.joinable()) thread_.join();
}

void ClockBackend::run(engine::Engine& engine) {
  if (config_.realtimePriority) realtime_.store(requestRealtimePriority());
  const int frames = config_.blockFrames;
  std::vector<float> left(static_cast<std::size_t>(frames)), right(left.size());
  float* out[2] = {left.data(), right.data()};

  const double periodNanos = 1e9 * frames / config_.sampleRate;
  // A wake-up this far behind is a machine stall, not a slow block: skip
  // ahead rather than render a burst of catch-up blocks.
  const auto resyncAfter = static_cast<std::int64_t>(std::max(periodNanos * 8, 50e6));
  std::int64_t anchor = nowNanos();
  std::int64_t block = 0;
  while (running_.load(std::memory_order_relaxed)) {
    engine.process(nullptr, 0, out, frames);
    ++block;
    const auto deadline = anchor + static_cast<std::int64_t>(std::llround(block * periodNanos));
    const auto now = nowNanos();
    if (now - deadline > resyncAfter) {
      anchor = now;
      block = 0;
      resyncs_.fetch_add(1);
      continue;
    }
    if (deadline > now) sleepUntil(deadline);
  }
}

}  // namespace auralis::io
