// Limiter: a look-ahead peak limiter that holds the master below a ceiling
// (default -1 dBFS) without clipping artefacts.
//
// How: each sample's required gain min(1, ceiling/|x|) is min-filtered over the
// look-ahead window, given an exponential release, and then box-averaged over
// the same window. Because every gain value inside the averaging window is no
// larger than the one needed at the peak, the delayed signal reaches the peak
// already attenuated: the ceiling holds by construction, and a final clamp
// only guards against float rounding.
//
// True-peak mode (the master bus): the required gain is computed from a 4x
// oversampled estimate of the inter-sample peak (TruePeakEstimator) instead of
// the sample value, so the reconstructed waveform, not only the samples, stays
// under the ceiling (dBTP). The estimator needs 4 samples of future, which the
// audio delay line absorbs: the latency grows by TruePeakEstimator::kDelay.
#pragma once

#include <vector>

#include "dsp/true_peak.hpp"

namespace auralis::dsp {

class Limiter {
 public:
  /// Control thread; allocates the look-ahead buffers. `truePeak` detects on the
  /// 4x-oversampled estimate (dBTP ceiling) instead of the sample peak.
  void prepare(double sampleRate, float ceilingGain, int lookaheadFrames, double releaseSeconds,
               bool truePeak = false);
  /// Audio thread.
  void reset() noexcept;
  /// In place, stereo-linked. Adds `lookahead()` frames of latency. Audio thread.
  void process(float* left, float* right, int frames) noexcept;

  /// Frames of latency the limiter adds (look-ahead, plus the estimator's delay).
  int lookahead() const noexcept { return delayLength_; }
  float ceiling() const noexcept { return ceiling_; }
  /// Smallest gain applied during the last process() call (1 = untouched).
  float lastMinGain() const noexcept { return lastMinGain_; }

 private:
  float pushGain(float required) noexcept;

  float ceiling_ = 0.891F;
  float releaseCoef_ = 0.9999F;
  int window_ = 32;
  bool truePeak_ = false;
  int delayLength_ = 32;  // window_, plus TruePeakEstimator::kDelay in true-peak mode
  TruePeakEstimator estimator_;
  float prevBlockPeak_ = 0.0F;    // sample peak of the previous block
  bool prevBlockCovers_ = false;  // it was long enough to hold the estimator's window
  // Delay lines for the audio (delayLength_ frames) and the gain path.
  std::vector<float> delayL_, delayR_;
  int delayPos_ = 0;
  // Sliding minimum over the window: a monotonic deque stored in a ring.
  std::vector<float> minValues_;
  std::vector<long long> minIndex_;
  int minHead_ = 0, minTail_ = 0;
  long long sampleIndex_ = 0;
  // Box average of the released gain.
  std::vector<float> boxRing_;
  int boxPos_ = 0;
  double boxSum_ = 0.0;
  float released_ = 1.0F;
  float lastMinGain_ = 1.0F;
};

}  // namespace auralis::dsp
