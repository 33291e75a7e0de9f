// PolyBLEP sawtooth: a naive ramp with its reset smoothed by a two-sample
// polynomial band-limited step, which pushes aliasing down by 20-40 dB at the
// cost of a few multiplies. The formula is a template so the scalar oscillator
// here and the 16-lane voice kernels (saw_bank.cpp) share one definition.
#pragma once

#include <algorithm>

namespace auralis::dsp {

/// Saw value in [-1, 1] at phase t in [0, 1) advancing dt cycles per sample
/// (rdt = 1/dt, precomputed). Works for float and the 16-lane F16.
template <class T>
inline __attribute__((always_inline)) T polyBlepSaw(T t, T dt, T rdt) noexcept {
  const T x0 = t * rdt;           // just after the reset: 0..1
  const T x1 = (t - 1.0F) * rdt;  // just before it: -1..0
  const T after = (1.0F - x0) * (1.0F - x0);
  const T before = (x1 + 1.0F) * (x1 + 1.0F);
  T s = t * 2.0F - 1.0F;
  s = t < dt ? s + after : s;
  s = t > 1.0F - dt ? s - before : s;
  return s;
}

/// The scalar oscillator (tests, one-off voices). Audio thread, noexcept.
class PolyBlepSawOsc {
 public:
  /// `cyclesPerSample` = frequency / sample rate, below 0.5.
  void setFrequency(float cyclesPerSample) noexcept {
    dt_ = std::clamp(cyclesPerSample, 1e-6F, 0.49F);
    rdt_ = 1.0F / dt_;
  }
  void reset(float phase = 0.0F) noexcept { phase_ = phase; }
  float next() noexcept {
    phase_ += dt_;
    if (phase_ >= 1.0F) phase_ -= 1.0F;
    return polyBlepSaw(phase_, dt_, rdt_);
  }
  /// The same ramp without the correction: the aliasing reference for tests.
  float nextNaive() noexcept {
    phase_ += dt_;
    if (phase_ >= 1.0F) phase_ -= 1.0F;
    return phase_ * 2.0F - 1.0F;
  }

 private:
  float phase_ = 0.0F;
  float dt_ = 0.01F;
  float rdt_ = 100.0F;
};

}  // namespace auralis::dsp
