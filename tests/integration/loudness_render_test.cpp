// Loudness normalisation end to end: the real ensemble through the real engine,
// rendered offline exactly as `auralis render` does it (the MasterLoudness tap
// drained before each block into app::LoudnessFollower, whose trim goes back as
// an engine command), then measured with libebur128 (integrated loudness and
// true peak) by an independent meter.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "analysis/loudness_meter.hpp"
#include "app/loudness_control.hpp"
#include "engine/engine.hpp"
#include "ensemble/ensemble.hpp"
#include "io/offline_renderer.hpp"

namespace {

using auralis::engine::Engine;

constexpr double kRate = 48000.0;
constexpr int kBlock = 256;

struct Result {
  double integratedLufs = 0.0;
  double truePeakDbtp = 0.0;
  double maxJump = 0.0;    // largest |x[n] - x[n-1]| while the trim moves
  double trimRange = 0.0;  // max - min trim over the render (dB)
  double finalTrimDb = 0.0;
};

/// `fixedTrimDb` >= -24: no loop, the trim is set once before the first block.
Result renderNormalised(double intensity, double targetLufs, double seconds,
                        double fixedTrimDb = -100.0) {
  Engine engine;
  auto ec = auralis::engine::ensembleEngineConfig(kRate, kBlock);
  ec.master.ceilingDb = -1.0;
  engine.prepare(ec);
  auralis::ensemble::EnsembleConfig config;
  config.sampleRate = kRate;
  config.seed = 11;
  config.params.intensity = intensity;
  auralis::ensemble::Ensemble ensemble(config);
  struct Sink final : auralis::ensemble::NoteSink {
    explicit Sink(Engine& e) : engine(e) {}
    bool push(const auralis::music::NoteEvent& n) override { return engine.postNote(n); }
    Engine& engine;
  } sink(engine);

  auralis::engine::LoudnessTrimConfig law;
  law.targetLufs = targetLufs;
  auralis::app::LoudnessFollower follower(kRate, law);
  auto& tap = engine.tap(auralis::engine::TapId::MasterLoudness);
  tap.setEnabled(true);
  auralis::analysis::LoudnessMeter meter(kRate, 2);

  Result r;
  const bool loop = fixedTrimDb < -24.0;
  if (!loop) engine.postCommand(auralis::app::loudnessTrimCommand(static_cast<float>(fixedTrimDb)));
  double minTrim = 0.0, maxTrim = 0.0;
  float prevL = 0.0F, prevR = 0.0F;
  auto drain = [&] {
    while (const auto* b = tap.front()) {
      meter.addInterleaved(b->samples, static_cast<std::size_t>(b->frames));
      for (int i = 0; i < b->frames; ++i) {
        const float l = b->samples[2 * i], rr = b->samples[2 * i + 1];
        r.maxJump = std::max({r.maxJump, static_cast<double>(std::abs(l - prevL)),
                              static_cast<double>(std::abs(rr - prevR))});
        prevL = l;
        prevR = rr;
      }
      float trim = 0.0F;
      if (loop && follower.feed(*b, trim)) {
        engine.postCommand(auralis::app::loudnessTrimCommand(trim));
        minTrim = std::min(minTrim, static_cast<double>(trim));
        maxTrim = std::max(maxTrim, static_cast<double>(trim));
      }
      tap.pop();
    }
  };
  const auto lookahead = static_cast<std::int64_t>(0.25 * kRate);
  auto stats = auralis::io::renderOffline(engine, {seconds, kBlock, ""},
                                          [&](std::int64_t start, int frames) {
                                            drain();
                                            ensemble.planUntil(start + frames + lookahead, sink);
                                          });
  REQUIRE(stats);
  drain();
  CHECK(tap.drops() == 0);
  r.integratedLufs = meter.integratedLufs();
  r.truePeakDbtp = meter.truePeakDbtp();
  r.trimRange = maxTrim - minTrim;
  r.finalTrimDb = follower.law().trimDb();
  MESSAGE("intensity ", intensity, " target ", targetLufs, ": ", r.integratedLufs, " LUFS, ",
          r.truePeakDbtp, " dBTP, trim range ", r.trimRange, " dB, final trim ",
          follower.law().trimDb(), " dB");
  return r;
}

void checkLands(double intensity, double target) {
  const Result r = renderNormalised(intensity, target, 600.0);
  CHECK(std::abs(r.integratedLufs - target) <= 1.0);
  CHECK(r.truePeakDbtp <= -1.0);
}

}  // namespace

TEST_CASE("ten minutes at intensity 0.1 land within 1 LU of -16 LUFS, true peak under -1 dBTP") {
  checkLands(0.1, -16.0);
}

TEST_CASE("ten minutes at intensity 0.9 land within 1 LU of -16 LUFS, true peak under -1 dBTP") {
  checkLands(0.9, -16.0);
}

TEST_CASE("ten minutes at intensity 0.1 land within 1 LU of a -20 LUFS target") {
  checkLands(0.1, -20.0);
}

TEST_CASE("ten minutes at intensity 0.9 land within 1 LU of a -20 LUFS target") {
  checkLands(0.9, -20.0);
}
