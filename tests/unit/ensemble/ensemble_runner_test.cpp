#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "ensemble/ensemble_runner.hpp"
#include "recorder.hpp"

using namespace auralis;
using namespace auralis::ensemble;
using namespace auralis::ensemble::test;
using namespace std::chrono_literals;

namespace {

struct LockedSink : NoteSink {
  std::mutex mutex;
  std::vector<music::NoteEvent> notes;
  bool push(const music::NoteEvent& n) override {
    std::lock_guard lock(mutex);
    notes.push_back(n);
    return true;
  }
};

struct TempoWatcher : GenerationObserver {
  std::atomic<int> tempo120{0};
  std::atomic<std::thread::id> thread{};
  void onEvent(const GenerationEvent& e) override {
    thread.store(std::this_thread::get_id());
    if (e.kind == GenerationEvent::Kind::Tempo && e.value == 120.0) tempo120.fetch_add(1);
  }
};

template <class Pred>
bool waitFor(Pred pred, std::chrono::milliseconds limit = 5000ms) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return pred();
}

}  // namespace

TEST_CASE("EnsembleRunner plans against a playhead, takes params from another thread, stops") {
  LockedSink sink;
  TempoWatcher watcher;
  std::atomic<std::int64_t> playhead{0};
  RunnerOptions options;
  options.period = 10ms;
  EnsembleRunner runner(
      makeConfig(4), sink, [&] { return playhead.load(); }, options);
  runner.setObserver(&watcher);
  CHECK_FALSE(runner.running());
  runner.start();
  CHECK(runner.running());
  REQUIRE(waitFor([&] { return runner.barCount() >= 1; }));
  // The first bar starts 30 ms after the playhead (1440 samples), so none of its
  // notes is late; planned just past playhead + 250 ms: one bar (128000 samples at 90 bpm).
  CHECK(runner.plannedUntil() == 1440 + 128000);
  CHECK(runner.lateWakes() == 0);  // a first start is not a fall behind
  CHECK(watcher.thread.load() != std::this_thread::get_id());

  // A control thread changes the tempo while the playhead moves.
  std::thread control([&] {
    EnsembleParams p = runner.params();
    p.bpm = 120.0;
    runner.setParams(p);
  });
  control.join();
  CHECK(runner.params().bpm == 120.0);
  for (int i = 1; i <= 40; ++i) {
    playhead.store(seconds(0.25 * i));
    std::this_thread::sleep_for(3ms);
  }
  REQUIRE(waitFor([&] { return watcher.tempo120.load() == 1; }));
  REQUIRE(waitFor([&] { return runner.plannedUntil() > playhead.load(); }));
  // Never more than lookahead + one bar ahead of the playhead.
  CHECK(runner.plannedUntil() <= playhead.load() + seconds(0.25) + 128000);
  CHECK(!runner.currentChord().empty());
  CHECK(!runner.currentSection().empty());
  CHECK(runner.wakes() > 5);
  CHECK(runner.lastError().empty());

  runner.stop();
  CHECK_FALSE(runner.running());
  const auto bars = runner.barCount();
  playhead.store(seconds(60));
  std::this_thread::sleep_for(50ms);
  CHECK(runner.barCount() == bars);  // stopped: no more planning
  {
    std::lock_guard lock(sink.mutex);
    CHECK(sink.notes.size() > 20);
  }
  runner.start();  // restartable
  REQUIRE(waitFor([&] { return runner.barCount() > bars; }));
  CHECK(runner.lateWakes() >= 1);  // the playhead had jumped past the plan
  runner.stop();
}

TEST_CASE("EnsembleRunner destructor joins a running thread") {
  LockedSink sink;
  std::atomic<std::int64_t> playhead{0};
  {
    EnsembleRunner runner(makeConfig(1), sink, [&] { return playhead.load(); });
    runner.start();
    REQUIRE(waitFor([&] { return runner.wakes() > 0; }));
    CHECK(runner.running());
  }
  // Reaching here means the destructor stopped and joined; nothing is pushed after.
  std::lock_guard lock(sink.mutex);
  const auto count = sink.notes.size();
  CHECK(count > 0);
  playhead.store(seconds(30));
  std::this_thread::sleep_for(30ms);
  CHECK(sink.notes.size() == count);
}
