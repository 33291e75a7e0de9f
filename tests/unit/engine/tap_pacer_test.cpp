#include "engine/tap_pacer.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>

using auralis::engine::TapBlock;
using auralis::engine::TapPacer;
using namespace std::chrono_literals;

namespace {
constexpr double kRate = 48000.0;
constexpr std::uint64_t kStart = 1'000'000'000;  // the block's stamp, ns

TapPacer sawBlockOf(int frames) {
  TapPacer pacer(kRate);
  TapBlock block;
  block.frames = frames;
  block.startedNanos = kStart;
  pacer.saw(block);
  return pacer;
}
}  // namespace

TEST_CASE("tap pacer: before any block it polls") {
  const TapPacer pacer(kRate);
  CHECK(pacer.sleepFor(960, kStart) == TapPacer::kPoll);
}

TEST_CASE("tap pacer: sleeps until the block that completes the wanted frames, plus slack") {
  const TapPacer pacer = sawBlockOf(256);  // 5.333 ms periods
  // 960 frames need 4 more blocks: the 4th starts 21.333 ms after the last one.
  const auto sleep = pacer.sleepFor(960, kStart + 200'000);
  CHECK(sleep.count() == doctest::Approx((21'333'333 + 1'000'000 - 200'000)).epsilon(1e-6));
  // One frame still needs a whole block.
  CHECK(pacer.sleepFor(1, kStart).count() == doctest::Approx(5'333'333 + 1'000'000).epsilon(1e-6));
  // Exactly one block's worth is one block too.
  CHECK(pacer.sleepFor(256, kStart) == pacer.sleepFor(1, kStart));
  CHECK(pacer.sleepFor(257, kStart) > pacer.sleepFor(256, kStart));
}

TEST_CASE("tap pacer: a long wait is capped so the reader can stop") {
  const TapPacer pacer = sawBlockOf(256);
  CHECK(pacer.sleepFor(4800, kStart) == TapPacer::kMaxSleep);  // a 100 ms PCM chunk
}

TEST_CASE("tap pacer: a late block is looked for again soon, a stopped engine at the poll pace") {
  const TapPacer pacer = sawBlockOf(256);
  const std::uint64_t due = kStart + 5'333'333 + 1'000'000;
  CHECK(pacer.sleepFor(1, due) == TapPacer::kRetry);
  CHECK(pacer.sleepFor(1, due + 10'000'000) == TapPacer::kRetry);  // under two periods late
  CHECK(pacer.sleepFor(1, due + 11'000'000) == TapPacer::kPoll);   // over two: stopped
  // With small blocks two periods are little: 10 ms late is still "late", not "stopped".
  const TapPacer small = sawBlockOf(32);
  const std::uint64_t smallDue = kStart + 666'667 + 1'000'000;
  CHECK(small.sleepFor(1, smallDue + 5'000'000) == TapPacer::kRetry);
  CHECK(small.sleepFor(1, smallDue + 11'000'000) == TapPacer::kPoll);
}

TEST_CASE("tap pacer: a callback's slices count as one callback, the next callback starts anew") {
  TapPacer pacer(kRate);
  TapBlock block;
  block.frames = 256;
  block.startedNanos = kStart;
  pacer.saw(block);
  block.startedNanos = kStart + 5'000;  // the second slice of a 512-frame period
  pacer.saw(block);
  // The next block is due one 512-frame period (10.667 ms) after the callback began.
  CHECK(pacer.sleepFor(1, kStart).count() == doctest::Approx(10'666'667 + 1'000'000).epsilon(1e-6));
  CHECK(pacer.sleepFor(512, kStart) == pacer.sleepFor(1, kStart));
  block.startedNanos = kStart + 10'666'667;  // the next callback
  pacer.saw(block);
  CHECK(pacer.sleepFor(1, kStart + 10'666'667).count() ==
        doctest::Approx(5'333'333 + 1'000'000).epsilon(1e-6));
}

TEST_CASE("tap pacer: nothing to wait for polls") {
  const TapPacer pacer = sawBlockOf(256);
  CHECK(pacer.sleepFor(0, kStart) == TapPacer::kPoll);
}
