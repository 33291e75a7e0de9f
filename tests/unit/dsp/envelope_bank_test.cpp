// The lane ADSR's stages and the voice banks' continuity at release and steal.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "dsp/fm_bank.hpp"
#include "dsp/lane_envelope.hpp"
#include "dsp/saw_bank.hpp"

using namespace auralis::dsp;

namespace {

// Steps lane 0 of a one-group envelope set for `samples`, the way the kernels
// do (per-sample update, stage changes per control period); returns levels.
std::vector<float> runEnvelope(LaneEnvelopes& env, int samples) {
  std::vector<float> out;
  for (int done = 0; done < samples; done += kControlPeriod) {
    float e = env.env()[0];
    for (int n = 0; n < kControlPeriod; ++n) {
      e = std::clamp(e * env.a()[0] + env.b()[0], 0.0F, 1.0F);
      out.push_back(e);
    }
    env.env()[0] = e;
    env.advance(0);
  }
  return out;
}

float maxJump(const std::vector<float>& x) {
  float m = 0.0F;
  for (std::size_t i = 1; i < x.size(); ++i) m = std::max(m, std::fabs(x[i] - x[i - 1]));
  return m;
}

}  // namespace

TEST_CASE("ADSR rises in the attack time, settles at sustain, releases to free") {
  LaneEnvelopes env;
  env.prepare(48000.0, kLanes);
  env.setParams({0.01F, 0.1F, 0.5F, 0.2F});
  env.start(0);
  const auto attack = runEnvelope(env, 960);  // 20 ms
  const auto reach = std::find_if(attack.begin(), attack.end(), [](float v) { return v >= 1.0F; });
  REQUIRE(reach != attack.end());
  const auto reachIndex = reach - attack.begin();
  CHECK(reachIndex == doctest::Approx(480).epsilon(0.1));  // 10 ms
  CHECK(env.stage(0) == kStageDecay);
  const auto decay = runEnvelope(env, 48000);
  CHECK(decay.back() == doctest::Approx(0.5F).epsilon(0.01));
  env.release(0);
  const auto release = runEnvelope(env, 19200);  // 0.4 s
  CHECK(env.stage(0) == kStageFree);
  CHECK(release.back() == 0.0F);
  // The level never steps: the largest per-sample change is the attack slope.
  std::vector<float> all(attack);
  all.insert(all.end(), decay.begin(), decay.end());
  all.insert(all.end(), release.begin(), release.end());
  CHECK(maxJump(all) < 0.01F);
}

TEST_CASE("a stolen lane fades to zero in about 3 ms and is freed") {
  LaneEnvelopes env;
  env.prepare(48000.0, kLanes);
  env.setParams({0.001F, 1.0F, 1.0F, 1.0F});
  env.start(0);
  runEnvelope(env, 480);
  env.steal(0);
  const auto fade = runEnvelope(env, 256);
  CHECK(env.stage(0) == kStageFree);
  const auto zero = std::find(fade.begin(), fade.end(), 0.0F) - fade.begin();
  CHECK(zero == doctest::Approx(144).epsilon(0.1));  // 3 ms at 48 kHz
  CHECK(maxJump(fade) < 1.0F / 140.0F);
}

TEST_CASE("release and steal of a sounding voice never click") {
  // A pure sine voice (FM index 0) so the signal's own slope is known.
  FmPatch patch;
  patch.index = 0.0F;
  patch.adsr = {0.005F, 1.0F, 1.0F, 0.05F};
  FmVoiceBank bank;
  bank.prepare(48000.0, 16, 256);
  bank.setPatch(patch);
  bank.reset();
  const float hz = 220.0F;
  bank.start(0, hz, 1.0F, 0.0F);
  bank.start(1, hz, 1.0F, 0.0F);
  std::vector<float> l(256), r(256), out;
  auto run = [&](int blocks) {
    for (int b = 0; b < blocks; ++b) {
      std::fill(l.begin(), l.end(), 0.0F);
      std::fill(r.begin(), r.end(), 0.0F);
      bank.render(l.data(), r.data(), 256);
      out.insert(out.end(), l.begin(), l.end());
    }
  };
  run(20);
  bank.release(0);
  bank.steal(1);  // steal lands at a block boundary mid-waveform
  run(20);
  // Bound: the slope of the two full-level sines (amplitude gain*cos(pi/4) each).
  const float amp = 2.0F * patch.gain * 0.7072F;
  const float slope = amp * 2.0F * 3.14159265F * hz / 48000.0F;
  CHECK(maxJump(out) < slope * 1.2F);
  CHECK(std::fabs(out.back()) < 1e-6F);
  CHECK(bank.envelopes().stage(1) == kStageFree);
}

TEST_CASE("voice banks are deterministic: same notes, bit-identical output") {
  auto render = [] {
    SawVoiceBank bank;
    bank.prepare(48000.0, 40, 128);
    SawPatch p;
    p.lfoDepth = 0.3F;
    p.stereoSpread = 0.5F;
    bank.setPatch(p);
    bank.reset();
    std::vector<float> l(128 * 50, 0.0F), r(128 * 50, 0.0F);
    for (int i = 0; i < 33; ++i)
      bank.start(i, 110.0F * static_cast<float>(i + 1) * 0.25F, 0.7F, 0.1F);
    for (int b = 0; b < 50; ++b) {
      if (b == 20) bank.setCutoff(400.0F);
      if (b == 25)
        for (int i = 0; i < 10; ++i) bank.release(i);
      bank.render(l.data() + b * 128, r.data() + b * 128, b % 2 == 0 ? 128 : 77);
    }
    l.insert(l.end(), r.begin(), r.end());
    return l;
  };
  const auto a = render();
  const auto b = render();
  REQUIRE(a.size() == b.size());
  CHECK(std::equal(a.begin(), a.end(), b.begin()));
  float peak = 0.0F;
  for (float v : a) peak = std::max(peak, std::fabs(v));
  CHECK(peak > 0.05F);
  CHECK(std::isfinite(peak));
}
