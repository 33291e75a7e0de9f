// Broadcaster: encode once, fan out immutable frames (Snapcast's pattern).
//
// The stream thread feeds interleaved float audio with its sample position; each
// completed chunk is encoded ONCE per enabled codec into a shared, immutable
// Frame and appended to that codec's recent-frames window. A subscriber is a
// cursor into the window; its per-frame work is copying a pointer.
//
// Contract
//   feed():      one producer (the stream thread). Allocates (encoding), so never
//                the audio thread. Subscribers cannot block it: they take the
//                window lock only to copy at most `max` pointers in pull().
//   subscribe(): any thread.
//   AudioSubscriber::pull(): the subscriber's own consumer (one strand).
//   Slow subscribers: a subscriber more than `skipBehindSeconds` behind the live
//   edge (or whose next frame already left the window) jumps to the live edge and
//   the skip is counted; one that needs `maxSkipsInWindow` skips within
//   `closeWindowSeconds` is marked closed (the server then drops it).
//   Resume: subscribe(codec, lastPlayed) resends the frames after `lastPlayed`
//   when they are still in the window (Resumed), else joins live (Live).
//   Wake-ups: `onFrame` runs at most once per pull() (a subscriber whose wake-up
//   is still pending is not woken again), and with setWakeEvery(n) only when a
//   frame whose sequence is a multiple of n arrives (so n frames wait, and every
//   batched subscriber wakes on the same frame): N clients cost N posts per
//   batch, not per frame.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/result.hpp"
#include "stream/encode_stats.hpp"
#include "stream/frame.hpp"

namespace auralis::stream {

struct BroadcasterConfig {
  int sampleRate = 48000;
  int channels = 2;
  bool pcm16 = true;
  bool opus = true;
  int opusBitrate = 128000;
  /// How much recent audio is kept for resuming clients.
  double windowSeconds = 10.0;
  /// A subscriber further behind than this skips to the live edge (counted).
  double skipBehindSeconds = 2.0;
  /// A subscriber that skips `maxSkipsInWindow` times within this span is closed.
  double closeWindowSeconds = 10.0;
  int maxSkipsInWindow = 3;
};

enum class ResumeOutcome : std::uint8_t { None, Resumed, Live };

class Broadcaster;

class AudioSubscriber {
 public:
  using Clock = std::chrono::steady_clock;

  /// Consumer. Appends up to `max` frames after the cursor to `out` and advances
  /// it, applying the skip policy first. Returns the number appended.
  std::size_t pull(std::vector<FramePtr>& out, std::size_t max,
                   Clock::time_point now = Clock::now());

  /// Any thread. Wake (onFrame) only once `frames` (>= 1) frames are waiting;
  /// for listeners that take several frames per message.
  void setWakeEvery(int frames);

  /// Consumer. Hands delivery to someone else (a fan-out pass that sends each
  /// batch to many listeners): when the cursor is at the live edge and starts a
  /// batch of `every` frames (cursor - 1 is a multiple of `every`), stops waking
  /// this subscriber and returns the cursor; otherwise nullopt and nothing changes.
  std::optional<std::uint64_t> detachAtLiveEdge(std::uint64_t every);
  /// Consumer. Takes delivery back after detachAtLiveEdge: `next` is the first
  /// sequence not yet delivered; wake-ups resume (the skip policy applies at the
  /// next pull as usual).
  void reattach(std::uint64_t next);

  /// Any thread.
  Codec codec() const { return codec_; }
  ResumeOutcome resumeOutcome() const { return resume_; }
  /// The first sequence number this subscriber will receive.
  std::uint64_t firstSequence() const { return firstSequence_; }
  bool closed() const { return closed_.load(std::memory_order_acquire); }
  std::uint64_t skips() const { return skips_.load(std::memory_order_relaxed); }

 private:
  friend class Broadcaster;
  AudioSubscriber(Broadcaster& owner, Codec codec, std::function<void()> onFrame)
      : owner_(owner), codec_(codec), onFrame_(std::move(onFrame)) {}

