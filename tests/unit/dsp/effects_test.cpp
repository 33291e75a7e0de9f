// Reverb tail length and finiteness; delay echo timing and click-free time changes.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "dsp/reverb.hpp"
#include "dsp/stereo_delay.hpp"

using namespace auralis::dsp;

TEST_CASE("reverb tail falls 60 dB in about the set decay time and stays finite") {
  constexpr int kRate = 48000, kBlock = 256;
  Reverb rv;
  rv.prepare(kRate, kBlock);
  rv.setSize(0.7F);
  rv.setDecay(1.0F);
  rv.setDamping(0.0F);
  const int total = kRate * 2;
  std::vector<float> inL(kBlock), inR(kBlock), outL(kBlock), outR(kBlock);
  std::vector<double> window;  // energy per 20 ms
  double acc = 0.0;
  int inWindow = 0;
  bool finite = true;
  for (int done = 0; done < total; done += kBlock) {
    std::fill(inL.begin(), inL.end(), 0.0F);
    std::fill(inR.begin(), inR.end(), 0.0F);
    if (done == 0) inL[0] = inR[0] = 1.0F;
    rv.process(inL.data(), inR.data(), outL.data(), outR.data(), kBlock);
    for (int i = 0; i < kBlock; ++i) {
      finite = finite && std::isfinite(outL[i]) && std::isfinite(outR[i]);
      acc += static_cast<double>(outL[i] * outL[i] + outR[i] * outR[i]);
      if (++inWindow == kRate / 50) {
        window.push_back(acc);
        acc = 0.0;
        inWindow = 0;
      }
    }
  }
  CHECK(finite);
  // Fit the decay between 0.2 s and 0.8 s (past the build-up), in dB per second.
  const double e1 = 10.0 * std::log10(window[10]);  // 0.2 s
  const double e2 = 10.0 * std::log10(window[40]);  // 0.8 s
  const double t60 = 60.0 / ((e1 - e2) / 0.6);
  MESSAGE("measured T60 " << t60 << " s for a set 1.0 s");
  CHECK(t60 == doctest::Approx(1.0).epsilon(0.25));
  CHECK(window[5] > 1e-4);  // there is a tail at all
}

TEST_CASE("delay echoes arrive at the set time and decay by the feedback") {
  constexpr int kRate = 48000, kBlock = 512;
  StereoDelay d;
  d.prepare(kRate, kBlock, 2.0);
  d.setTime(0.25F);
  d.setFeedback(0.5F);
  d.setDamping(0.0F);
  d.reset();  // start at the set time, no glide
  std::vector<float> inL(kBlock), inR(kBlock), outL(kBlock), outR(kBlock), all;
  for (int done = 0; done < kRate; done += kBlock) {
    std::fill(inL.begin(), inL.end(), 0.0F);
    std::fill(inR.begin(), inR.end(), 0.0F);
    if (done == 0) inL[0] = 1.0F;
    d.process(inL.data(), inR.data(), outL.data(), outR.data(), kBlock);
    all.insert(all.end(), outL.begin(), outL.end());
  }
  const auto firstPeak = std::max_element(all.begin(), all.begin() + 18000) - all.begin();
  const auto secondPeak = std::max_element(all.begin() + 18000, all.begin() + 30000) - all.begin();
  CHECK(firstPeak == doctest::Approx(12000).epsilon(0.001));
  CHECK(secondPeak == doctest::Approx(24000).epsilon(0.001));
  const float ratio =
      all[static_cast<std::size_t>(secondPeak)] / all[static_cast<std::size_t>(firstPeak)];
  CHECK(ratio == doctest::Approx(0.5).epsilon(0.1));
}

TEST_CASE("changing the delay time glides without a click") {
  constexpr int kRate = 48000, kBlock = 256;
  StereoDelay d;
  d.prepare(kRate, kBlock, 2.0);
  d.setTime(0.3F);
  d.setFeedback(0.3F);
  d.reset();
  std::vector<float> inL(kBlock), inR(kBlock), outL(kBlock), outR(kBlock), all;
  const double hz = 300.0;
  int n0 = 0;
  for (int b = 0; b < 400; ++b) {
    if (b == 150) d.setTime(0.12F);
    if (b == 250) d.setTime(0.7F);
    for (int i = 0; i < kBlock; ++i, ++n0)
      inL[i] = inR[i] =
          0.5F * static_cast<float>(std::sin(2.0 * 3.14159265358979 * hz * n0 / kRate));
    d.process(inL.data(), inR.data(), outL.data(), outR.data(), kBlock);
    all.insert(all.end(), outL.begin(), outL.end());
  }
  float jump = 0.0F;
  for (std::size_t i = kRate / 2; i < all.size(); ++i)
    jump = std::max(jump, std::fabs(all[i] - all[i - 1]));
  // Steady echoes of the sine (sum of repeats <= 0.5/(1-0.3)) change by at most
  // about 2*pi*f/fs of their amplitude per sample; a jump in the read point
  // would be an order of magnitude more. The crossfade adds a little.
  const float bound = 1.3F * (0.5F / 0.7F) * 2.0F * 3.14159265F * 300.0F / kRate;
  CHECK(jump < bound);
}
