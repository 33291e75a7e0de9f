// Offline render speed of the full ensemble at intensity 1.0 (all four agents,
// the instruments and effects they use, the master bus), planning 0.25 s ahead
// of each block as `auralis render` does. Prints the median x real time on one
// core (planning included: it runs on the same thread here).
//
// Usage: ensemble_render [seconds=60] [repeats=5] [seed=1]   (48 kHz, 256-frame blocks)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "engine/engine.hpp"
#include "ensemble/ensemble.hpp"
#include "io/offline_renderer.hpp"

namespace {

constexpr double kRate = 48000.0;
constexpr int kBlock = 256;

class EngineSink final : public auralis::ensemble::NoteSink {
 public:
  explicit EngineSink(auralis::engine::Engine& engine) : engine_(engine) {}
  bool push(const auralis::music::NoteEvent& note) override {
    ++notes;
    return engine_.postNote(note);
  }
  long notes = 0;

 private:
  auralis::engine::Engine& engine_;
};

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 60.0;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  const auto seed = static_cast<std::uint64_t>(argc > 3 ? std::atoll(argv[3]) : 1);

  std::vector<double> factors;
  long notes = 0;
  std::uint64_t dropped = 0;
  for (int r = 0; r < repeats; ++r) {
    auralis::engine::Engine engine;
    engine.prepare(auralis::engine::ensembleEngineConfig(kRate, kBlock));
    auralis::ensemble::EnsembleConfig ec;
    ec.sampleRate = kRate;
    ec.seed = seed;
    ec.params.intensity = 1.0;
    auralis::ensemble::Ensemble ensemble(ec);
    EngineSink sink(engine);
    const auto lookahead = static_cast<std::int64_t>(0.25 * kRate);
    auralis::io::OfflineRenderConfig rc;
    rc.seconds = seconds;
    rc.blockFrames = kBlock;
    auto stats = auralis::io::renderOffline(engine, rc, [&](std::int64_t start, int frames) {
      ensemble.planUntil(start + frames + lookahead, sink);
    });
    if (!stats) {
      std::fprintf(stderr, "render failed: %s\n", stats.error().message.c_str());
      return 1;
    }
    factors.push_back(stats.value().realtimeFactor);
    notes = sink.notes;
    dropped = engine.metrics().droppedNotes.load() + ensemble.droppedNotes();
  }
  std::sort(factors.begin(), factors.end());
  std::printf(
      "ensemble_render: intensity 1.0, seed %llu, %.0f s at 48 kHz, %d-frame blocks, %d repeats, "
      "one thread\n",
      static_cast<unsigned long long>(seed), seconds, kBlock, repeats);
  std::printf("  notes %ld (%.1f/s), dropped %llu\n", notes, static_cast<double>(notes) / seconds,
              static_cast<unsigned long long>(dropped));
  std::printf("  x real time: median %.1f (min %.1f, max %.1f)\n", factors[factors.size() / 2],
              factors.front(), factors.back());
  return 0;
}
