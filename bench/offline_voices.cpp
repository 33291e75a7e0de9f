// Offline render speed of the whole engine path (scheduler, channel strips,
// effects returns, master bus with limiter, master tap) with N held TestTone
// voices, in x real time on one core.
//
// What N means: N notes started at sample 0 and held for the whole run, each
// one TestTone voice (sine+saw, linear envelope), so exactly N voices sound;
// the engine's activeVoices metric is printed to prove it. The engine builds
// one instrument per (channel, kind) and a TestTone has 16 voices, so
// testToneConfig (5 instances) tops out at 80 voices. Here every (channel,
// kind) slot of the 5 x 10 grid is a TestTone (via instrumentFactory): 50
// instances, 800 voices, and notes are dealt 16 per instance so none steals.
//
// Usage: offline_voices [seconds=20] [repeats=5]   (48 kHz, 256-frame blocks)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "engine/engine.hpp"
#include "engine/test_tone.hpp"
#include "io/offline_renderer.hpp"

namespace {

using auralis::engine::Engine;
using auralis::engine::EngineConfig;
using auralis::music::Channel;
using auralis::music::InstrumentKind;

constexpr double kRate = 48000.0;
constexpr int kBlock = 256;

EngineConfig allTestTones() {
  EngineConfig c;
  c.sampleRate = kRate;
  c.maxBlockFrames = kBlock;
  for (int ch = 0; ch < auralis::music::kChannelCount; ++ch)
    for (int k = 0; k < auralis::music::kInstrumentKindCount; ++k)
      c.instruments.emplace_back(static_cast<Channel>(ch), static_cast<InstrumentKind>(k));
  c.instrumentFactory = [](InstrumentKind) {
    return std::make_unique<auralis::engine::TestTone>();
  };
  return c;
}

struct Result {
  double medianFactor = 0.0;
  int activeVoices = 0;
};

Result run(int voices, double seconds, int repeats) {
  std::vector<double> factors;
  int active = 0;
  for (int r = 0; r < repeats; ++r) {
    Engine engine;
    engine.prepare(allTestTones());
    for (int v = 0; v < voices; ++v) {
      const int slot = v / auralis::engine::TestTone::kVoices;  // 16 notes per instance
      auralis::music::NoteEvent note;
      note.startSample = 0;
      note.lengthSamples = static_cast<std::int32_t>(2 * seconds * kRate);
      note.channel = static_cast<Channel>(slot % auralis::music::kChannelCount);
      note.instrument = static_cast<InstrumentKind>(slot / auralis::music::kChannelCount);
      note.pitch = static_cast<std::uint8_t>(36 + v % 48);
      note.velocity = 0.5F;
      note.pan = static_cast<float>(v % 17) / 8.0F - 1.0F;
      if (!engine.postNote(note)) std::fprintf(stderr, "note queue full\n");
    }
    auralis::io::OfflineRenderConfig rc;
    rc.seconds = seconds;
    rc.blockFrames = kBlock;
    auto stats = auralis::io::renderOffline(engine, rc);
    if (!stats) {
      std::fprintf(stderr, "render failed: %s\n", stats.error().message.c_str());
      std::exit(1);
    }
    factors.push_back(stats.value().realtimeFactor);
    active = engine.metrics().activeVoices.load();
  }
  std::sort(factors.begin(), factors.end());
  return {factors[factors.size() / 2], active};
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 20.0;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  std::printf(
      "offline_voices: engine + master bus + N held TestTone voices, 48 kHz, %d-frame blocks, "
      "%.0f s x %d repeats, one thread\n",
      kBlock, seconds, repeats);
  std::printf("%6s %8s %14s %16s\n", "N", "active", "x real time", "voices/core");
  for (int n : {0, 1, 16, 64, 256}) {
    const Result r = run(n, seconds, repeats);
    std::printf("%6d %8d %14.1f %16.0f\n", n, r.activeVoices, r.medianFactor,
                static_cast<double>(n) * r.medianFactor);
  }
  return 0;
}
