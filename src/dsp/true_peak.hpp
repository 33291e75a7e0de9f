// TruePeakEstimator: an estimate of the inter-sample (true) peak of a stereo
// signal, for a limiter that must hold a dBTP ceiling, not only a sample-peak one.
//
// Why: a DAC (and BS.1770's true-peak meter) reconstructs the continuous
// waveform, whose peaks between samples can sit up to a few dB above the
// largest sample when energy is near Nyquist/4..Nyquist/2. We upsample 4x with
// a windowed-sinc polyphase filter (16 taps per phase, the three
// fractional phases 1/4, 1/2, 3/4) and take the largest magnitude around each
// sample: the sample itself and the interpolated points on both segments that
// touch it.
//
// The estimate for sample c needs x[c-8 .. c+8], so push(x[n]) answers for
// c = n - kDelay. A limiter delays its audio by kDelay more to stay aligned.
// Shape: prepare() builds the taps (control thread); reset()/push() are
// noexcept and allocation-free (audio thread).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>

namespace auralis::dsp {

class TruePeakEstimator {
 public:
  static constexpr int kTaps = 16;   // per phase
  static constexpr int kPhases = 3;  // 1/4, 1/2, 3/4 between two samples
  static constexpr int kDelay = kTaps / 2;

  /// Control thread (no allocation, but do it before the first push).
  void prepare() noexcept {
    l1_ = 1.0F;
    for (int p = 0; p < kPhases; ++p) {
      const double frac = (p + 1) / 4.0;
      double sum = 0.0;
      for (int k = 0; k < kTaps; ++k) {
        // Tap k weighs x[c - (kTaps/2 - 1) + k] for the point at c + frac.
        const double t = frac - static_cast<double>(k - (kTaps / 2 - 1));
        const double sinc = std::abs(t) < 1e-12 ? 1.0 : std::sin(kPi * t) / (kPi * t);
        // Hann window over the kTaps-sample support (|t| < kTaps / 2).
        const double w = 0.5 * (1.0 + std::cos(kPi * t / (kTaps / 2.0)));
        taps_[p][k] = static_cast<float>(sinc * w);
        sum += sinc * w;
      }
      // Unity gain at DC so a constant signal is not reported louder than it is.
      float l1 = 0.0F;
      for (auto& h : taps_[p]) {
        h = static_cast<float>(static_cast<double>(h) / sum);
        l1 += std::fabs(h);
      }
      l1_ = std::max(l1_, l1);
    }
    reset();
  }

  /// Audio thread.
  void reset() noexcept {
    histL_.fill(0.0F);
    histR_.fill(0.0F);
    pos_ = 0;
    prevSegment_ = 0.0F;
  }

  /// Audio thread. Pushes frame n and returns the true-peak estimate (linear,
  /// stereo-linked) around frame n - kDelay.
  float push(float left, float right) noexcept {
    store(left, right);
    // The window x[n-2*kDelay .. n] is contiguous from pos_ (see store()).
    const float* l = histL_.data() + pos_;
    const float* r = histR_.data() + pos_;
    // Segment (c, c+1), c = n - kDelay, uses x[c-kDelay+1 .. c+kDelay] = window[1 .. 2*kDelay].
    float segment = 0.0F;
    for (int p = 0; p < kPhases; ++p) {
      float yl = 0.0F, yr = 0.0F;
      for (int k = 0; k < kTaps; ++k) {
        yl += taps_[p][k] * l[1 + k];
        yr += taps_[p][k] * r[1 + k];
      }
      segment = std::max({segment, std::fabs(yl), std::fabs(yr)});
    }
    const float centre = std::max(std::fabs(l[kDelay]), std::fabs(r[kDelay]));
    const float peak = std::max({centre, segment, prevSegment_});
    prevSegment_ = segment;  // next call's segment (c-1, c)
    return peak;
  }

  /// Audio thread. Pushes frame n without interpolating, when the caller knows
  /// that every sample of the window is at most `samplePeak`: the estimate is
  /// then bounded by samplePeak x bound() (returned), which is exact because
  /// each interpolated point is a weighted sum of window samples.
  float pushBounded(float left, float right, float samplePeak) noexcept {
    store(left, right);
    prevSegment_ = samplePeak * l1_;
    return prevSegment_;
  }

  /// The largest sum of |taps| over the phases: |estimate| <= bound() x max|x|.
  float bound() const noexcept { return l1_; }

 private:
  static constexpr double kPi = 3.14159265358979323846;
  static constexpr int kHist = 2 * kDelay + 1;

  /// A ring written twice (at i and i + kHist), so the newest kHist samples
  /// are always contiguous at [pos_, pos_ + kHist): no shifting per sample.
  void store(float left, float right) noexcept {
    pos_ = pos_ + 1 == kHist ? 0 : pos_ + 1;
    // After the increment, the newest sample belongs at window index kHist - 1,
    // i.e. ring slot pos_ - 1 (mod kHist), mirrored kHist further on.
    const int slot = pos_ == 0 ? kHist - 1 : pos_ - 1;
    histL_[static_cast<std::size_t>(slot)] = histL_[static_cast<std::size_t>(slot + kHist)] = left;
    histR_[static_cast<std::size_t>(slot)] = histR_[static_cast<std::size_t>(slot + kHist)] = right;
  }

  std::array<std::array<float, kTaps>, kPhases> taps_{};
  std::array<float, 2 * kHist> histL_{}, histR_{};
  int pos_ = 0;
  float prevSegment_ = 0.0F;
  float l1_ = 1.0F;
};

}  // namespace auralis::dsp
