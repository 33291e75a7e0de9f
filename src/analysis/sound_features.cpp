#include "analysis/sound_features.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace auralis::analysis {

namespace {

constexpr double kFrameSeconds = 0.032;
constexpr double kMaxHz = 8000.0;
constexpr float kFloorDb = -100.0F;

std::size_t evenAtLeast4(double n) {
  auto v = static_cast<std::size_t>(std::lround(n));
  v += v & 1U;
  return std::max<std::size_t>(v, 4);
}

struct Stats {
  float mean = 0.0F, stddev = 0.0F;
};

template <typename F>
Stats stats(std::size_t n, F value) {
  double sum = 0.0, sq = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = value(i);
    sum += v;
    sq += v * v;
  }
  const double mean = sum / static_cast<double>(n);
  const double var = std::max(0.0, sq / static_cast<double>(n) - mean * mean);
  return {static_cast<float>(mean), static_cast<float>(std::sqrt(var))};
}

}  // namespace

const std::array<const char*, kSoundFeatureCount>& soundFeatureNames() {
  static const std::array<const char*, kSoundFeatureCount> names = {
      "level_db",     "level_std_db",  "low_energy_ratio", "modulation_2_8hz", "zcr_mean",
      "zcr_std",      "centroid_mean", "centroid_std",     "flatness_mean",    "flatness_std",
      "rolloff_mean", "flux_mean",     "flux_std",         "level_range_db"};
  return names;
}

SoundFeatures::SoundFeatures(double sampleRate, double windowSeconds, double hopSeconds)
    : rate_(sampleRate),
      frameSize_(evenAtLeast4(sampleRate * kFrameSeconds)),
      frameHop_(frameSize_ / 2),
      maxBin_(std::min(frameSize_ / 2, static_cast<std::size_t>(kMaxHz / sampleRate *
                                                                static_cast<double>(frameSize_)))),
      fft_(frameSize_),
      window_(frameSize_),
      input_(frameSize_),
      windowed_(frameSize_),
      magnitude_(frameSize_ / 2 + 1),
      previousMagnitude_(frameSize_ / 2 + 1),
      spectrum_(frameSize_ / 2 + 1) {
  const double frameRate = sampleRate / static_cast<double>(frameHop_);
  framesPerWindow_ =
      std::max<std::size_t>(8, static_cast<std::size_t>(std::lround(windowSeconds * frameRate)));
  hopFrames_ =
      std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(hopSeconds * frameRate)));
  frames_.resize(framesPerWindow_);
  for (std::size_t i = 0; i < frameSize_; ++i)
    window_[i] =
        static_cast<float>(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) /
                                                static_cast<double>(frameSize_)));
}

std::optional<SoundFeatureVector> SoundFeatures::push(std::span<const float> mono) noexcept {
  std::optional<SoundFeatureVector> result;
  for (const float x : mono) {
    input_[inputFill_++] = std::isfinite(x) ? x : 0.0F;
    if (inputFill_ < frameSize_) continue;
    analyseFrame();
    // Keep the second half: frames overlap by 50 %.
    std::copy(input_.begin() + static_cast<std::ptrdiff_t>(frameHop_), input_.end(),
              input_.begin());
    inputFill_ = frameSize_ - frameHop_;
    if (frameCount_ >= framesPerWindow_ && ++framesSinceSummary_ >= hopFrames_) {
      framesSinceSummary_ = 0;
      result = summarise();
    }
  }
  return result;
}

