// SoundFeatures: the summary of one second of audio that the sound classifier
// reads — level and its spread, how often the level dips (speech pauses), the
// 2–8 Hz modulation of the level (syllables), and the spectral shape (centroid,
// flatness, roll-off, flux, zero crossings) below 8 kHz, so that the same sound
// gives the same features at 16, 22.05, 44.1 or 48 kHz.
//
// Thread rules: one instance per thread; push() never allocates after construction.
#pragma once

#include <array>
#include <complex>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "analysis/real_fft.hpp"

namespace auralis::analysis {

inline constexpr std::size_t kSoundFeatureCount = 14;
using SoundFeatureVector = std::array<float, kSoundFeatureCount>;

/// The feature names, in vector order (for the training script and the docs).
const std::array<const char*, kSoundFeatureCount>& soundFeatureNames();

class SoundFeatures {
 public:
  /// Non-real-time: sizes every buffer. A window of `windowSeconds` is summarised
  /// every `hopSeconds`.
  explicit SoundFeatures(double sampleRate, double windowSeconds = 1.0, double hopSeconds = 0.5);

  /// Owner thread. Mono samples in; returns a feature vector each time a window
  /// completes (at most one per call: call with blocks shorter than the hop).
  std::optional<SoundFeatureVector> push(std::span<const float> mono) noexcept;

  double sampleRate() const { return rate_; }
  double hopSeconds() const { return static_cast<double>(hopFrames_ * frameHop_) / rate_; }
  double windowSeconds() const { return static_cast<double>(framesPerWindow_ * frameHop_) / rate_; }

 private:
  struct Frame {
    float energyDb, zcr, centroid, flatness, rolloff, flux;
  };
  void analyseFrame() noexcept;
  SoundFeatureVector summarise() const noexcept;

  double rate_;
  std::size_t frameSize_, frameHop_;
  std::size_t maxBin_;  // the bin at 8 kHz
  RealFft fft_;
  std::vector<float> window_, input_, windowed_, magnitude_, previousMagnitude_;
  std::vector<std::complex<float>> spectrum_;
  std::size_t inputFill_ = 0;
  std::vector<Frame> frames_;  // ring of the last window's frames
  std::size_t frameCount_ = 0, framesPerWindow_, hopFrames_, framesSinceSummary_ = 0;
};

}  // namespace auralis::analysis
