#include "dsp/reverb.hpp"

#include <algorithm>
#include <cmath>

#include "dsp/denormals.hpp"

namespace auralis::dsp {
namespace {

// Line lengths at size 1, in milliseconds: mutually prime-ish and spread over
// 1.4:1 .. 3.5:1 so the echo densities overlap without common periods.
constexpr std::array<float, Reverb::kLines> kLengthsMs = {29.7F, 37.1F, 41.1F, 43.7F,
                                                          53.9F, 61.3F, 71.9F, 83.3F};
constexpr float kMinScale = 0.3F;
constexpr float kModMs = 0.6F;  // read-point sweep depth

// In-place 8-point fast Hadamard transform, scaled to be orthonormal.
inline void hadamard8(float* v) noexcept {
  for (int h = 1; h < Reverb::kLines; h *= 2)
    for (int i = 0; i < Reverb::kLines; i += 2 * h)
      for (int j = i; j < i + h; ++j) {
        const float a = v[j], b = v[j + h];
        v[j] = a + b;
        v[j + h] = a - b;
      }
  constexpr float kNorm = 0.35355339059327373F;  // 1/sqrt(8)
  for (int i = 0; i < Reverb::kLines; ++i) v[i] *= kNorm;
}

}  // namespace

void Reverb::prepare(double sampleRate, int maxBlock) {
  sampleRate_ = static_cast<float>(sampleRate);
  maxBlock_ = maxBlock;
  modDepth_ = kModMs * 1e-3F * sampleRate_;
  lfoInc_ = 0.31F / sampleRate_;  // 0.31 Hz: slow enough to hear no vibrato
  for (int i = 0; i < kLines; ++i) {
    baseLen_[i] = kLengthsMs[i] * 1e-3F * sampleRate_;
    int size = 2;
    while (static_cast<float>(size) < baseLen_[i] + modDepth_ + 4.0F) size *= 2;
    lines_[i].assign(static_cast<std::size_t>(size), 0.0F);
    mask_[i] = size - 1;
  }
  size_ = sizeTarget_;
  setDamping(damping_);
  updateGains();
  reset();
}

void Reverb::reset() noexcept {
  for (int i = 0; i < kLines; ++i) {
    std::fill(lines_[i].begin(), lines_[i].end(), 0.0F);
    write_[i] = 0;
    lowState_[i] = 0.0F;
  }
  lfoPhase_ = 0.0F;
}

void Reverb::setSize(float size01) noexcept {
  sizeTarget_ = std::clamp(size01, 0.0F, 1.0F);
}

void Reverb::setDecay(float seconds) noexcept {
  decaySeconds_ = std::clamp(seconds, 0.1F, 30.0F);
  updateGains();
}

void Reverb::setDamping(float damping01) noexcept {
  damping_ = std::clamp(damping01, 0.0F, 1.0F);
  // One-pole low-pass coefficient per line: 0 = no filtering, 0.85 = dark.
  dampCoef_ = 0.85F * damping_;
}

void Reverb::updateGains() noexcept {
  const float scale = kMinScale + (1.0F - kMinScale) * size_;
  for (int i = 0; i < kLines; ++i) {
    const float len = baseLen_[i] * scale;
    gain_[i] = std::pow(10.0F, -3.0F * len / (decaySeconds_ * sampleRate_));
  }
}

void Reverb::process(const float* inL, const float* inR, float* outL, float* outR,
                     int frames) noexcept {
  ScopedFlushDenormals noDenormals;
  frames = std::min(frames, maxBlock_);
  // Size glides per block (about 100 ms); gains follow the actual lengths.
  size_ +=
      (sizeTarget_ - size_) * std::min(1.0F, static_cast<float>(frames) / (0.1F * sampleRate_));
  updateGains();
  const float scale = kMinScale + (1.0F - kMinScale) * size_;
  float v[kLines];
  for (int n = 0; n < frames; ++n) {
    lfoPhase_ += lfoInc_;
    if (lfoPhase_ >= 1.0F) lfoPhase_ -= 1.0F;
    const float tri = 4.0F * std::fabs(lfoPhase_ - 0.5F) - 1.0F;
    // 1. Read every line (four of them modulated, in two opposite pairs).
    for (int i = 0; i < kLines; ++i) {
      float delay = baseLen_[i] * scale;
      if (i < 4) delay += modDepth_ * 0.5F * (1.0F + ((i & 1) != 0 ? tri : -tri));
      const float pos = static_cast<float>(write_[i]) - delay;
      const float fl = std::floor(pos);
      const float frac = pos - fl;
      const int i0 = static_cast<int>(fl) & mask_[i];
      const int i1 = (i0 + 1) & mask_[i];
      const float* buf = lines_[i].data();
      const float x = buf[i0] + (buf[i1] - buf[i0]) * frac;
      // 2. Damping: one-pole low-pass inside the loop, then the decay gain.
      lowState_[i] += (1.0F - dampCoef_) * (x - lowState_[i]);
      v[i] = lowState_[i] * gain_[i];
    }
    outL[n] = 0.5F * (v[0] - v[2] + v[4] - v[6]);
    outR[n] = 0.5F * (v[1] - v[3] + v[5] - v[7]);
    // 3. Mix (lossless) and feed the input in with alternating signs.
    hadamard8(v);
    const float l = inL[n], r = inR[n];
    for (int i = 0; i < kLines; ++i) {
      const float in = (i & 1) != 0 ? r : l;
      lines_[i][static_cast<std::size_t>(write_[i])] = v[i] + ((i & 2) != 0 ? -in : in) * 0.5F;
      write_[i] = (write_[i] + 1) & mask_[i];
    }
  }
}

}  // namespace auralis::dsp
