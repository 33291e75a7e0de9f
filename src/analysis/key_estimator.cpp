#include "analysis/key_estimator.hpp"

#include <algorithm>
#include <cmath>

#include "analysis/features.hpp"

namespace auralis::analysis {

namespace {

// Krumhansl & Kessler (1982) probe-tone ratings, tonic first.
constexpr std::array<double, 12> kMajor = {6.35, 2.23, 3.48, 2.33, 4.38, 4.09,
                                           2.52, 5.19, 2.39, 3.66, 2.29, 2.88};
constexpr std::array<double, 12> kMinor = {6.33, 2.68, 3.52, 5.38, 2.60, 3.53,
                                           2.54, 4.75, 3.98, 2.69, 3.34, 3.17};

double pearson(const std::array<double, 12>& chroma, const std::array<double, 12>& profile,
               int tonic) {
  double mc = 0.0;
  double mp = 0.0;
  for (int i = 0; i < 12; ++i) {
    mc += chroma[static_cast<std::size_t>(i)];
    mp += profile[static_cast<std::size_t>(i)];
  }
  mc /= 12.0;
  mp /= 12.0;
  double num = 0.0;
  double dc = 0.0;
  double dp = 0.0;
  for (int i = 0; i < 12; ++i) {
    const double c = chroma[static_cast<std::size_t>((i + tonic) % 12)] - mc;
    const double p = profile[static_cast<std::size_t>(i)] - mp;
    num += c * p;
    dc += c * c;
    dp += p * p;
  }
  return dc > 0.0 && dp > 0.0 ? num / std::sqrt(dc * dp) : 0.0;
}

}  // namespace

const char* analysisEventName(AnalysisEventType type) {
  switch (type) {
    case AnalysisEventType::Onset:
      return "onset";
    case AnalysisEventType::Beat:
      return "beat";
    case AnalysisEventType::Pitch:
      return "pitch";
    case AnalysisEventType::Tempo:
      return "tempo";
    case AnalysisEventType::Key:
      return "key";
  }
  return "unknown";
}

std::string keyName(int key) {
  static constexpr std::array<const char*, 12> kSharp = {"C",  "C#", "D",  "D#", "E",  "F",
                                                         "F#", "G",  "G#", "A",  "A#", "B"};
  static constexpr std::array<const char*, 12> kFlat = {"C",  "Db", "D",  "Eb", "E",  "F",
                                                        "Gb", "G",  "Ab", "A",  "Bb", "B"};
  if (key < 0 || key > 23) return "unknown";
  const int root = key % 12;
  const bool minor = key >= 12;
  // Flats where the key signature has them: relative majors F, Bb, Eb, Ab, Db.
  const int relativeMajor = minor ? (root + 3) % 12 : root;
  const bool flats = relativeMajor == 5 || relativeMajor == 10 || relativeMajor == 3 ||
                     relativeMajor == 8 || relativeMajor == 1;
  std::string name =
      flats ? kFlat[static_cast<std::size_t>(root)] : kSharp[static_cast<std::size_t>(root)];
  return name + (minor ? " minor" : " major");
}

void KeyEstimator::prepare(double sampleRate, std::size_t fftSize, double secondsPerSpectrum,
                           const KeyConfig& config) {
  config_ = config;
  binHz_ = sampleRate / static_cast<double>(fftSize);
  loBin_ = std::max<std::size_t>(2, static_cast<std::size_t>(config.loHz / binHz_));
  hiBin_ = std::min(fftSize / 2 - 1, static_cast<std::size_t>(config.hiHz / binHz_) + 1);
  decay_ = config.halfLifeSeconds > 0.0 ? std::pow(0.5, secondsPerSpectrum / config.halfLifeSeconds)
                                        : 1.0;
  logMag_.assign(fftSize / 2 + 1, 0.0F);
  peakHz_.assign(fftSize / 2 + 1, 0.0F);
  peakMag_.assign(fftSize / 2 + 1, 0.0F);
  reset();
}

void KeyEstimator::reset() noexcept {
  chroma_.fill(0.0);
}

void KeyEstimator::addSpectrum(std::span<const float> power) noexcept {
  if (decay_ < 1.0)
    for (auto& c : chroma_) c *= decay_;
  const std::size_t hi = std::min(hiBin_ + 1, power.size());
  const float floorPower = std::pow(10.0F, config_.peakFloorDb / 10.0F);
  for (std::size_t k = loBin_ - 1; k < hi; ++k)
    logMag_[k] = 0.5F * std::log(std::max(power[k], 1e-20F));
  std::size_t peaks = 0;
  for (std::size_t k = loBin_; k + 1 < hi; ++k) {
    if (power[k] < floorPower || power[k] <= power[k - 1] || power[k] < power[k + 1]) continue;
    const double a = logMag_[k - 1];
    const double b = logMag_[k];
    const double c = logMag_[k + 1];
    const double denom = a - 2.0 * b + c;
    const double offset = denom < 0.0 ? std::clamp(0.5 * (a - c) / denom, -0.5, 0.5) : 0.0;
    peakHz_[peaks] = static_cast<float>((static_cast<double>(k) + offset) * binHz_);
    peakMag_[peaks] = std::sqrt(power[k]);
    ++peaks;
  }
  const auto begin = peakHz_.begin();
  const auto end = begin + static_cast<std::ptrdiff_t>(peaks);
  for (std::size_t p = 0; p < peaks; ++p) {
    const double hz = peakHz_[p];
    double weight = 1.0;
    for (const double ratio : {2.0, 3.0}) {
      // A fundamental within a quarter tone of hz/ratio, at least as strong.
      const auto lo = static_cast<float>(hz / ratio * 0.986);
      const auto hiHz = static_cast<float>(hz / ratio * 1.014);
      for (auto it = std::lower_bound(begin, end, lo); it != end && *it <= hiHz; ++it)
        if (peakMag_[static_cast<std::size_t>(it - begin)] >= 0.5F * peakMag_[p]) weight = 0.1;
    }
    const double midi = 69.0 + 12.0 * std::log2(hz / 440.0);
    const auto pc = static_cast<std::size_t>(((std::lround(midi) % 12) + 12) % 12);
    chroma_[pc] += weight * static_cast<double>(peakMag_[p]);
  }
}

KeyEstimate KeyEstimator::estimate() const noexcept {
  return estimateFrom(chroma_);
}

KeyEstimate KeyEstimator::estimateFrom(const std::array<double, 12>& chroma) noexcept {
  KeyEstimate out;
  double total = 0.0;
  for (double c : chroma) total += c;
  if (!(total > 0.0)) return out;
  double best = -2.0;
  double second = -2.0;
  for (int key = 0; key < 24; ++key) {
    const double r = pearson(chroma, key < 12 ? kMajor : kMinor, key % 12);
    if (r > best) {
      second = best;
      best = r;
      out.key = key;
    } else if (r > second) {
      second = r;
    }
  }
  out.correlation = static_cast<float>(best);
  // A clear winner (lead of 0.15 or more over the runner-up, usually the
  // relative or parallel key) with a strong correlation reads as confident.
  out.confidence =
      static_cast<float>(std::clamp(best, 0.0, 1.0) * std::clamp((best - second) / 0.15, 0.0, 1.0));
  return out;
}

}  // namespace auralis::analysis