  Broadcaster& owner_;
  const Codec codec_;
  const std::function<void()> onFrame_;
  std::uint64_t cursor_ = 1;  // next sequence to deliver; guarded by the stream lock
  std::uint64_t firstSequence_ = 1;
  ResumeOutcome resume_ = ResumeOutcome::None;
  std::vector<Clock::time_point> recentSkips_;  // consumer only
  std::atomic<bool> closed_{false};
  std::atomic<std::uint64_t> skips_{0};
  // Set by the stream thread when it posts a wake-up, cleared by pull(): while a
  // wake-up is pending, new frames do not post another.
  std::atomic<bool> wakePending_{false};
  // The sequence whose arrival wakes this subscriber next: the first multiple of
  // wakeEvery at or after the cursor (all batched subscribers wake together).
  std::atomic<std::uint64_t> wakeAt_{0};
  std::atomic<int> wakeEvery_{1};
  // Delivery is done elsewhere (detachAtLiveEdge): feed() does not wake it.
  std::atomic<bool> detached_{false};
};

class Broadcaster {
 public:
  /// Non-real-time. Creates the encoders; fails when Opus cannot run at the rate.
  static Result<std::unique_ptr<Broadcaster>> create(const BroadcasterConfig& config);
  ~Broadcaster();
  Broadcaster(const Broadcaster&) = delete;
  Broadcaster& operator=(const Broadcaster&) = delete;

  /// Stream thread. Interleaved audio whose first frame is at `samplePos`.
  void feed(const float* interleaved, int frames, std::int64_t samplePos);
  /// Stream thread. Frames still to feed before some codec completes a frame
  /// (so the stream thread can sleep until then); 0 when no codec is enabled.
  int framesToNextFrame() const;

  /// Any thread. Joins `codec`'s stream; `resumeAfter` is the last sequence the
  /// client played. `onFrame` runs on the stream thread after each new frame (keep
  /// it cheap: post to a strand). Null when the codec is not enabled.
  std::shared_ptr<AudioSubscriber> subscribe(Codec codec, std::optional<std::uint64_t> resumeAfter,
                                             std::function<void()> onFrame = {});

  /// Any thread.
  bool hasCodec(Codec codec) const;
  const BroadcasterConfig& config() const { return config_; }
  /// Skips to the live edge, summed over all subscribers ever.
  std::uint64_t skips() const { return skips_.load(std::memory_order_relaxed); }
  /// Subscribers closed for staying behind.
  std::uint64_t closedSubscribers() const { return closes_.load(std::memory_order_relaxed); }
  /// Seconds of audio per frame of `codec` (Opus 0.02, PCM16 0.1); 0 when off.
  double frameSeconds(Codec codec) const;
  /// The newest sequence number of `codec` (0 before the first frame).
  std::uint64_t latestSequence(Codec codec) const;
  std::size_t subscriberCount() const;
  /// Any thread: encoder time per chunk of `codec` (for /metrics).
  const EncodeStats& encodeStats(Codec codec) const {
    return codec == Codec::Opus ? opusEncodeStats_ : pcmEncodeStats_;
  }

 private:
  friend class AudioSubscriber;
  struct Impl;
  /// Consumer of `sub`: moves it out of (parked) or back into the list feed() walks.
  void park(AudioSubscriber& sub, bool parked);
  explicit Broadcaster(const BroadcasterConfig& config);

  BroadcasterConfig config_;
  std::unique_ptr<Impl> impl_;
  std::vector<std::shared_ptr<AudioSubscriber>> notify_;  // feed() only: reused per frame
  std::atomic<std::uint64_t> skips_{0};
  std::atomic<std::uint64_t> closes_{0};
  EncodeStats pcmEncodeStats_;
  EncodeStats opusEncodeStats_;
};

}  // namespace auralis::stream
