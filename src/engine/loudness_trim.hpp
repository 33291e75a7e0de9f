// LoudnessTrimLaw: the control law of loudness normalisation. Pure arithmetic,
// no audio and no threads: the live side-chain (src/app/loudness_control) and
// the offline render feed it the same EBU R128 measurements of the master and
// send the trim it returns to the engine (CommandType::LoudnessTrim).
//
// The law, in order, at every measurement (typically every 100 ms):
//  1. Refer the output back to the program: program = output - trim, so the
//     estimate does not chase its own correction (open loop, no oscillation).
//  2. Gate: a momentary loudness below the absolute gate, or more than
//     `relativeGateLu` below the program's long-term level, is a pause or a
//     breakdown: hold everything, so a rest does not pump the gain up.
//  3. The program's long-term level is an energy average of the ungated
//     momentary loudness (time constant `averageSeconds`, but a plain running
//     mean while less than that has been heard, so the first seconds count).
//  4. desired = target - longTerm + correction, where `correction` slowly
//     integrates what the output still misses (the limiter shaves loud
//     programs), bounded to +-`maxCorrectionDb`.
//  5. The trim moves towards `desired` by at most `maxRateDbPerSecond` and
//     stays within +-`maxTrimDb`. The engine ramps each step, so nothing clicks.
//
// Thread rules: not thread-safe; one thread owns an instance. No allocation.
#pragma once

namespace auralis::engine {

struct LoudnessTrimConfig {
  double targetLufs = -16.0;
  double maxTrimDb = 12.0;
  double maxRateDbPerSecond = 1.0;
  double absoluteGateLufs = -60.0;
  double relativeGateLu = 15.0;
  double averageSeconds = 20.0;
  double correctionPerSecond = 0.05;  // integral gain of the output correction, 1/s
  double maxCorrectionDb = 4.0;
};

/// One measurement of the master output, post-trim (LUFS; -inf for silence).
struct LoudnessReading {
  double momentaryLufs = 0.0;
  double shortTermLufs = 0.0;
  double seconds = 0.1;  // audio time since the previous reading
};

class LoudnessTrimLaw {
 public:
  explicit LoudnessTrimLaw(const LoudnessTrimConfig& config = {}) noexcept;

  /// The owner's thread. Feeds one reading; returns the new trim in dB.
  double update(const LoudnessReading& reading) noexcept;

  double trimDb() const noexcept { return trimDb_; }
  /// True when the last reading was gated (silence or a pause): the trim held.
  bool gated() const noexcept { return gated_; }
  /// The program's long-term loudness estimate (LUFS; -inf before any audio).
  double programLufs() const noexcept;
  const LoudnessTrimConfig& config() const noexcept { return config_; }

 private:
  LoudnessTrimConfig config_;
  double trimDb_ = 0.0;
  double correctionDb_ = 0.0;
  double programEnergy_ = 0.0;  // mean of 10^(L/10) over ungated readings
  double heardSeconds_ = 0.0;
  bool gated_ = true;
};

}  // namespace auralis::engine
