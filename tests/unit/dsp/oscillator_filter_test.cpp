// PolyBLEP aliasing against a naive saw, and the state-variable filter's
// cutoff and resonance response.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "dsp/polyblep.hpp"
#include "dsp/svf.hpp"

namespace {

constexpr double kPi = 3.14159265358979323846;

// Energy of DFT bin `k` of `x` (direct sum; sizes here are small).
double binEnergy(const std::vector<float>& x, int k) {
  double re = 0.0, im = 0.0;
  const double w = 2.0 * kPi * k / static_cast<double>(x.size());
  for (std::size_t n = 0; n < x.size(); ++n) {
    re += static_cast<double>(x[n]) * std::cos(w * static_cast<double>(n));
    im -= static_cast<double>(x[n]) * std::sin(w * static_cast<double>(n));
  }
  return re * re + im * im;
}

// Energy at bins that are not harmonics of `cycles` (i.e. aliases), relative
// to the energy at harmonic bins.
double aliasRatio(const std::vector<float>& x, int cycles) {
  double alias = 0.0, harmonic = 0.0;
  for (int k = 1; k < static_cast<int>(x.size()) / 2; ++k)
    (k % cycles == 0 ? harmonic : alias) += binEnergy(x, k);
  return alias / harmonic;
}

double sineGain(auralis::dsp::Svf& f, double hz, double rate) {
  f.reset();
  double peak = 0.0;
  for (int n = 0; n < 48000; ++n) {
    const float y = f.lowPass(static_cast<float>(std::sin(2.0 * kPi * hz * n / rate)));
    if (n > 24000) peak = std::max(peak, std::fabs(static_cast<double>(y)));
  }
  return peak;
}

}  // namespace

TEST_CASE("PolyBLEP saw aliases measurably less than a naive saw") {
  constexpr int kN = 2048;
  constexpr int kCycles = 93;  // exactly periodic: harmonics land on bins k*93
  auralis::dsp::PolyBlepSawOsc blep, naive;
  blep.setFrequency(static_cast<float>(kCycles) / kN);
  naive.setFrequency(static_cast<float>(kCycles) / kN);
  std::vector<float> a(kN), b(kN);
  for (int n = 0; n < kN; ++n) {
    a[static_cast<std::size_t>(n)] = blep.next();
    b[static_cast<std::size_t>(n)] = naive.nextNaive();
  }
  const double blepAlias = aliasRatio(a, kCycles);
  const double naiveAlias = aliasRatio(b, kCycles);
  MESSAGE("alias/harmonic energy: polyblep " << blepAlias << ", naive " << naiveAlias);
  CHECK(blepAlias < naiveAlias / 4.0);  // at least 6 dB less aliasing
}

TEST_CASE("state-variable low-pass passes below cutoff and cuts above it") {
  auralis::dsp::Svf f;
  f.prepare(48000.0);
  f.set(1000.0F, 0.0F);
  CHECK(sineGain(f, 100.0, 48000.0) == doctest::Approx(1.0).epsilon(0.02));
  // Two poles: about -12 dB per octave, so 3.3 octaves up is below -35 dB.
  CHECK(sineGain(f, 10000.0, 48000.0) < 0.02);
  // At the cutoff the gain is 1/k: 0.5 with no resonance, much more with it.
  const double flat = sineGain(f, 1000.0, 48000.0);
  CHECK(flat == doctest::Approx(0.5).epsilon(0.05));
  f.set(1000.0F, 0.9F);
  const double peaked = sineGain(f, 1000.0, 48000.0);
  CHECK(peaked > 3.0 * flat);
}
