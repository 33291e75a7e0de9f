// SmoothedValue: a parameter that glides linearly to its target over a fixed
// time, so level, pan and filter changes never step (no zipper noise, no click).
// prepare() on the control thread; the rest on the audio thread, noexcept.
#pragma once

#include <algorithm>
#include <cmath>

namespace auralis::dsp {

class SmoothedValue {
 public:
  void prepare(double sampleRate, double rampSeconds) noexcept {
    rampSamples_ = std::max(1, static_cast<int>(std::lround(sampleRate * rampSeconds)));
  }
  /// Jumps to `v` with no ramp (before start, or after a reset).
  void reset(float v) noexcept {
    current_ = target_ = v;
    step_ = 0.0F;
    remaining_ = 0;
  }
  void setTarget(float v) noexcept {
    if (v == target_) return;
    target_ = v;
    remaining_ = rampSamples_;
    step_ = (target_ - current_) / static_cast<float>(remaining_);
  }
  float next() noexcept {
    if (remaining_ > 0) {
      current_ += step_;
      if (--remaining_ == 0) current_ = target_;
    }
    return current_;
  }
  bool isSmoothing() const noexcept { return remaining_ > 0; }
  float current() const noexcept { return current_; }
  float target() const noexcept { return target_; }

 private:
  float current_ = 0.0F;
  float target_ = 0.0F;
  float step_ = 0.0F;
  int remaining_ = 0;
  int rampSamples_ = 1;
};

}  // namespace auralis::dsp
