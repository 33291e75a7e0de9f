// OpusEncoder: libopus at 48 kHz stereo (or mono), one 20 ms packet per frame,
// configurable bitrate. libopus also accepts 8/12/16/24 kHz input; any other
// engine rate is refused at creation (resample first).
//
// Thread rules: not thread-safe; owned by the stream thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "core/result.hpp"
#include "stream/chunker.hpp"

struct OpusEncoder;  // libopus's opaque type, kept out of our headers

namespace auralis::stream {

class OpusEncoder {
 public:
  using Emit = std::function<void(std::span<const std::uint8_t> packet, std::int64_t firstSample,
                                  int frames)>;

  /// A configured encoder, or an error naming the bad rate/channels/bitrate.
  static Result<std::unique_ptr<OpusEncoder>> create(int sampleRate, int channels, int bitrate);
  ~OpusEncoder();
  OpusEncoder(const OpusEncoder&) = delete;
  OpusEncoder& operator=(const OpusEncoder&) = delete;

  /// Feeds audio; emits one packet per completed 20 ms chunk.
  void push(const float* interleaved, int frames, std::int64_t samplePos, const Emit& emit);

  int chunkFrames() const { return chunker_.chunkFrames(); }
  int framesToChunk() const { return chunker_.framesToChunk(); }
  /// Packets that failed to encode (counted, skipped).
  std::uint64_t errors() const { return errors_; }

 private:
  OpusEncoder(::OpusEncoder* enc, int sampleRate, int channels);

  ::OpusEncoder* enc_;
  Chunker chunker_;
  std::vector<std::uint8_t> packet_;
  std::uint64_t errors_ = 0;
};

}  // namespace auralis::stream
