// LevelMeter: RMS and sample-peak level of one channel over a reporting
// period. The producer adds samples; the reader takes the period's figures and
// starts a new period. Plain arithmetic, no state beyond two sums.
//
// Thread rules: one thread at a time per instance; real-time safe (no
// allocation, noexcept), so it may also run on the audio thread.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>

namespace auralis::analysis {

/// Level floor in dBFS reported for digital silence (finite, so JSON stays valid).
inline constexpr float kSilenceDb = -120.0F;

/// dBFS of a linear amplitude, floored at kSilenceDb. Any thread.
inline float amplitudeToDb(double amplitude) noexcept {
  if (!(amplitude > 1e-6)) return kSilenceDb;
  return static_cast<float>(20.0 * std::log10(amplitude));
}

struct LevelReading {
  float rmsDb = kSilenceDb;
  float peakDb = kSilenceDb;
};

class LevelMeter {
 public:
  /// Owner thread. Adds samples read with `stride` (2 for one channel of
  /// interleaved stereo). Non-finite samples are skipped.
  void add(const float* samples, std::size_t frames, std::size_t stride = 1) noexcept {
    for (std::size_t i = 0; i < frames; ++i) {
      const double x = samples[i * stride];
      if (!std::isfinite(x)) continue;
      sumSquares_ += x * x;
      peak_ = std::max(peak_, std::abs(x));
    }
    count_ += frames;
  }
  void add(std::span<const float> mono) noexcept { add(mono.data(), mono.size(), 1); }

  /// Owner thread. The current period's levels (silence when empty).
  LevelReading reading() const noexcept {
    if (count_ == 0) return {};
    return {amplitudeToDb(std::sqrt(sumSquares_ / static_cast<double>(count_))),
            amplitudeToDb(peak_)};
  }
  /// Owner thread. The current period's levels; then a new period starts.
  LevelReading take() noexcept {
    const LevelReading r = reading();
    reset();
    return r;
  }
  void reset() noexcept {
    sumSquares_ = 0.0;
    peak_ = 0.0;
    count_ = 0;
  }

 private:
  double sumSquares_ = 0.0;
  double peak_ = 0.0;
  std::size_t count_ = 0;
};

}  // namespace auralis::analysis
