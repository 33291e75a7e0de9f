// Chunker: cuts a stream of interleaved float audio into fixed-size chunks (100 ms
// for PCM16, 20 ms for Opus) and remembers the sample position of each chunk's
// first frame. A jump in the incoming sample clock (a gap or a restart) discards
// the partial chunk, so a chunk never straddles a discontinuity.
//
// Thread rules: not thread-safe; owned by the stream thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace auralis::stream {

class Chunker {
 public:
  /// Receives one full chunk: `chunkFrames * channels` interleaved samples.
  using Emit = std::function<void(std::span<const float> interleaved, std::int64_t firstSample)>;

  Chunker(int channels, int chunkFrames)
      : channels_(channels),
        chunkFrames_(chunkFrames),
        buffer_(static_cast<std::size_t>(channels * chunkFrames)) {}

  /// Appends `frames` frames that start at sample `samplePos`; calls `emit` for
  /// every chunk completed.
  void push(const float* interleaved, int frames, std::int64_t samplePos, const Emit& emit) {
    if (filled_ > 0 && samplePos != chunkStart_ + filled_) {
      filled_ = 0;  // discontinuity: drop the partial chunk
      ++discontinuities_;
    }
    int done = 0;
    while (done < frames) {
      if (filled_ == 0) chunkStart_ = samplePos + done;
      const int n = std::min(frames - done, chunkFrames_ - filled_);
      const auto* src = interleaved + static_cast<std::ptrdiff_t>(done) * channels_;
      std::copy(src, src + static_cast<std::ptrdiff_t>(n) * channels_,
                buffer_.begin() + static_cast<std::ptrdiff_t>(filled_) * channels_);
      filled_ += n;
      done += n;
      if (filled_ == chunkFrames_) {
        emit(std::span<const float>(buffer_), chunkStart_);
        filled_ = 0;
      }
    }
  }

  int chunkFrames() const { return chunkFrames_; }
  /// Frames still to push before the next chunk is emitted.
  int framesToChunk() const { return chunkFrames_ - filled_; }
  int channels() const { return channels_; }
  std::uint64_t discontinuities() const { return discontinuities_; }

 private:
  int channels_;
  int chunkFrames_;
  std::vector<float> buffer_;
  int filled_ = 0;
  std::int64_t chunkStart_ = 0;
  std::uint64_t discontinuities_ = 0;
};

}  // namespace auralis::stream
