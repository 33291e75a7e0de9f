// TapPacer: how long a tap's reader may sleep before the frames it waits for
// are there.
//
// The audio thread may not wake anyone (no system call), so a reader has to look
// for new blocks by itself. A fixed nap is either slow (a 20 ms Opus frame waits
// for the nap) or busy (a 3 ms nap is 330 wake-ups a second for 50 frames).
// Blocks come one period apart and each is stamped with the time the audio
// thread began it, so the block that brings the next N frames can be predicted:
// the reader sleeps until then plus a little slack for the render, and looks
// again shortly if it is early. An engine that has stopped (no block for two
// periods past the prediction) is polled at the old pace.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "engine/tap.hpp"

namespace auralis::engine {

class TapPacer {
 public:
  using Nanos = std::chrono::nanoseconds;
  /// Past the predicted start of a block: time for the audio thread to render and push it.
  static constexpr Nanos kSlack = std::chrono::milliseconds(1);
  /// Early, or the engine a little late: look again this soon.
  static constexpr Nanos kRetry = std::chrono::milliseconds(1);
  /// Nothing seen yet, or the engine stopped: the plain poll.
  static constexpr Nanos kPoll = std::chrono::milliseconds(3);
  /// Longest sleep, so that a reader still notices it is asked to stop.
  static constexpr Nanos kMaxSleep = std::chrono::milliseconds(25);

  explicit TapPacer(double sampleRate) : sampleRate_(sampleRate) {}

  /// Reader: `block` is the newest block read (call before popping it).
  void saw(const TapBlock& block) noexcept {
    lastStarted_ = block.startedNanos;
    lastFrames_ = block.frames;
  }

  /// Reader: how long to sleep, from now, until `framesWanted` more frames
  /// should be in the tap.
  Nanos sleepFor(int framesWanted) const noexcept {
    // steady_clock is CLOCK_MONOTONIC here, the clock the audio thread stamps with.
    const auto now = std::chrono::steady_clock::now().time_since_epoch();
    return sleepFor(framesWanted, static_cast<std::uint64_t>(Nanos(now).count()));
  }

  /// The same from `nowNanos` (CLOCK_MONOTONIC).
  Nanos sleepFor(int framesWanted, std::uint64_t nowNanos) const noexcept {
    if (lastFrames_ <= 0 || lastStarted_ == 0 || framesWanted <= 0 || sampleRate_ <= 0.0)
      return kPoll;
    const double period = 1e9 * lastFrames_ / sampleRate_;
    const int blocks = (framesWanted + lastFrames_ - 1) / lastFrames_;
    const auto due = static_cast<std::int64_t>(lastStarted_) +
                     static_cast<std::int64_t>(period * blocks) + kSlack.count();
    const std::int64_t ahead = due - static_cast<std::int64_t>(nowNanos);
    if (ahead > 0) return std::min(Nanos(ahead), kMaxSleep);
    if (-ahead < static_cast<std::int64_t>(2 * period)) return kRetry;
    return kPoll;
  }

 private:
  double sampleRate_;
  std::uint64_t lastStarted_ = 0;
  int lastFrames_ = 0;
};

}  // namespace auralis::engine
