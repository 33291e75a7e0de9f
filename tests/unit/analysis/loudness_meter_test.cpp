#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "analysis/loudness_meter.hpp"

using auralis::analysis::LoudnessMeter;

namespace {

constexpr double kRate = 48000.0;

// Interleaved sine, the same on every channel.
std::vector<float> sine(double hz, double peak, double seconds, int channels, double phase = 0.0) {
  const auto frames = static_cast<std::size_t>(seconds * kRate);
  std::vector<float> out(frames * static_cast<std::size_t>(channels));
  for (std::size_t i = 0; i < frames; ++i) {
    const auto v = static_cast<float>(
        peak * std::sin(2.0 * std::numbers::pi * hz * static_cast<double>(i) / kRate + phase));
    for (int c = 0; c < channels; ++c)
      out[i * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)] = v;
  }
  return out;
}

// BS.1770-4: L = -0.691 + 10 log10(sum_c G_c * z_c), z_c the mean square of the
// K-weighted channel, G = 1 for left/right/centre. The -0.691 offset is chosen so
// that the K-weighting's gain at 997 Hz (+0.691 dB) cancels: at ~1 kHz the
// loudness is simply 10 log10(sum of mean squares). A sine of peak A has mean
// square A^2/2.
double expectedLufsAt1k(double peak, int channels) {
  return 10.0 * std::log10(static_cast<double>(channels) * peak * peak / 2.0);
}

}  // namespace

TEST_CASE("a -20 dBFS 997 Hz sine reads -23 LUFS in mono and -20 LUFS in stereo") {
  const double peak = std::pow(10.0, -20.0 / 20.0);
  for (int channels : {1, 2}) {
    CAPTURE(channels);
    LoudnessMeter meter(kRate, channels);
    const auto x = sine(997.0, peak, 10.0, channels);
    meter.addInterleaved(x.data(), x.size() / static_cast<std::size_t>(channels));
    const double expected = expectedLufsAt1k(peak, channels);  // -23.01 / -20.00
    CHECK(std::abs(meter.integratedLufs() - expected) < 0.1);
    CHECK(std::abs(meter.shortTermLufs() - expected) < 0.1);
    CHECK(std::abs(meter.momentaryLufs() - expected) < 0.1);
    CHECK(std::abs(meter.truePeakDbtp() - (-20.0)) < 0.2);
  }
}

TEST_CASE("integrated loudness follows level: -10 dB of gain reads 10 LU lower") {
  LoudnessMeter loud(kRate, 2), quiet(kRate, 2);
  const auto a = sine(1000.0, 0.5, 5.0, 2);
  const auto b = sine(1000.0, 0.5 * std::pow(10.0, -0.5), 5.0, 2);
  loud.addInterleaved(a.data(), a.size() / 2);
  quiet.addInterleaved(b.data(), b.size() / 2);
  CHECK(std::abs((loud.integratedLufs() - quiet.integratedLufs()) - 10.0) < 0.05);
}

TEST_CASE("true peak sees the inter-sample peak that the sample peak misses") {
  // fs/4 with a 45 degree phase: every sample lands at +-0.707 of the crest, so
  // the sample peak is 3 dB below the true peak of 0.5 (-6.02 dBTP).
  LoudnessMeter meter(kRate, 1);
  const auto x = sine(kRate / 4.0, 0.5, 2.0, 1, std::numbers::pi / 4.0);
  float samplePeak = 0.0F;
  for (float v : x) samplePeak = std::max(samplePeak, std::abs(v));
  meter.addInterleaved(x.data(), x.size());
  const double sampleDb = 20.0 * std::log10(static_cast<double>(samplePeak));
  CHECK(sampleDb == doctest::Approx(-9.03).epsilon(0.01));
  CHECK(std::abs(meter.truePeakDbtp() - 20.0 * std::log10(0.5)) < 0.6);
  CHECK(meter.truePeakDbtp() > sampleDb + 2.0);
}

TEST_CASE("silence reads -infinity and reset forgets") {
  LoudnessMeter meter(kRate, 2);
  std::vector<float> zeros(2 * 48000, 0.0F);
  meter.addInterleaved(zeros.data(), 48000);
  CHECK(std::isinf(meter.integratedLufs()));
  CHECK(meter.integratedLufs() < 0.0);
  CHECK(std::isinf(meter.truePeakDbtp()));

  const auto x = sine(1000.0, 0.1, 3.0, 2);
  meter.addInterleaved(x.data(), x.size() / 2);
  CHECK(std::isfinite(meter.integratedLufs()));
  meter.reset();
  CHECK(std::isinf(meter.integratedLufs()));
  CHECK(meter.channels() == 2);
}

TEST_CASE("bad arguments are refused") {
  CHECK_THROWS_AS(LoudnessMeter(kRate, 0), std::invalid_argument);
  CHECK_THROWS_AS(LoudnessMeter(kRate, 9), std::invalid_argument);
  CHECK_THROWS_AS(LoudnessMeter(0.0, 2), std::invalid_argument);
}
