// Callback time under the clock backend: the full ensemble plays in real time
// at a given block size; prints p50/p99/max callback time, the period, and the
// deadline misses (blocks that took longer than their period).
//   clock_callback [seconds=60] [block=256]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "engine/engine.hpp"
#include "ensemble/ensemble_runner.hpp"
#include "io/clock_backend.hpp"

using namespace auralis;

namespace {
class Sink final : public ensemble::NoteSink {
 public:
  explicit Sink(engine::Engine& e) : e_(e) {}
  bool push(const music::NoteEvent& n) override { return e_.postNote(n); }

 private:
  engine::Engine& e_;
};
}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 60.0;
  const int block = argc > 2 ? std::atoi(argv[2]) : 256;
  constexpr double kRate = 48000.0;
  engine::Engine engine;
  engine.prepare(engine::ensembleEngineConfig(kRate, block));
  Sink sink(engine);
  ensemble::EnsembleConfig ec;
  ec.sampleRate = kRate;
  ec.params.intensity = 0.8;
  ensemble::EnsembleRunner runner(ec, sink, [&] { return engine.position(); });
  io::ClockBackend clock;
  (void)clock.open({kRate, block, "", "auralis", false, true});
  runner.start();
  (void)clock.start(engine);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  clock.stop();
  runner.stop();
  const auto& m = engine.metrics();
  const auto& h = m.callback;
  std::printf("block %d frames @ 48 kHz (period %.3f ms), %.0f s, %llu blocks, SCHED_FIFO %s\n", block,
              1e3 * block / kRate, seconds, static_cast<unsigned long long>(m.blocks.load()),
              clock.realtimeGranted() ? "yes" : "no");
  std::printf("callback p50 <= %.1f us, p99 <= %.1f us, max %.1f us; deadline misses %llu; resyncs %llu\n",
              h.quantileSeconds(0.5) * 1e6, h.quantileSeconds(0.99) * 1e6, h.maxSeconds() * 1e6,
              static_cast<unsigned long long>(m.deadlineMisses.load()),
              static_cast<unsigned long long>(clock.resyncs()));
  return 0;
}
