// The offline path and the guard itself.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "core/rt_annotations.hpp"

#include "core/rt_guard.hpp"
#include "io/offline_renderer.hpp"
#include "rt_support.hpp"

namespace auralis::rt_test {

namespace {
void* volatile gEscape = nullptr;  // an allocation the compiler may not elide
}

TEST_CASE("the guard catches an allocation and a free inside the audio callback") {
  if (!guardActive()) return;  // sanitizer build: RealtimeSanitizer/ASan own the allocator
  resetGuard();
  {
    rt::AudioCallbackScope scope;
    gEscape = new int(42);
    delete static_cast<int*>(gEscape);
  }
  CHECK(audioThreadAllocations() == 2);
  CHECK(describeViolations().find("allocation on the audio thread") != std::string::npos);
  resetGuard();
  gEscape = new int(7);  // outside the callback: not counted
  delete static_cast<int*>(gEscape);
  CHECK(audioThreadAllocations() == 0);
}

#if defined(__has_feature)
#if __has_feature(realtime_sanitizer)
#define AURALIS_RTSAN_BUILD 1
#endif
#endif

#ifdef AURALIS_RTSAN_BUILD
namespace {
void allocatesInRealtimeContext() noexcept AURALIS_NONBLOCKING {
  gEscape = std::malloc(16);
}
}  // namespace

TEST_CASE("RealtimeSanitizer build: an allocation in a nonblocking function kills the process") {
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    allocatesInRealtimeContext();
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  CHECK_FALSE((WIFEXITED(status) && WEXITSTATUS(status) == 0));
}
#endif

TEST_CASE("offline: the whole ensemble path renders thousands of blocks without allocating") {
  for (const int block : {32, 64, 256, 1024}) {
    CAPTURE(block);
    engine::Engine engine;
    engine.prepare(engine::ensembleEngineConfig(kRate, block));
    // Every tap on and nobody reading: each fills, then drops (counted). The
    // applied-command log records every command: its push runs under the guard.
    for (std::size_t t = 0; t < engine::kTapCount; ++t)
      engine.tap(static_cast<engine::TapId>(t)).setEnabled(true);
    engine.setCommandLog(true);
    ensemble::Ensemble ensemble(busyEnsemble(7));
    DirectSink sink(engine);
    std::uint64_t n = 0, lateLogged = 0;
    engine::AppliedCommand logged;
    const double seconds = 4000.0 * block / kRate > 40.0 ? 40.0 : 4000.0 * block / kRate;
    resetGuard();
    auto stats =
        io::renderOffline(engine, {seconds, block, ""}, [&](std::int64_t start, int frames) {
          ensemble.planUntil(start + frames + 12000, sink);
          engine.postCommand(cyclingCommand(n++));
          if (n % 200 == 0) postStealingBurst(engine, start + frames);
          // A burst already in the past: the late-note path (its log record, the
          // lateness histogram) runs on the audio thread too.
          if (n % 200 == 100) postStealingBurst(engine, start - 500);
          // A note naming no instrument (a damaged bundle): dropped on the audio thread.
          if (n % 200 == 50) {
            music::NoteEvent unknown;
            unknown.startSample = start + frames;
            unknown.lengthSamples = 100;
            unknown.instrument = static_cast<music::InstrumentKind>(music::kInstrumentKindCount);
            (void)engine.postNote(unknown);
          }
          while (engine.popAppliedCommand(logged))  // the reader keeps the log from filling
            if (logged.command.type == engine::CommandType::NoteLate) ++lateLogged;
        });
    REQUIRE(stats.ok());
    requireNoAudioThreadAllocation();
    CHECK(engine.metrics().notesStarted.load() > 1000);
    for (std::size_t t = 0; t < engine::kTapCount; ++t)
      CHECK(engine.tap(static_cast<engine::TapId>(t)).drops() > 0);  // the drop path ran too
    CHECK(engine.popAppliedCommand(logged));  // the log's push ran on the audio thread
    CHECK(engine.metrics().lateNotes.load() > 0);
    CHECK(lateLogged > 0);  // ... and so did a late note's record
    CHECK(engine.metrics().nanEvents.load() == 0);
  }
}

}  // namespace auralis::rt_test
