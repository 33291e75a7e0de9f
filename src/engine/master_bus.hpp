// MasterBus: the last stage before the device and the taps.
//   1. NaN/Inf guard: a block with any non-finite sample becomes silence (counted)
//      and the bus state is reset, so one bad voice cannot poison what follows.
//   2. Master gain (smoothed) times the loudness trim (smoothed, set by the
//      loudness normalisation loop) times the start/stop fade.
//   3. DC blocker.
//   4. Look-ahead limiter with a true-peak ceiling (default -1 dBTP).
// Audio thread only, after prepare().
#pragma once

#include <atomic>

#include "dsp/dc_blocker.hpp"
#include "dsp/limiter.hpp"
#include "dsp/smoothed_value.hpp"

namespace auralis::engine {

struct MasterBusConfig {
  double ceilingDb = -1.0;
  int limiterLookaheadFrames = 32;
  double limiterReleaseSeconds = 0.12;
  double fadeSeconds = 0.05;
  /// Detect on a 4x-oversampled true-peak estimate (dBTP), not the sample peak.
  bool truePeak = true;
  /// Ramp time of a loudness-trim change: the loop sends small steps several
  /// times a second, each glides over this long, so the trim never steps.
  double trimRampSeconds = 0.2;
};

class MasterBus {
 public:
  void prepare(double sampleRate, const MasterBusConfig& config);
  void reset() noexcept;

  /// Processes a stereo block in place. Returns false when the block held a
  /// non-finite sample and was replaced by silence.
  bool process(float* left, float* right, int frames) noexcept;

  void setGain(float linear) noexcept { gain_.setTarget(linear); }
  /// Audio thread. The loudness trim in dB (pre-limiter), ramped.
  void setTrimDb(float db) noexcept;
  /// The trim currently applied, in dB (audio thread's view).
  float trimDb() const noexcept { return trimDb_; }
  void fadeIn() noexcept;
  void fadeOut() noexcept;
  /// True once a fade-out has reached silence. Any thread.
  bool fadedOut() const noexcept { return fadedOut_.load(std::memory_order_acquire); }
  float lastLimiterGain() const noexcept { return limiter_.lastMinGain(); }
  int latencyFrames() const noexcept { return limiter_.lookahead(); }

 private:
  dsp::DcBlocker dc_;
  dsp::Limiter limiter_;
  dsp::SmoothedValue gain_;
  dsp::SmoothedValue trim_;
  float trimDb_ = 0.0F;
  float fade_ = 0.0F;
  float fadeStep_ = 0.0F;
  float fadeTarget_ = 0.0F;
  std::atomic<bool> fadedOut_{false};
};

}  // namespace auralis::engine
