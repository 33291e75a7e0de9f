// PitchYin: fundamental frequency by YIN (de Cheveigné & Kawahara, 2002).
//
// For a frame of N samples and an integration window W = N/2:
//   d(t)  = sum_{j<W} (x_j - x_{j+t})^2 = e_0 + e_t - 2 r(t)
//   d'(t) = d(t) * t / sum_{1<=u<=t} d(u)          (cumulative mean normalised)
// The period is the first dip of d' under `threshold` (followed down to its
// local minimum), refined by a parabola through its neighbours. The
// correlation r(t) comes from one real FFT of the frame, one of its first
// half, and one inverse (O(N log N) instead of O(N*W)), which keeps a pitch
// track far below 1% of a core. Confidence is 1 - d'(period); a frame is
// voiced when d' dips under the threshold and the frame is above `silenceDb`.
//
// Thread rules: prepare() allocates; estimate() is real-time safe.
#pragma once

#include <complex>
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "analysis/real_fft.hpp"

namespace auralis::analysis {

struct PitchConfig {
  std::size_t frameSize = 2048;  // N (even); lags up to N/2
  double minHz = 50.0;
  double maxHz = 2000.0;
  float threshold = 0.15F;
  float silenceDb = -55.0F;  // frames quieter than this (RMS dBFS) are unvoiced
};

struct PitchEstimate {
  bool voiced = false;
  float hz = 0.0F;
  float confidence = 0.0F;  // 1 - d'(period), 0..1
};

class PitchYin {
 public:
  /// Non-audio thread.
  void prepare(double sampleRate, const PitchConfig& config);
  /// Real-time safe. `frame` holds frameSize samples, oldest first.
  PitchEstimate estimate(std::span<const float> frame) noexcept;
  const PitchConfig& config() const noexcept { return config_; }

 private:
  PitchConfig config_;
  double sampleRate_ = 48000.0;
  std::size_t minLag_ = 2;
  std::size_t maxLag_ = 2;
  std::unique_ptr<RealFft> fft_;
  std::vector<float> buffer_;
  std::vector<std::complex<float>> whole_;
  std::vector<std::complex<float>> half_;
  std::vector<float> corr_;
  std::vector<double> prefix_;  // prefix sums of x^2
  std::vector<float> cmnd_;
};

}  // namespace auralis::analysis
