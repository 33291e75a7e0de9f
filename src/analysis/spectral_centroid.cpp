#include "analysis/spectral_centroid.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace auralis::analysis {

void fftInPlace(std::vector<std::complex<double>>& data) {
  const std::size_t n = data.size();
  if (n == 0 || (n & (n - 1)) != 0)
    throw std::invalid_argument("fftInPlace: size must be a power of two");
  // Bit-reversal permutation, then iterative Cooley-Tukey butterflies.
  for (std::size_t i = 1, j = 0; i < n; ++i) {
    std::size_t bit = n >> 1;
    for (; (j & bit) != 0; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(data[i], data[j]);
  }
  for (std::size_t len = 2; len <= n; len <<= 1) {
    const double angle = -2.0 * std::numbers::pi / static_cast<double>(len);
    const std::complex<double> step(std::cos(angle), std::sin(angle));
    for (std::size_t start = 0; start < n; start += len) {
      std::complex<double> w(1.0, 0.0);
      for (std::size_t k = 0; k < len / 2; ++k) {
        const auto even = data[start + k];
        const auto odd = data[start + k + len / 2] * w;
        data[start + k] = even + odd;
        data[start + k + len / 2] = even - odd;
        w *= step;
      }
    }
  }
}

double meanSpectralCentroid(std::span<const float> mono, double sampleRate, std::size_t frameSize,
                            double silenceDb) {
  if (frameSize < 16 || (frameSize & (frameSize - 1)) != 0)
    throw std::invalid_argument("meanSpectralCentroid: frameSize must be a power of two >= 16");
  if (mono.size() < frameSize) return 0.0;

  std::vector<double> window(frameSize);
  for (std::size_t i = 0; i < frameSize; ++i)
    window[i] = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) /
                                     static_cast<double>(frameSize));
  const double silenceRms = std::pow(10.0, silenceDb / 20.0);
  const double binHz = sampleRate / static_cast<double>(frameSize);

  std::vector<std::complex<double>> buffer(frameSize);
  double sum = 0.0;
  std::size_t counted = 0;
  for (std::size_t start = 0; start + frameSize <= mono.size(); start += frameSize / 2) {
    double energy = 0.0;
    for (std::size_t i = 0; i < frameSize; ++i) {
      const auto x = static_cast<double>(mono[start + i]);
      energy += x * x;
      buffer[i] = {x * window[i], 0.0};
    }
    if (std::sqrt(energy / static_cast<double>(frameSize)) < silenceRms) continue;
    fftInPlace(buffer);
    double weighted = 0.0, total = 0.0;
    for (std::size_t k = 0; k <= frameSize / 2; ++k) {
      const double mag = std::abs(buffer[k]);
      weighted += mag * static_cast<double>(k) * binHz;
      total += mag;
    }
    if (total <= 0.0) continue;
    sum += weighted / total;
    ++counted;
  }
  return counted > 0 ? sum / static_cast<double>(counted) : 0.0;
}

}  // namespace auralis::analysis
