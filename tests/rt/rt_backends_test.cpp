// Every live backend's callback path under the guard: clock (its own thread),
// JACK (jackd's dummy driver, started and stopped here), and RtAudio's callback
// (driven directly: this machine has no sound card).
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "dummy_jack_server.hpp"
#include "ensemble/ensemble_runner.hpp"
#include "io/audio_driver.hpp"
#include "io/clock_backend.hpp"
#include "io/jack_backend.hpp"
#include "io/rtaudio_backend.hpp"
#include "rt_support.hpp"

namespace auralis::rt_test {

namespace {

using namespace std::chrono_literals;

struct LiveRig {
  engine::Engine engine;
  std::unique_ptr<DirectSink> sink;
  std::unique_ptr<ensemble::EnsembleRunner> runner;

  void prepare(double rate, int block) {
    engine.prepare(engine::ensembleEngineConfig(rate, block));
    engine.masterTap().setEnabled(true);
    sink = std::make_unique<DirectSink>(engine);
    runner = std::make_unique<ensemble::EnsembleRunner>(busyEnsemble(11), *sink,
                                                        [this] { return engine.position(); });
  }
  /// Keeps commands and stealing bursts coming while the backend runs.
  void drive(std::chrono::milliseconds duration) {
    runner->start();
    const auto end = std::chrono::steady_clock::now() + duration;
    std::uint64_t n = 0;
    while (std::chrono::steady_clock::now() < end) {
      engine.postCommand(cyclingCommand(n++));
      if (n % 50 == 0) postStealingBurst(engine, engine.position() + 256);
      // Read the tap like a side-chain would.
      while (const auto* b = engine.masterTap().front()) {
        (void)b;
        engine.masterTap().pop();
      }
      std::this_thread::sleep_for(2ms);
    }
    runner->stop();
  }
};

}  // namespace

TEST_CASE("clock backend: thousands of 32-frame blocks on its own thread without allocating") {
  LiveRig rig;
  rig.prepare(kRate, 32);
  io::ClockBackend clock;
  REQUIRE(clock.open({kRate, 32, "", "auralis", false, false}).ok());
  resetGuard();
  REQUIRE(clock.start(rig.engine).ok());
  // Until 3000 blocks have run (2 s at real time; longer on a loaded machine
  // or under a sanitizer, where the clock re-anchors after stalls).
  for (int i = 0; i < 40 && rig.engine.metrics().blocks.load() < 3000; ++i) rig.drive(500ms);
  clock.stop();
  requireNoAudioThreadAllocation();
  CHECK(rig.engine.metrics().blocks.load() >= 3000);
  CHECK(rig.engine.metrics().notesStarted.load() > 100);
}

TEST_CASE("clock backend keeps real time: position tracks the wall clock") {
  engine::Engine engine;
  engine.prepare(engine::testToneConfig(kRate, 256));
  io::ClockBackend clock;
  REQUIRE(clock.open({kRate, 256, "", "auralis", false, false}).ok());
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(clock.start(engine).ok());
  std::this_thread::sleep_for(3s);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double played = static_cast<double>(engine.position()) / kRate;
  clock.stop();
  // Blocks are rendered one period ahead of their deadline, and this VM can
  // stall for a few ms; anything beyond ~2 blocks plus a stall would be drift.
  CHECK(played == doctest::Approx(wall).epsilon(0.02));
}

TEST_CASE("rtaudio callback path: thousands of blocks without allocating") {
  LiveRig rig;
  rig.prepare(kRate, 1024);
  io::RtAudioBackend backend;
  backend.attachForTest(rig.engine, 2);
  std::vector<float> out(2 * 256), in(2 * 256, 0.01F);
  rig.runner->start();
  resetGuard();
  for (int i = 0; i < 4000; ++i) {
    if (i % 20 == 0) rig.engine.postCommand(cyclingCommand(static_cast<std::uint64_t>(i)));
    io::RtAudioBackend::callback(out.data(), in.data(), 256, 0.0, i % 500 == 0 ? 2U : 0U, &backend);
    if (i % 100 == 0) std::this_thread::sleep_for(1ms);  // let the ensemble thread plan
  }
  requireNoAudioThreadAllocation();
  rig.runner->stop();
  CHECK(rig.engine.metrics().underruns.load() ==
        8);  // the RTAUDIO_OUTPUT_UNDERFLOW flags we passed
}

TEST_CASE(
    "jack backend on the dummy driver: rate and period followed, no allocation, survives the "
    "server quitting") {
  DummyJackServer server(48000, 64);
  REQUIRE_MESSAGE(server.started(), "jackd (Debian package jackd2) must be installed");
  LiveRig rig;
  io::AudioDriver driver(rig.engine);
  io::DriverConfig dc;
  dc.kind = io::BackendKind::Jack;
  dc.backend.sampleRate = 44100;  // asked for; the server's 48000 must win
  dc.backend.blockFrames = 512;
  dc.backend.realtimePriority = false;
  double preparedRate = 0;
  int preparedBlock = 0;
  resetGuard();
  auto started = driver.start(dc, [&](double rate, int block) {
    preparedRate = rate;
    preparedBlock = block;
    rig.prepare(rate, 1024);
  });
  REQUIRE_MESSAGE(started.ok(), (started.ok() ? "" : started.error().message));
  CHECK(preparedRate == 48000.0);
  CHECK(preparedBlock == 64);
  CHECK(driver.state().active == io::BackendKind::Jack);
  rig.drive(2000ms);
  requireNoAudioThreadAllocation();
  const auto blocksOnJack = rig.engine.metrics().blocks.load();
  CHECK(blocksOnJack >= 1000);

  // The server goes away mid-performance: the driver falls back to the clock
  // and audio keeps being rendered.
  server.kill();
  std::this_thread::sleep_for(1000ms);
  CHECK(driver.state().active == io::BackendKind::Clock);
  CHECK(driver.state().degraded);
  const auto before = rig.engine.metrics().blocks.load();
  std::this_thread::sleep_for(300ms);
  CHECK(rig.engine.metrics().blocks.load() > before);
  driver.stop();
}

}  // namespace auralis::rt_test
