#include "dsp/limiter.hpp"

#include <algorithm>
#include <cmath>

namespace auralis::dsp {

namespace {
// The estimator's interpolation differs a little from BS.1770's reference
// filter (libebur128), and the limiter's gain moves between the points it
// checks; detecting 0.2 dB high keeps the measured true peak under the ceiling.
constexpr float kTruePeakMargin = 1.0233F;
}  // namespace

void Limiter::prepare(double sampleRate, float ceilingGain, int lookaheadFrames,
                      double releaseSeconds, bool truePeak) {
  ceiling_ = ceilingGain;
  window_ = std::max(1, lookaheadFrames);
  truePeak_ = truePeak;
  delayLength_ = window_ + (truePeak_ ? TruePeakEstimator::kDelay : 0);
  estimator_.prepare();
  releaseCoef_ = static_cast<float>(std::exp(-1.0 / (releaseSeconds * sampleRate)));
  delayL_.assign(static_cast<std::size_t>(delayLength_), 0.0F);
  delayR_.assign(static_cast<std::size_t>(delayLength_), 0.0F);
  minValues_.assign(static_cast<std::size_t>(window_) + 2, 1.0F);
  minIndex_.assign(static_cast<std::size_t>(window_) + 2, 0);
  boxRing_.assign(static_cast<std::size_t>(window_), 1.0F);
  reset();
}

void Limiter::reset() noexcept {
  std::fill(delayL_.begin(), delayL_.end(), 0.0F);
  std::fill(delayR_.begin(), delayR_.end(), 0.0F);
  std::fill(boxRing_.begin(), boxRing_.end(), 1.0F);
  estimator_.reset();
  prevBlockPeak_ = 0.0F;
  prevBlockCovers_ = false;
  delayPos_ = 0;
  minHead_ = minTail_ = 0;
  sampleIndex_ = 0;
  boxPos_ = 0;
  boxSum_ = static_cast<double>(window_);
  released_ = 1.0F;
  lastMinGain_ = 1.0F;
}

float Limiter::pushGain(float required) noexcept {
  // The minimum spans window_ + 1 samples so that, with the audio delayed by
  // window_, every gain in the box average already covers the peak it meets.
  const int cap = window_ + 2;
  // Monotonic deque: drop larger values from the back, expired ones from the front.
  while (minTail_ != minHead_) {
    const int back = (minTail_ + cap - 1) % cap;
    if (minValues_[static_cast<std::size_t>(back)] < required) break;
    minTail_ = back;
  }
  minValues_[static_cast<std::size_t>(minTail_)] = required;
  minIndex_[static_cast<std::size_t>(minTail_)] = sampleIndex_;
  minTail_ = (minTail_ + 1) % cap;
  while (minIndex_[static_cast<std::size_t>(minHead_)] <= sampleIndex_ - window_ - 1)
    minHead_ = (minHead_ + 1) % cap;
  ++sampleIndex_;
  const float windowMin = minValues_[static_cast<std::size_t>(minHead_)];

  // Instant attack, exponential release towards unity.
  released_ = std::min(windowMin, released_ * releaseCoef_ + (1.0F - releaseCoef_));

  boxSum_ += static_cast<double>(released_) -
             static_cast<double>(boxRing_[static_cast<std::size_t>(boxPos_)]);
  boxRing_[static_cast<std::size_t>(boxPos_)] = released_;
  boxPos_ = (boxPos_ + 1) % window_;
  return static_cast<float>(boxSum_ / window_);
}

void Limiter::process(float* left, float* right, int frames) noexcept {
  // A block whose samples (and the estimator's window, which reaches back
  // into the previous block) are too quiet for any inter-sample peak to reach
  // the ceiling skips the interpolation: most of the music, most of the time.
  float blockPeak = 0.0F;
  if (truePeak_)
    for (int i = 0; i < frames; ++i)
      blockPeak = std::max({blockPeak, std::fabs(left[i]), std::fabs(right[i])});
  const float windowPeak = std::max(blockPeak, prevBlockPeak_);
  const bool quiet =
      truePeak_ && prevBlockCovers_ && windowPeak * estimator_.bound() * kTruePeakMargin < ceiling_;
  prevBlockPeak_ = blockPeak;
  prevBlockCovers_ = frames >= 2 * TruePeakEstimator::kDelay + 1;

  float minGain = 1.0F;
  for (int i = 0; i < frames; ++i) {
    // In true-peak mode `peak` belongs to the frame kDelay back; the longer
    // audio delay keeps gain and audio aligned.
    float peak = 0.0F;
    if (!truePeak_)
      peak = std::max(std::fabs(left[i]), std::fabs(right[i]));
    else if (quiet)
      peak = kTruePeakMargin * estimator_.pushBounded(left[i], right[i], windowPeak);
    else
      peak = kTruePeakMargin * estimator_.push(left[i], right[i]);
    const float required = peak > ceiling_ ? ceiling_ / peak : 1.0F;
    const float gain = pushGain(required);
    minGain = std::min(minGain, gain);

    const auto p = static_cast<std::size_t>(delayPos_);
    const float dl = delayL_[p];
    const float dr = delayR_[p];
    delayL_[p] = left[i];
    delayR_[p] = right[i];
    delayPos_ = (delayPos_ + 1) % delayLength_;

    left[i] = std::clamp(dl * gain, -ceiling_, ceiling_);
    right[i] = std::clamp(dr * gain, -ceiling_, ceiling_);
  }
  // Recover from float drift in the running sum once the gain is back at unity.
  if (minGain >= 1.0F) boxSum_ = static_cast<double>(window_);
  lastMinGain_ = minGain;
}

}  // namespace auralis::dsp
