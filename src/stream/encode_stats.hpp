// EncodeStats: how long the Broadcaster's encoders take per chunk, as a
// fixed-bucket histogram of relaxed atomics, so the metrics scrape (any thread)
// reads it while the stream thread records without a lock.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace auralis::stream {

struct EncodeStats {
  /// Upper bounds (seconds) of the buckets; +Inf follows. A 20 ms Opus chunk
  /// normally encodes in tens of microseconds; a PCM16 chunk in a few.
  static constexpr std::array<double, 10> kBounds = {5e-6,   10e-6,  25e-6, 50e-6, 100e-6,
                                                     250e-6, 500e-6, 1e-3,  5e-3,  20e-3};
  /// Non-cumulative counts per bucket; the last one is +Inf.
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> counts{};
  /// Sum of the recorded times, in nanoseconds (an integer keeps it one atomic add).
  std::atomic<std::uint64_t> sumNanos{0};

  /// Stream thread: `chunks` chunks took `elapsed` together; each is recorded
  /// at the mean (the encoders run chunk by chunk inside one push).
  void record(std::chrono::nanoseconds elapsed, int chunks) noexcept {
    if (chunks <= 0) return;
    const auto nanos = static_cast<std::uint64_t>(elapsed.count() > 0 ? elapsed.count() : 0);
    const double each = static_cast<double>(nanos) / chunks / 1e9;
    std::size_t bucket = 0;
    while (bucket < kBounds.size() && each > kBounds[bucket]) ++bucket;
    counts[bucket].fetch_add(static_cast<std::uint64_t>(chunks), std::memory_order_relaxed);
    sumNanos.fetch_add(nanos, std::memory_order_relaxed);
  }
};

}  // namespace auralis::stream
