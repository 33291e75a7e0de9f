#include <doctest/doctest.h>

#include <cmath>
#include <complex>
#include <vector>

#include "analysis/level_meter.hpp"
#include "analysis/real_fft.hpp"
#include "analysis/spectrum.hpp"
#include "signals.hpp"

using namespace auralis::analysis;
using namespace auralis::analysis::testing;

TEST_CASE("level meter: a sine of amplitude 0.5 reads -9 dB RMS and -6 dB peak") {
  std::vector<float> x(samplesOf(0.5), 0.0F);
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<float>(0.5 * std::sin(2.0 * std::numbers::pi * 1000.0 * i / kRate));
  LevelMeter m;
  m.add(x);
  const auto r = m.take();
  CHECK(r.rmsDb == doctest::Approx(-9.03).epsilon(0.01));
  CHECK(r.peakDb == doctest::Approx(-6.02).epsilon(0.01));
  CHECK(m.reading().rmsDb == kSilenceDb);  // take() started a new period
}

TEST_CASE("level meter: stride reads one channel of interleaved stereo") {
  std::vector<float> stereo = {0.5F, 0.0F, -0.5F, 0.0F, 0.5F, 0.0F, -0.5F, 0.0F};
  LevelMeter left;
  LevelMeter right;
  left.add(stereo.data(), 4, 2);
  right.add(stereo.data() + 1, 4, 2);
  CHECK(left.take().rmsDb == doctest::Approx(-6.02).epsilon(0.01));
  CHECK(right.take().peakDb == kSilenceDb);
}

TEST_CASE("real FFT: a sine lands in its bin and the inverse restores the frame") {
  constexpr std::size_t kN = 1024;
  RealFft fft(kN);
  std::vector<float> x(kN);
  for (std::size_t i = 0; i < kN; ++i)
    x[i] = static_cast<float>(std::cos(2.0 * std::numbers::pi * 32.0 * i / kN));
  std::vector<std::complex<float>> bins(fft.bins());
  fft.forward(x, bins);
  CHECK(std::abs(bins[32]) == doctest::Approx(kN / 2.0).epsilon(0.001));
  CHECK(std::abs(bins[31]) < 0.01);
  std::vector<float> back(kN);
  fft.inverse(bins, back);
  for (std::size_t i = 0; i < kN; i += 97)
    CHECK(back[i] / kN == doctest::Approx(x[i]).epsilon(1e-4));
  CHECK_THROWS_AS(RealFft(7), std::invalid_argument);
}

TEST_CASE("band spectrum: a 1 kHz sine peaks in the band holding 1 kHz at its amplitude") {
  constexpr std::size_t kN = 2048;
  BandSpectrum bands;
  bands.prepare(kRate, kN, 24, 40.0, 16000.0);
  REQUIRE(bands.edgesHz().size() == 25);
  CHECK(bands.edgesHz().front() == doctest::Approx(40.0));
  CHECK(bands.edgesHz().back() == doctest::Approx(16000.0));
  const auto window = hannWindow(kN);
  std::vector<float> x(kN);
  for (std::size_t i = 0; i < kN; ++i)
    x[i] = static_cast<float>(0.25 * std::sin(2.0 * std::numbers::pi * 1000.0 * i / kRate)) *
           window[i];
  RealFft fft(kN);
  std::vector<std::complex<float>> bins(fft.bins());
  fft.forward(x, bins);
  std::vector<float> power(fft.bins());
  powerSpectrum(bins, kN, power);
  std::vector<float> db(24);
  const float centroid = bands.compute(power, db);
  int loudest = 0;
  for (int b = 1; b < 24; ++b)
    if (db[b] > db[loudest]) loudest = b;
  CHECK(bands.edgesHz()[loudest] <= 1000.0F);
  CHECK(bands.edgesHz()[loudest + 1] > 1000.0F);
  // Amplitude 0.25 is -12 dB; the main lobe may straddle two bands.
  CHECK(db[loudest] > -15.5F);
  CHECK(db[loudest] < -11.0F);
  CHECK(db[0] < -60.0F);
  CHECK(centroid == doctest::Approx(1000.0).epsilon(0.05));
}
