// Pcm16Encoder: float audio -> 16-bit signed little-endian interleaved PCM, in
// chunks of 100 ms at the engine's rate (4800 frames at 48 kHz).
//
// Thread rules: not thread-safe; owned by the stream thread.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "stream/chunker.hpp"

namespace auralis::stream {

class Pcm16Encoder {
 public:
  /// Receives one encoded chunk and the sample position of its first frame.
  using Emit = std::function<void(std::span<const std::uint8_t> payload, std::int64_t firstSample,
                                  int frames)>;

  Pcm16Encoder(int sampleRate, int channels);

  /// Feeds audio; emits every completed 100 ms chunk.
  void push(const float* interleaved, int frames, std::int64_t samplePos, const Emit& emit);

  /// Converts samples (clamped to [-1, 1], rounded) to little-endian int16 bytes.
  static void convert(std::span<const float> in, std::span<std::uint8_t> out);

  int chunkFrames() const { return chunker_.chunkFrames(); }
  int framesToChunk() const { return chunker_.framesToChunk(); }
  int channels() const { return chunker_.channels(); }

 private:
  Chunker chunker_;
  std::vector<std::uint8_t> bytes_;
};

}  // namespace auralis::stream
