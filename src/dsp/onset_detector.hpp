// OnsetDetector: the cheapest onset detector that the low-latency path can run
// on the audio thread: high-passed energy over a short window against an
// adaptive floor.
//
// Why this shape: a spectral-flux detector (src/analysis) is more accurate but
// needs an FFT frame (tens of ms) before it can decide; here the decision is
// made on the sample where the attack's energy crosses the threshold, at most
// `windowFrames()` after the attack began. The high-pass (1 kHz) keeps bass and
// hum out of the energy; the floor (a slow average of the same energy, frozen
// while a hit rings) lets the threshold follow the room and the player; the
// refractory time stops one hit from firing twice, and a sound that stays above
// the threshold after it (a held chord) does not fire again until the energy
// has dipped below it once. Right after reset() a sound already there is
// learnt as the background (up to floorSeconds), not taken for an onset: with
// the floor at zero and frozen through each refractory time, steady noise from
// the start had fired every 60 ms for good.
//
// Shape: prepare() on the control thread; reset()/process() noexcept,
// allocation-free (audio thread).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

namespace auralis::dsp {

struct OnsetDetectorConfig {
  double highPassHz = 1000.0;
  double floorSeconds = 0.25;       // time constant of the adaptive floor
  double refractorySeconds = 0.06;  // no second onset this soon after one
  float ratio = 8.0F;               // energy must exceed floor x ratio (+9 dB) ...
  float absoluteFloor = 1e-6F;      // ... and this (-60 dBFS squared) in silence
};

class OnsetDetector {
 public:
  static constexpr int kWindow = 32;  // frames of the short energy window

  /// Control thread.
  void prepare(double sampleRate, const OnsetDetectorConfig& config = {}) noexcept {
    config_ = config;
    const double rc = 1.0 / (2.0 * 3.14159265358979323846 * config.highPassHz);
    hpCoef_ = static_cast<float>(rc / (rc + 1.0 / sampleRate));
    floorCoef_ = static_cast<float>(1.0 - std::exp(-1.0 / (config.floorSeconds * sampleRate)));
    refractory_ = static_cast<std::int64_t>(config.refractorySeconds * sampleRate);
    learnFrames_ = static_cast<std::int64_t>(config.floorSeconds * sampleRate);
    reset();
  }

  /// Audio thread.
  void reset() noexcept {
    window_.fill(0.0F);
    pos_ = 0;
    sum_ = 0.0F;
    floor_ = 0.0F;
    hpState_ = 0.0F;
    prevIn_ = 0.0F;
    sinceOnset_ = refractory_;
    armed_ = true;
    learning_ = true;
    learnt_ = 0;
  }

  /// Audio thread. Scans `frames` of mono input; returns the offset of the
  /// first onset inside the block, or -1.
  int process(const float* left, const float* right, int frames) noexcept {
    int found = -1;
    for (int i = 0; i < frames; ++i) {
      const float x = right != nullptr ? 0.5F * (left[i] + right[i]) : left[i];
      hpState_ = hpCoef_ * (hpState_ + x - prevIn_);
      prevIn_ = x;
      const float e = hpState_ * hpState_;
      sum_ += e - window_[static_cast<std::size_t>(pos_)];
      window_[static_cast<std::size_t>(pos_)] = e;
      pos_ = (pos_ + 1) % kWindow;
      const float fast = std::max(0.0F, sum_) / static_cast<float>(kWindow);
      if (learning_) {
        // Just reset: what is there now is the background until shown otherwise. A
        // quiet window (a full one) ends this at once; a sound present from the start is
        // learnt as the floor (a running mean) for floorSeconds instead of firing on it.
        floor_ += (fast - floor_) / static_cast<float>(++learnt_);
        learning_ = learnt_ < learnFrames_ && !(learnt_ >= kWindow && fast < config_.absoluteFloor);
        continue;
      }
      ++sinceOnset_;
      const bool ringing = sinceOnset_ < refractory_;
      const bool above = fast > config_.ratio * floor_ + config_.absoluteFloor;
      // Re-armed only once the energy has fallen below the threshold: a sound that
      // stays loud past the refractory time is one onset, not one every 60 ms while
      // the frozen floor never gets the chance to rise to it.
      if (!ringing && !above) armed_ = true;
      if (!ringing && armed_ && above && found < 0) {
        found = i;
        sinceOnset_ = 0;
        armed_ = false;
      } else if (!ringing) {
        floor_ += floorCoef_ * (fast - floor_);
      }
    }
    // Recompute the running sum now and then so float error cannot build up.
    if (++blocks_ % 256 == 0) {
      float s = 0.0F;
      for (float v : window_) s += v;
      sum_ = s;
    }
    return found;
  }

  /// The most the decision can lag the attack, in frames.
  static constexpr int windowFrames() noexcept { return kWindow; }

 private:
  OnsetDetectorConfig config_;
  std::array<float, kWindow> window_{};
  int pos_ = 0;
  float sum_ = 0.0F;
  float floor_ = 0.0F;
  float hpCoef_ = 0.9F;
  float hpState_ = 0.0F;
  float prevIn_ = 0.0F;
  float floorCoef_ = 1e-4F;
  std::int64_t refractory_ = 2880;
  std::int64_t sinceOnset_ = 0;
  bool armed_ = true;  // false from an onset until the energy falls below the threshold
  std::int64_t learnFrames_ = 12000;
  bool learning_ = false;    // learning the background since reset()
  std::int64_t learnt_ = 0;  // frames of it so far
  std::uint32_t blocks_ = 0;
};

}  // namespace auralis::dsp
