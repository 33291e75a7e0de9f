// PlaybackRing: the stereo frames a disk worker decodes ahead of the playhead
// for one SourcePlayer slot. Bulk single-producer single-consumer: the worker
// writes whole chunks, the audio thread copies a block out; both are wait-free.
//
// Contract
//   producer: the playback worker (one non-real-time thread) calls write(),
//             writable(), markEnded(); it may reset() only while the slot is idle
//             (the audio thread has stopped reading it and said so with a release
//             store that the worker acquired).
//   consumer: the audio thread calls readable(), read(), ended().
//   memory:   allocated once by prepare() on a control thread; capacity rounded
//             up to a power of two frames.
//   positions: written()/consumed() count frames since the last reset(), so the
//             worker can map the consumer's position back onto the source.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace auralis::engine {

class PlaybackRing {
 public:
  /// Control thread, before use. Room for at least `frames` stereo frames.
  void prepare(std::size_t frames) {
    std::size_t c = 2;
    while (c < frames) c <<= 1;
    if (c != capacity_) {
      capacity_ = c;
      data_.assign(2 * c, 0.0F);
    }
    reset();
  }
  /// Worker, only while the consumer is idle: empties the ring.
  void reset() noexcept {
    write_.store(0, std::memory_order_relaxed);
    read_.store(0, std::memory_order_relaxed);
    ended_.store(false, std::memory_order_release);
  }

  std::size_t capacity() const noexcept { return capacity_; }

  /// Producer. Frames that fit now.
  std::size_t writable() const noexcept {
    return capacity_ - static_cast<std::size_t>(write_.load(std::memory_order_relaxed) -
                                                read_.load(std::memory_order_acquire));
  }
  /// Producer. Copies up to `frames` interleaved stereo frames; returns how many fit.
  std::size_t write(const float* interleaved, std::size_t frames) noexcept {
    const std::uint64_t w = write_.load(std::memory_order_relaxed);
    const std::size_t n = std::min(frames, writable());
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t at = 2 * ((w + i) & (capacity_ - 1));
      data_[at] = interleaved[2 * i];
      data_[at + 1] = interleaved[2 * i + 1];
    }
    write_.store(w + n, std::memory_order_release);
    return n;
  }
  /// Producer. No more frames will come (the source ended and does not loop);
  /// cleared again by reset() or unmarkEnded().
  void markEnded() noexcept { ended_.store(true, std::memory_order_release); }
  void unmarkEnded() noexcept { ended_.store(false, std::memory_order_release); }

  /// Consumer. Frames ready to read.
  std::size_t readable() const noexcept {
    return static_cast<std::size_t>(write_.load(std::memory_order_acquire) -
                                    read_.load(std::memory_order_relaxed));
  }
  /// Consumer. Copies `frames` (<= readable()) into left/right and frees them.
  void read(float* left, float* right, std::size_t frames) noexcept {
    const std::uint64_t r = read_.load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < frames; ++i) {
      const std::size_t at = 2 * ((r + i) & (capacity_ - 1));
      left[i] = data_[at];
      right[i] = data_[at + 1];
    }
    read_.store(r + frames, std::memory_order_release);
  }
  /// Consumer (or worker). True when the producer said no more frames will come.
  bool ended() const noexcept { return ended_.load(std::memory_order_acquire); }

  /// Any thread: frames written / consumed since the last reset.
  std::uint64_t written() const noexcept { return write_.load(std::memory_order_acquire); }
  std::uint64_t consumed() const noexcept { return read_.load(std::memory_order_acquire); }

 private:
  std::vector<float> data_;  // interleaved L R
  std::size_t capacity_ = 0;
  alignas(64) std::atomic<std::uint64_t> write_{0};
  alignas(64) std::atomic<std::uint64_t> read_{0};
  std::atomic<bool> ended_{false};
};

}  // namespace auralis::engine