void SoundFeatures::analyseFrame() noexcept {
  double energy = 0.0;
  int crossings = 0;
  for (std::size_t i = 0; i < frameSize_; ++i) {
    energy += static_cast<double>(input_[i]) * static_cast<double>(input_[i]);
    if (i > 0 && (input_[i] >= 0.0F) != (input_[i - 1] >= 0.0F)) ++crossings;
    windowed_[i] = input_[i] * window_[i];
  }
  fft_.forward(windowed_, spectrum_);
  double power = 0.0, weighted = 0.0, logSum = 0.0, flux = 0.0, norm = 0.0;
  for (std::size_t k = 1; k <= maxBin_; ++k) {
    const float m = std::abs(spectrum_[k]);
    magnitude_[k] = m;
    const double p = static_cast<double>(m) * static_cast<double>(m) + 1e-12;
    power += p;
    weighted += p * static_cast<double>(k);
    logSum += std::log(p);
    const double d = static_cast<double>(m) - static_cast<double>(previousMagnitude_[k]);
    if (d > 0.0) flux += d;
    norm += static_cast<double>(m);
  }
  const double bins = static_cast<double>(maxBin_);
  double cumulative = 0.0;
  std::size_t rolloffBin = maxBin_;
  for (std::size_t k = 1; k <= maxBin_; ++k) {
    cumulative += static_cast<double>(magnitude_[k]) * static_cast<double>(magnitude_[k]) + 1e-12;
    if (cumulative >= 0.85 * power) {
      rolloffBin = k;
      break;
    }
  }
  std::copy(magnitude_.begin(), magnitude_.end(), previousMagnitude_.begin());
  const double binHz = rate_ / static_cast<double>(frameSize_);
  Frame f{};
  f.energyDb = static_cast<float>(
      std::max(static_cast<double>(kFloorDb),
               10.0 * std::log10(energy / static_cast<double>(frameSize_) + 1e-12)));
  f.zcr = static_cast<float>(crossings) *
          static_cast<float>(rate_ / static_cast<double>(frameSize_)) / 1000.0F;
  f.centroid = static_cast<float>(weighted / power * binHz / kMaxHz);
  f.flatness = static_cast<float>(std::exp(logSum / bins) / (power / bins));
  f.rolloff = static_cast<float>(static_cast<double>(rolloffBin) * binHz / kMaxHz);
  f.flux = static_cast<float>(flux / (norm + 1e-9));
  frames_[frameCount_ % framesPerWindow_] = f;
  ++frameCount_;
}

SoundFeatureVector SoundFeatures::summarise() const noexcept {
  const std::size_t n = framesPerWindow_;
  auto at = [&](std::size_t i) -> const Frame& {
    return frames_[(frameCount_ + i) % n];
  };  // oldest first
  const auto level = stats(n, [&](std::size_t i) { return static_cast<double>(at(i).energyDb); });
  double meanPower = 0.0;
  float lo = 1e9F, hi = -1e9F;
  for (std::size_t i = 0; i < n; ++i) {
    meanPower += std::pow(10.0, static_cast<double>(at(i).energyDb) / 10.0);
    lo = std::min(lo, at(i).energyDb);
    hi = std::max(hi, at(i).energyDb);
  }
  meanPower /= static_cast<double>(n);
  const double lowThresholdDb = 10.0 * std::log10(meanPower * 0.5 + 1e-12);
  std::size_t low = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (static_cast<double>(at(i).energyDb) < lowThresholdDb) ++low;
  // Modulation of the level envelope between 2 and 8 Hz, where the syllables of
  // speech sit: the RMS (in dB) of that band of the envelope, from a direct DFT.
  // A steady sound has none however small its level wobbles are.
  const double frameRate = rate_ / static_cast<double>(frameHop_);
  double modulated = 0.0;
  for (std::size_t k = 1; k < n / 2; ++k) {
    const double hz = static_cast<double>(k) * frameRate / static_cast<double>(n);
    if (hz < 2.0 || hz > 8.0) continue;
    double re = 0.0, im = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double v = static_cast<double>(at(i).energyDb - level.mean);
      const double phase =
          2.0 * std::numbers::pi * static_cast<double>(k * i) / static_cast<double>(n);
      re += v * std::cos(phase);
      im -= v * std::sin(phase);
    }
    modulated += 2.0 * (re * re + im * im);  // both sides of the spectrum
  }
  const auto zcr = stats(n, [&](std::size_t i) { return static_cast<double>(at(i).zcr); });
  const auto centroid =
      stats(n, [&](std::size_t i) { return static_cast<double>(at(i).centroid); });
  const auto flatness =
      stats(n, [&](std::size_t i) { return static_cast<double>(at(i).flatness); });
  const auto rolloff = stats(n, [&](std::size_t i) { return static_cast<double>(at(i).rolloff); });
  const auto flux = stats(n, [&](std::size_t i) { return static_cast<double>(at(i).flux); });
  return {level.mean,
          level.stddev,
          static_cast<float>(low) / static_cast<float>(n),
          static_cast<float>(std::sqrt(modulated) / static_cast<double>(n)),
          zcr.mean,
          zcr.stddev,
          centroid.mean,
          centroid.stddev,
          flatness.mean,
          flatness.stddev,
          rolloff.mean,
          flux.mean,
          flux.stddev,
          hi - lo};
}

}  // namespace auralis::analysis
