#include <doctest/doctest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <stdexcept>
#include <vector>

#include "analysis/spectral_centroid.hpp"

using auralis::analysis::fftInPlace;
using auralis::analysis::meanSpectralCentroid;

namespace {
constexpr double kRate = 48000.0;

std::vector<float> sine(double hz, double seconds) {
  std::vector<float> x(static_cast<std::size_t>(seconds * kRate));
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<float>(
        0.5 * std::sin(2.0 * std::numbers::pi * hz * static_cast<double>(i) / kRate));
  return x;
}
}  // namespace

TEST_CASE("the FFT matches a direct DFT") {
  std::vector<std::complex<double>> x(64);
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (auto& v : x) v = {u(rng), u(rng)};
  auto y = x;
  fftInPlace(y);
  for (std::size_t k = 0; k < x.size(); ++k) {
    std::complex<double> sum;
    for (std::size_t n = 0; n < x.size(); ++n)
      sum += x[n] * std::polar(1.0, -2.0 * std::numbers::pi * static_cast<double>(k * n) / 64.0);
    CHECK(std::abs(y[k] - sum) < 1e-9);
  }
  std::vector<std::complex<double>> bad(48);
  CHECK_THROWS_AS(fftInPlace(bad), std::invalid_argument);
}

TEST_CASE("the centroid of a 1 kHz sine is 1 kHz") {
  const auto x = sine(1000.0, 2.0);
  CHECK(std::abs(meanSpectralCentroid(x, kRate) - 1000.0) < 15.0);
  const auto y = sine(5000.0, 2.0);
  CHECK(std::abs(meanSpectralCentroid(y, kRate) - 5000.0) < 15.0);
}

TEST_CASE("the centroid of white noise is a quarter of the rate") {
  // A flat magnitude spectrum over 0..rate/2 has its mean at rate/4.
  std::vector<float> x(static_cast<std::size_t>(4 * kRate));
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> u(-0.5F, 0.5F);
  for (auto& v : x) v = u(rng);
  CHECK(std::abs(meanSpectralCentroid(x, kRate) - kRate / 4.0) < 0.02 * kRate / 4.0);
}

TEST_CASE("silence and short signals give 0 and silent frames are skipped") {
  std::vector<float> zeros(48000, 0.0F);
  CHECK(meanSpectralCentroid(zeros, kRate) == 0.0);
  std::vector<float> shortSig(100, 0.5F);
  CHECK(meanSpectralCentroid(shortSig, kRate) == 0.0);
  // Half silence, half 2 kHz: the silence must not pull the mean down.
  // The tone fades in over 100 ms: an abrupt onset would itself be a
  // broadband click in the frames that straddle it.
  auto x = sine(2000.0, 1.0);
  for (std::size_t i = 0; i < 4800; ++i)
    x[i] *= static_cast<float>(0.5 -
                               0.5 * std::cos(std::numbers::pi * static_cast<double>(i) / 4800.0));
  x.insert(x.begin(), 48000, 0.0F);
  CHECK(std::abs(meanSpectralCentroid(x, kRate) - 2000.0) < 15.0);
  CHECK_THROWS_AS(meanSpectralCentroid(x, kRate, 1000), std::invalid_argument);
}
