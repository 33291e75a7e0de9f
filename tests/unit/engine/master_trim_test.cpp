// The loudness trim on the master bus: a step of the trim is a ramp, never a
// jump, so the loudness loop cannot click however it moves.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "engine/master_bus.hpp"

TEST_CASE("trim changes, small and large, glide: no sample-to-sample jump beyond the music's own") {
  constexpr double kRate = 48000.0;
  constexpr int kBlock = 64;
  constexpr float kAmp = 0.2F;
  constexpr double kHz = 1000.0;
  auralis::engine::MasterBus bus;
  bus.prepare(kRate, {});
  bus.fadeIn();
  std::vector<float> l(kBlock), r(kBlock);
  double phase = 0.0;
  float prev = 0.0F, maxStep = 0.0F, lastPeak = 0.0F;
  const int blocks = static_cast<int>(4.0 * kRate) / kBlock;
  for (int b = 0; b < blocks; ++b) {
    const double t = b * kBlock / kRate;
    // 0.1 dB steps every 100 ms for a second (what the loop sends), then
    // jumps of +6 and -12 dB (what no loop sends, but a stray command might).
    if (b % 75 == 0 && t < 1.0) bus.setTrimDb(static_cast<float>(0.1 * (b / 75)));
    if (b == static_cast<int>(1.5 * kRate) / kBlock) bus.setTrimDb(6.0F);
    if (b == static_cast<int>(2.5 * kRate) / kBlock) bus.setTrimDb(-6.0F);
    for (int i = 0; i < kBlock; ++i) {
      l[static_cast<std::size_t>(i)] = r[static_cast<std::size_t>(i)] =
          kAmp * static_cast<float>(std::sin(phase));
      phase += 2.0 * M_PI * kHz / kRate;
    }
    bus.process(l.data(), r.data(), kBlock);
    for (float v : l) {
      if (t > 0.1) maxStep = std::max(maxStep, std::abs(v - prev));  // after the fade-in
      prev = v;
      if (t > 3.5) lastPeak = std::max(lastPeak, std::abs(v));
    }
  }
  // The sine's own largest step at the loudest trim (+6 dB): A * 2 * omega.
  const auto sineStep =
      static_cast<float>(static_cast<double>(kAmp) * 2.0 * 2.0 * M_PI * kHz / kRate);
  MESSAGE("largest step ", maxStep, ", the sine's own at +6 dB ", sineStep);
  CHECK(maxStep <= sineStep * 1.02F);
  // And the trim lands where it was sent: -6 dB.
  CHECK(static_cast<double>(lastPeak) == doctest::Approx(static_cast<double>(kAmp) * 0.501).epsilon(0.02));
  CHECK(static_cast<double>(bus.trimDb()) == doctest::Approx(-6.0));
}
