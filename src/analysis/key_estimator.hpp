// KeyEstimator: the musical key from a pitch-class profile.
//
// Each spectrum adds to a 12-bin chroma vector: every spectral peak between
// loHz and hiHz (a local maximum, its frequency refined by a parabola through
// the log magnitudes, so a coarse FFT still places it within a semitone) adds
// its magnitude to its pitch class. A peak that sits an octave or a twelfth
// above a peak at least half as strong is most likely that note's 2nd or 3rd
// harmonic, not a note: it counts a tenth as much (else every C also votes
// for G and the estimate drifts to the dominant). The chroma is integrated with a half-life
// (0 = keep everything, for whole files) and correlated (Pearson) with the
// Krumhansl-Kessler major and minor profiles rotated to all 24 keys. The best
// correlation wins; confidence grows with its lead over the runner-up.
//
// Thread rules: prepare() allocates; addSpectrum()/estimate() are real-time safe.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <vector>

namespace auralis::analysis {

struct KeyConfig {
  double loHz = 80.0;
  double hiHz = 5000.0;
  double halfLifeSeconds = 0.0;  // 0: no forgetting
  float peakFloorDb = -70.0F;    // peaks quieter than this (dBFS) are ignored
};

struct KeyEstimate {
  int key = -1;  // 0..11 major C..B, 12..23 minor C..B; -1 when nothing was heard
  float confidence = 0.0F;
  float correlation = 0.0F;
};

class KeyEstimator {
 public:
  /// Non-audio thread. `secondsPerSpectrum` is the time between addSpectrum calls.
  void prepare(double sampleRate, std::size_t fftSize, double secondsPerSpectrum,
               const KeyConfig& config);
  void reset() noexcept;
  /// Real-time safe. `power` from powerSpectrum() (fftSize/2+1 bins).
  void addSpectrum(std::span<const float> power) noexcept;
  /// Real-time safe.
  KeyEstimate estimate() const noexcept;
  const std::array<double, 12>& chroma() const noexcept { return chroma_; }

  /// Best key for a given chroma vector. Any thread.
  static KeyEstimate estimateFrom(const std::array<double, 12>& chroma) noexcept;

 private:
  KeyConfig config_;
  double binHz_ = 1.0;
  double decay_ = 1.0;
  std::size_t loBin_ = 1;
  std::size_t hiBin_ = 1;
  std::vector<float> logMag_;
  std::vector<float> peakHz_;  // this spectrum's peaks, ascending
  std::vector<float> peakMag_;
  std::array<double, 12> chroma_{};
};

}  // namespace auralis::analysis
