// Trapezoidal state-variable filter (Andrew Simper's "SVF linear trap"): the
// bilinear transform of the analogue two-integrator loop, solved without a
// unit delay in the feedback path, so cutoff and resonance can move every
// sample without blowing up. One template step serves float and the 16-lane
// F16 (the voice kernels inline it).
#pragma once

#include <algorithm>
#include <cmath>

namespace auralis::dsp {

/// Coefficients for cutoff g = tan(pi * fc / fs) and damping k = 1/Q.
template <class T>
struct SvfCoefs {
  T a1, a2, a3, k;
};

template <class T>
inline __attribute__((always_inline)) SvfCoefs<T> svfCoefs(T g, T k) noexcept {
  SvfCoefs<T> c;
  c.a1 = 1.0F / (1.0F + g * (g + k));
  c.a2 = g * c.a1;
  c.a3 = g * c.a2;
  c.k = k;
  return c;
}

/// One sample. Returns the low-pass; band-pass and high-pass on request.
template <class T>
inline __attribute__((always_inline)) T svfTick(const SvfCoefs<T>& c, T x, T& ic1, T& ic2,
                                                T* band = nullptr, T* high = nullptr) noexcept {
  const T v3 = x - ic2;
  const T v1 = c.a1 * ic1 + c.a2 * v3;
  const T v2 = ic2 + c.a2 * ic1 + c.a3 * v3;
  ic1 = 2.0F * v1 - ic1;
  ic2 = 2.0F * v2 - ic2;
  if (band != nullptr) *band = v1;
  if (high != nullptr) *high = x - c.k * v1 - v2;
  return v2;
}

/// Scalar filter with smoothed cutoff/resonance. prepare() then audio thread.
class Svf {
 public:
  void prepare(double sampleRate) noexcept {
    sampleRate_ = static_cast<float>(sampleRate);
    update();
  }
  void reset() noexcept { ic1_ = ic2_ = 0.0F; }
  /// Resonance 0..1 maps to Q 0.5..25. Takes effect at once (callers smooth).
  void set(float cutoffHz, float resonance01) noexcept {
    cutoff_ = std::clamp(cutoffHz, 5.0F, 0.45F * sampleRate_);
    resonance_ = std::clamp(resonance01, 0.0F, 1.0F);
    update();
  }
  float lowPass(float x) noexcept { return svfTick(c_, x, ic1_, ic2_); }
  float bandPass(float x) noexcept {
    float b = 0.0F;
    svfTick(c_, x, ic1_, ic2_, &b);
    return b;
  }
  float highPass(float x) noexcept {
    float h = 0.0F;
    svfTick<float>(c_, x, ic1_, ic2_, nullptr, &h);
    return h;
  }

 private:
  void update() noexcept {
    const float g = std::tan(3.14159265F * cutoff_ / sampleRate_);
    c_ = svfCoefs(g, 2.0F - 1.96F * resonance_);
  }
  float sampleRate_ = 48000.0F;
  float cutoff_ = 1000.0F;
  float resonance_ = 0.0F;
  float ic1_ = 0.0F, ic2_ = 0.0F;
  SvfCoefs<float> c_{};
};

}  // namespace auralis::dsp
