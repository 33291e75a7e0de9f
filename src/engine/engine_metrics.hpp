// EngineMetrics: counters the audio thread bumps with relaxed atomics and any
// other thread reads (metrics exposition, logger, tests). Nothing here locks.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>

#include "music/note_event.hpp"

namespace auralis::engine {

/// Callback-time histogram with log-spaced buckets: bucket k holds durations up
/// to 2^(k/4) microseconds (1 us .. ~190 ms), the last one everything above.
class CallbackHistogram {
 public:
  static constexpr int kBuckets = 72;

  /// Upper edge of bucket k in seconds.
  static double upperEdgeSeconds(int k) { return std::exp2(k / 4.0) * 1e-6; }

  /// Audio thread. Wait-free.
  void record(std::uint64_t nanos) noexcept {
    counts_[static_cast<std::size_t>(bucketFor(nanos))].fetch_add(1, std::memory_order_relaxed);
    sumNanos_.fetch_add(nanos, std::memory_order_relaxed);
    auto prev = maxNanos_.load(std::memory_order_relaxed);
    while (nanos > prev &&
           !maxNanos_.compare_exchange_weak(prev, nanos, std::memory_order_relaxed)) {
    }
  }

  std::uint64_t count(int k) const {
    return counts_[static_cast<std::size_t>(k)].load(std::memory_order_relaxed);
  }
  std::uint64_t total() const {
    std::uint64_t n = 0;
    for (const auto& c : counts_) n += c.load(std::memory_order_relaxed);
    return n;
  }
  double sumSeconds() const {
    return static_cast<double>(sumNanos_.load(std::memory_order_relaxed)) * 1e-9;
  }
  double maxSeconds() const {
    return static_cast<double>(maxNanos_.load(std::memory_order_relaxed)) * 1e-9;
  }
  /// Upper bucket edge below which fraction q of the samples fall (0 when empty).
  double quantileSeconds(double q) const {
    const auto n = total();
    if (n == 0) return 0.0;
    const auto target = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(n)));
    std::uint64_t seen = 0;
    for (int k = 0; k <= kBuckets; ++k) {
      seen += count(k);
      if (seen >= target) return k < kBuckets ? upperEdgeSeconds(k) : maxSeconds();
    }
    return maxSeconds();
  }

 private:
  static int bucketFor(std::uint64_t nanos) noexcept {
    const double us = static_cast<double>(nanos) * 1e-3;
    if (us <= 1.0) return 0;
    const int k = static_cast<int>(std::ceil(4.0 * std::log2(us)));
    return k > kBuckets ? kBuckets : k;
  }

  std::array<std::atomic<std::uint64_t>, kBuckets + 1> counts_{};
  std::atomic<std::uint64_t> sumNanos_{0};
  std::atomic<std::uint64_t> maxNanos_{0};
};

/// Fixed buckets in samples; record() is wait-free (audio thread), the rest any thread.
class ResponseLatencyHistogram {
 public:
  static constexpr std::array<std::int64_t, 10> kBounds = {16,  32,  48,  64,  96,
                                                           128, 192, 256, 512, 1024};
  void record(std::int64_t samples) noexcept {
    std::size_t k = 0;
    while (k < kBounds.size() && samples > kBounds[k]) ++k;
    counts_[k].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(0, samples)),
                   std::memory_order_relaxed);
    last_.store(samples, std::memory_order_relaxed);
  }
  /// Per-bucket (not cumulative) count; k == kBounds.size() is +Inf.
  std::uint64_t count(std::size_t k) const noexcept {
    return counts_[k].load(std::memory_order_relaxed);
  }
  std::uint64_t sum() const noexcept { return sum_.load(std::memory_order_relaxed); }
  std::int64_t last() const noexcept { return last_.load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> counts_{};
  std::atomic<std::uint64_t> sum_{0};
  std::atomic<std::int64_t> last_{-1};
};

/// Note timing in seconds (planning lead, lateness) with fixed buckets; record()
/// is wait-free (audio thread allowed), the rest any thread.
class NoteTimingHistogram {
 public:
  static constexpr std::array<double, 12> kBounds = {0.0,  0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05, 0.1,   0.25,   0.5,   1.0,  2.0};
  void record(double seconds) noexcept {
    std::size_t k = 0;
    while (k < kBounds.size() && seconds > kBounds[k]) ++k;
    counts_[k].fetch_add(1, std::memory_order_relaxed);
    sumMicros_.fetch_add(static_cast<std::int64_t>(seconds * 1e6), std::memory_order_relaxed);
  }
  /// Per-bucket (not cumulative) count; k == kBounds.size() is +Inf.
  std::uint64_t count(std::size_t k) const noexcept {
    return counts_[k].load(std::memory_order_relaxed);
  }
  double sumSeconds() const noexcept {
    return static_cast<double>(sumMicros_.load(std::memory_order_relaxed)) * 1e-6;
  }

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> counts_{};
  std::atomic<std::int64_t> sumMicros_{0};
};

struct EngineMetrics {
  std::atomic<std::uint64_t> blocks{0};
  std::atomic<std::uint64_t> frames{0};
  std::atomic<std::uint64_t> deadlineMisses{0};  // a block that took longer than its period
  std::atomic<std::uint64_t> underruns{0};       // device asked and got silence (backend-reported)
  std::atomic<std::uint64_t> nanEvents{0};       // blocks replaced by silence
  std::atomic<std::uint64_t> lateNotes{0};       // notes that arrived after their start sample
  std::atomic<std::uint64_t> droppedNotes{0};    // scheduler full, or no such instrument
  std::atomic<std::uint64_t> commandsApplied{0};
  std::atomic<std::uint64_t> notesStarted{0};
  std::atomic<int> activeVoices{0};
  std::atomic<float> limiterGainReductionDb{0.0F};  // worst in the last block, >= 0
  std::atomic<float> peakLinear{0.0F};              // master peak of the last block
  std::atomic<float> loudnessTrimDb{0.0F};          // the loudness loop's trim last applied
  std::atomic<std::uint64_t> inputOnsets{0};        // onsets the audio-thread detector found
  std::atomic<std::uint64_t> responsesStarted{0};   // answers started on the Response channel
  /// Input onset (the input sample the detector fired on) to the response's
  /// first output sample (its start plus the master's latency), in samples.
  ResponseLatencyHistogram responseLatency;
  /// Per channel (music::Channel): when each note sounded minus when it was due
  /// (0 for a note on time; a late note sounds at its block's first sample).
  std::array<NoteTimingHistogram, music::kChannelCount> noteLateness;
  CallbackHistogram callback;
};

}  // namespace auralis::engine
