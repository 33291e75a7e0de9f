#include "dsp/stereo_delay.hpp"

#include <algorithm>
#include <cmath>

#include "dsp/denormals.hpp"

namespace auralis::dsp {

void StereoDelay::prepare(double sampleRate, int maxBlock, double maxDelaySeconds) {
  sampleRate_ = static_cast<float>(sampleRate);
  maxBlock_ = maxBlock;
  const double wanted = std::max(0.01, maxDelaySeconds) * sampleRate + 4.0;
  int size = 2;
  while (static_cast<double>(size) < wanted) size *= 2;
  bufL_.assign(static_cast<std::size_t>(size), 0.0F);
  bufR_.assign(static_cast<std::size_t>(size), 0.0F);
  mask_ = size - 1;
  maxDelay_ = static_cast<float>(std::max(0.01, maxDelaySeconds) * sampleRate);
  fadeStep_ = 1.0F / (0.04F * sampleRate_);
  hpCoef_ = 1.0F - std::exp(-2.0F * 3.14159265F * 60.0F / sampleRate_);  // 60 Hz
  setTime(0.5F);
  delay_ = target_;
  reset();
}

void StereoDelay::reset() noexcept {
  std::fill(bufL_.begin(), bufL_.end(), 0.0F);
  std::fill(bufR_.begin(), bufR_.end(), 0.0F);
  write_ = 0;
  lowL_ = lowR_ = hpL_ = hpR_ = 0.0F;
  delay_ = next_ = target_;
  fade_ = 0.0F;
  fading_ = false;
}

void StereoDelay::setTime(float seconds) noexcept {
  target_ = std::clamp(seconds * sampleRate_, 1.0F, maxDelay_);
}

void StereoDelay::setFeedback(float fb) noexcept {
  feedback_ = std::clamp(fb, 0.0F, 0.95F);
}

void StereoDelay::setDamping(float damping01) noexcept {
  dampCoef_ = 0.9F * std::clamp(damping01, 0.0F, 1.0F);
}

void StereoDelay::read(float delay, float& l, float& r) const noexcept {
  const float pos = static_cast<float>(write_) - delay;
  const float fl = std::floor(pos);
  const float frac = pos - fl;
  const auto i0 = static_cast<std::size_t>(static_cast<int>(fl) & mask_);
  const auto i1 = static_cast<std::size_t>((static_cast<int>(fl) + 1) & mask_);
  l = bufL_[i0] + (bufL_[i1] - bufL_[i0]) * frac;
  r = bufR_[i0] + (bufR_[i1] - bufR_[i0]) * frac;
}

void StereoDelay::process(const float* inL, const float* inR, float* outL, float* outR,
                          int frames) noexcept {
  ScopedFlushDenormals noDenormals;
  frames = std::min(frames, maxBlock_);
  for (int n = 0; n < frames; ++n) {
    if (!fading_ && target_ != delay_) {
      next_ = target_;
      fade_ = 0.0F;
      fading_ = true;
    }
    // 1. Read both heads (linear interpolation) and crossfade between them.
    float yl = 0.0F, yr = 0.0F;
    read(delay_, yl, yr);
    if (fading_) {
      float nl = 0.0F, nr = 0.0F;
      read(next_, nl, nr);
      fade_ = std::min(1.0F, fade_ + fadeStep_);
      yl += (nl - yl) * fade_;
      yr += (nr - yr) * fade_;
      if (fade_ >= 1.0F) {
        delay_ = next_;
        fading_ = false;
      }
    }
    outL[n] = yl;
    outR[n] = yr;
    // 2. Feedback through damping (low-pass) and a 60 Hz high-pass.
    lowL_ += (1.0F - dampCoef_) * (yl - lowL_);
    lowR_ += (1.0F - dampCoef_) * (yr - lowR_);
    hpL_ += hpCoef_ * (lowL_ - hpL_);
    hpR_ += hpCoef_ * (lowR_ - hpR_);
    const float fbl = (lowL_ - hpL_) * feedback_;
    const float fbr = (lowR_ - hpR_) * feedback_;
    // 3. Write: ping-pong crosses the repeats and feeds the input (mono) left.
    const auto w = static_cast<std::size_t>(write_);
    if (pingPong_) {
      bufL_[w] = 0.5F * (inL[n] + inR[n]) + fbr;
      bufR_[w] = fbl;
    } else {
      bufL_[w] = inL[n] + fbl;
      bufR_[w] = inR[n] + fbr;
    }
    write_ = (write_ + 1) & mask_;
  }
}

}  // namespace auralis::dsp
