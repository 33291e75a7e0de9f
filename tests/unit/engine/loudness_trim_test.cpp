// The loudness normalisation law against synthetic programs: the output the
// law sees is the program plus the trim it chose (plus, where said, a loss the
// limiter would cause), measured every 100 ms.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/loudness_trim.hpp"

using auralis::engine::LoudnessReading;
using auralis::engine::LoudnessTrimConfig;
using auralis::engine::LoudnessTrimLaw;

namespace {

constexpr double kDt = 0.1;
constexpr double kSilence = -std::numeric_limits<double>::infinity();

/// Runs `seconds` of a program whose loudness is program(t); returns the
/// largest trim step seen. `loss(level)` is what a limiter would shave off an
/// output at `level`.
template <typename Program>
double run(
    LoudnessTrimLaw& law, double seconds, Program program, double& t,
    double (*loss)(double) = [](double) { return 0.0; }) {
  double maxStep = 0.0;
  for (double end = t + seconds; t < end; t += kDt) {
    const double p = program(t);
    const double out = std::isfinite(p) ? p + law.trimDb() - loss(p + law.trimDb()) : p;
    const double before = law.trimDb();
    law.update(LoudnessReading{out, out, kDt});
    maxStep = std::max(maxStep, std::abs(law.trimDb() - before));
  }
  return maxStep;
}

}  // namespace

TEST_CASE("a steady quiet program is brought to the target, no faster than 1 dB/s") {
  LoudnessTrimLaw law;
  double t = 0.0;
  const double maxStep = run(
      law, 60.0, [](double) { return -26.0; }, t);
  CHECK(law.trimDb() == doctest::Approx(10.0).epsilon(0.05));
  CHECK(maxStep <= 1.0 * kDt + 1e-9);
}

TEST_CASE("a loud program is turned down and the trim never leaves its bounds") {
  LoudnessTrimLaw law;
  double t = 0.0;
  run(
      law, 60.0, [](double) { return -9.0; }, t);
  CHECK(law.trimDb() == doctest::Approx(-7.0).epsilon(0.05));
  LoudnessTrimLaw quiet;
  t = 0.0;
  run(
      quiet, 120.0, [](double) { return -45.0; }, t);
  CHECK(quiet.trimDb() <= 12.0);
  CHECK(quiet.trimDb() == doctest::Approx(12.0));
}

TEST_CASE("silence and a quiet breakdown hold the trim (no pumping in a pause)") {
  LoudnessTrimLaw law;
  double t = 0.0;
  run(
      law, 60.0, [](double) { return -24.0; }, t);
  const double settled = law.trimDb();
  run(
      law, 20.0, [](double) { return kSilence; }, t);
  CHECK(law.gated());
  CHECK(law.trimDb() == settled);
  run(
      law, 20.0, [](double) { return -45.0; }, t);  // 21 LU below the program: a rest
  CHECK(law.gated());
  CHECK(law.trimDb() == settled);
  run(
      law, 10.0, [](double) { return -24.0; }, t);
  CHECK_FALSE(law.gated());
  CHECK(std::abs(law.trimDb() - settled) < 0.5);
}

TEST_CASE("a program that alternates sections settles without oscillating") {
  LoudnessTrimLaw law;
  double t = 0.0;
  // 8 s sections, 6 LU apart: the law follows the long-term level, not each section.
  auto program = [](double time) { return std::fmod(time, 16.0) < 8.0 ? -20.0 : -26.0; };
  run(law, 120.0, program, t);
  double lo = 100.0, hi = -100.0;
  for (double end = t + 64.0; t < end; t += kDt) {
    run(law, kDt, program, t);
    lo = std::min(lo, law.trimDb());
    hi = std::max(hi, law.trimDb());
  }
  MESSAGE("trim swings between ", lo, " and ", hi, " dB");
  CHECK(hi - lo < 3.0);
  // Energy mean of -20/-26 is about -22.0 LUFS: trim near +6 dB.
  CHECK((lo + hi) / 2.0 == doctest::Approx(6.0).epsilon(0.25));
}

TEST_CASE("the output lands on the target even when a limiter compresses the loud end") {
  LoudnessTrimConfig config;
  config.targetLufs = -22.0;
  LoudnessTrimLaw law(config);
  double t = 0.0;
  // Above -24 LUFS the "limiter" takes half of every extra dB.
  run(
      law, 240.0, [](double) { return -30.0; }, t,
      [](double level) { return level > -24.0 ? 0.5 * (level + 24.0) : 0.0; });
  const double trim = law.trimDb();
  const double out = -30.0 + trim - (trim - 6.0 > 0.0 ? 0.5 * (trim - 6.0) : 0.0);
  MESSAGE("trim ", trim, " dB, output ", out, " LUFS");
  CHECK(out == doctest::Approx(-22.0).epsilon(0.02));
}
