// Spectrum helpers: the Hann window, magnitude spectra and log-spaced band
// levels. BandSpectrum maps a power spectrum onto `bandCount` bands whose
// edges are spaced evenly in log frequency between loHz and hiHz, the way an
// ear (and a spectrum display) groups frequencies.
//
// Thread rules: prepare() allocates (non-audio thread); compute() is
// real-time safe. One thread at a time per instance.
#pragma once

#include <complex>
#include <cstddef>
#include <span>
#include <vector>

namespace auralis::analysis {

/// A periodic Hann window of `size` samples. Any non-audio thread.
std::vector<float> hannWindow(std::size_t size);

/// Power of each bin, scaled so that a sine of amplitude A spread over its
/// Hann main lobe sums to A^2 (i.e. band levels read in dB of amplitude).
/// `fftSize` is the transform length. Real-time safe.
void powerSpectrum(std::span<const std::complex<float>> bins, std::size_t fftSize,
                   std::span<float> power) noexcept;

class BandSpectrum {
 public:
  /// Non-audio thread. bandCount 1..kMaxBands (features.hpp); loHz < hiHz.
  void prepare(double sampleRate, std::size_t fftSize, int bandCount, double loHz, double hiHz);

  /// Real-time safe. `power` from powerSpectrum(); writes bandCount() dBFS
  /// levels (floored at kSilenceDb) and returns the spectral centroid in Hz
  /// (0 for silence).
  float compute(std::span<const float> power, std::span<float> bandsDb) const noexcept;

  int bandCount() const noexcept { return static_cast<int>(first_.size()); }
  /// bandCount()+1 edges in Hz.
  const std::vector<float>& edgesHz() const noexcept { return edges_; }

 private:
  double binHz_ = 0.0;
  std::vector<float> edges_;
  std::vector<std::size_t> first_;  // first bin of each band
  std::vector<std::size_t> last_;   // one past the last bin (always > first_)
};

}  // namespace auralis::analysis
