#include "analysis/spectrum.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "analysis/features.hpp"
#include "analysis/level_meter.hpp"

namespace auralis::analysis {

std::vector<float> hannWindow(std::size_t size) {
  std::vector<float> w(size);
  for (std::size_t i = 0; i < size; ++i)
    w[i] = static_cast<float>(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) /
                                                   static_cast<double>(size)));
  return w;
}

void powerSpectrum(std::span<const std::complex<float>> bins, std::size_t fftSize,
                   std::span<float> power) noexcept {
  // A Hann-windowed sine of amplitude A peaks at |X| = A*N/4 and its main lobe
  // holds 1.5x the peak bin's power (the window's noise bandwidth).
  const double n4 = static_cast<double>(fftSize) / 4.0;
  const auto scale = static_cast<float>(1.0 / (1.5 * n4 * n4));
  const std::size_t count = std::min(bins.size(), power.size());
  for (std::size_t k = 0; k < count; ++k) power[k] = std::norm(bins[k]) * scale;
}

void BandSpectrum::prepare(double sampleRate, std::size_t fftSize, int bandCount, double loHz,
                           double hiHz) {
  if (bandCount < 1 || bandCount > kMaxBands || !(loHz > 0.0) || !(hiHz > loHz))
    throw std::invalid_argument("BandSpectrum: bad band layout");
  binHz_ = sampleRate / static_cast<double>(fftSize);
  hiHz = std::min(hiHz, sampleRate / 2.0);
  const std::size_t maxBin = fftSize / 2;
  edges_.resize(static_cast<std::size_t>(bandCount) + 1);
  first_.resize(static_cast<std::size_t>(bandCount));
  last_.resize(static_cast<std::size_t>(bandCount));
  for (int b = 0; b <= bandCount; ++b)
    edges_[static_cast<std::size_t>(b)] =
        static_cast<float>(loHz * std::pow(hiHz / loHz, static_cast<double>(b) / bandCount));
  for (std::size_t b = 0; b < first_.size(); ++b) {
    // A band narrower than one bin (low frequencies) reads the bin nearest
    // its centre, so every band shows something rather than a hole.
    auto lo = static_cast<std::size_t>(std::ceil(static_cast<double>(edges_[b]) / binHz_));
    auto hi = static_cast<std::size_t>(std::ceil(static_cast<double>(edges_[b + 1]) / binHz_));
    if (hi <= lo) {
      lo = static_cast<std::size_t>(std::lround(
          std::sqrt(static_cast<double>(edges_[b]) * static_cast<double>(edges_[b + 1])) / binHz_));
      hi = lo + 1;
    }
    first_[b] = std::min(lo, maxBin);
    last_[b] = std::min(std::max(hi, first_[b] + 1), maxBin + 1);
  }
}

float BandSpectrum::compute(std::span<const float> power, std::span<float> bandsDb) const noexcept {
  const std::size_t bands = std::min(first_.size(), bandsDb.size());
  for (std::size_t b = 0; b < bands; ++b) {
    double sum = 0.0;
    for (std::size_t k = first_[b]; k < last_[b] && k < power.size(); ++k)
      sum += static_cast<double>(power[k]);
    bandsDb[b] = sum > 1e-12 ? static_cast<float>(10.0 * std::log10(sum)) : kSilenceDb;
  }
  double weighted = 0.0;
  double total = 0.0;
  for (std::size_t k = 1; k < power.size(); ++k) {
    const double m = std::sqrt(static_cast<double>(power[k]));
    weighted += m * static_cast<double>(k) * binHz_;
    total += m;
  }
  return total > 1e-9 ? static_cast<float>(weighted / total) : 0.0F;
}

}  // namespace auralis::analysis
