// TapPacer: how long a tap's reader may sleep before the frames it waits for
// are there.
//
// The audio thread may not wake anyone (no system call), so a reader has to look
// for new blocks by itself. A fixed nap is either slow (a 20 ms Opus frame waits
// for the nap) or busy (a 3 ms nap is 330 wake-ups a second for 50 frames).
// Each block is stamped with the time the audio thread began it, and callbacks
// come one device period apart, so the callback that brings the next N frames
// can be predicted: the reader sleeps until then plus a little slack for the
// render, and looks again shortly if it is early.
//
// A callback may render its period as several engine blocks (a JACK period of
// 2048 frames is two 1024-frame blocks) whose stamps are microseconds apart:
// blocks stamped within a fraction of their own length of the first block of a
// callback count as that callback, so the period is the whole callback's. A
// block late past two periods and 10 ms (the engine stopped, or a backend that
// renders in bursts) sends the reader back to the plain poll until blocks come again.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "core/monotonic_clock.hpp"
#include "engine/tap.hpp"

namespace auralis::engine {

class TapPacer {
 public:
  using Nanos = std::chrono::nanoseconds;
  /// Past the predicted start of a callback: time for the audio thread to render and push it.
  static constexpr Nanos kSlack = std::chrono::milliseconds(1);
  /// Early, or the engine a little late: look again this soon.
  static constexpr Nanos kRetry = std::chrono::milliseconds(1);
  /// Nothing seen yet, or the engine stopped: the plain poll.
  static constexpr Nanos kPoll = std::chrono::milliseconds(3);
  /// Later than this (or two periods, if longer) past the prediction: the engine
  /// has stopped or renders in bursts, so poll instead of retrying.
  static constexpr Nanos kStalled = std::chrono::milliseconds(10);
  /// Longest sleep, so that a reader still notices it is asked to stop.
  static constexpr Nanos kMaxSleep = std::chrono::milliseconds(25);

  explicit TapPacer(double sampleRate) : sampleRate_(sampleRate) {}

  /// Reader: `block` is the next block read, in order (call before popping it).
  void saw(const TapBlock& block) noexcept {
    if (block.frames <= 0) return;
    // A quarter of the block's own length: far less than a period apart, so the
    // same callback; far more than the microseconds between a callback's slices.
    const auto sameCallback = static_cast<std::uint64_t>(0.25e9 * block.frames / sampleRate_);
    if (callbackFrames_ > 0 && block.startedNanos >= callbackStarted_ &&
        block.startedNanos - callbackStarted_ < sameCallback) {
      callbackFrames_ += block.frames;
      return;
    }
    callbackStarted_ = block.startedNanos;
    callbackFrames_ = block.frames;
  }

  /// Reader: how long to sleep, from now, until `framesWanted` more frames
  /// should be in the tap.
  Nanos sleepFor(int framesWanted) const noexcept {
    return sleepFor(framesWanted, core::monotonicNanos());
  }

  /// The same from `nowNanos` (core::monotonicNanos, the clock of the stamps).
  Nanos sleepFor(int framesWanted, std::uint64_t nowNanos) const noexcept {
    if (callbackFrames_ <= 0 || framesWanted <= 0 || sampleRate_ <= 0.0) return kPoll;
    const double period = 1e9 * callbackFrames_ / sampleRate_;
    const int callbacks = (framesWanted + callbackFrames_ - 1) / callbackFrames_;
    const auto due = static_cast<std::int64_t>(callbackStarted_) +
                     static_cast<std::int64_t>(period * callbacks) + kSlack.count();
    const std::int64_t ahead = due - static_cast<std::int64_t>(nowNanos);
    if (ahead > 0) return std::min(Nanos(ahead), kMaxSleep);
    const auto stalled = std::max(static_cast<std::int64_t>(2 * period), kStalled.count());
    return -ahead < stalled ? kRetry : kPoll;
  }

 private:
  double sampleRate_;
  std::uint64_t callbackStarted_ = 0;  // stamp of the first block of the newest callback
  int callbackFrames_ = 0;             // frames that callback has brought so far
};

}  // namespace auralis::engine
