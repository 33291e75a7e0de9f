// Pre-serialised WebSocket messages for audio fan-out.
//
// A server-to-client WebSocket frame is never masked, so the bytes of one
// binary message (frame header + concatenated AUR1 frames) are the same for
// every listener that receives the same frames. WireCache builds them once per
// (codec, first sequence, frame count) and hands every session the same
// immutable buffer; a session then writes it with one non-blocking send().
//
// Thread rules: buildWireMessage is pure (any thread); WireCache::get may be
// called from any thread (a mutex guards a few recent entries).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "stream/frame.hpp"

namespace auralis::net {

/// One complete, unfragmented, unmasked binary WebSocket message.
struct WireMessage {
  std::vector<std::uint8_t> bytes;  // frame header, then the payload
  std::size_t payloadBytes = 0;     // the message payload (the AUR1 frames)
  stream::Codec codec = stream::Codec::Opus;
  std::uint64_t firstSequence = 0;
  std::size_t frames = 0;  // AUR1 frames in the payload
};
using WireMessagePtr = std::shared_ptr<const WireMessage>;

/// Any thread: the WebSocket frame header (FIN, opcode 2, no mask, RFC 6455
/// length encoding) for a payload of `payloadBytes`; returns the bytes used (2, 4
/// or 10) of `out`.
std::size_t writeBinaryFrameHeader(std::size_t payloadBytes, std::span<std::uint8_t, 10> out);
/// Any thread: the same for a text message (opcode 1).
std::size_t writeTextFrameHeader(std::size_t payloadBytes, std::span<std::uint8_t, 10> out);

/// Any thread: one binary message holding `frames` (consecutive AUR1 frames of one
/// codec, at least one) concatenated.
WireMessagePtr buildWireMessage(std::span<const stream::FramePtr> frames);

/// Any thread: recent wire messages, so N listeners of the same batch share one.
class WireCache {
 public:
  /// Any thread: the message for `frames` (non-empty, consecutive, one codec),
  /// built on the first request and shared afterwards.
  WireMessagePtr get(std::span<const stream::FramePtr> frames);
  /// Any thread: messages built so far (a cache miss each).
  std::uint64_t builds() const;

 private:
  // Batched listeners wake on the same frames, so a handful of entries covers
  // both codecs, unbatched and batched listeners, and the batch in flight.
  static constexpr std::size_t kEntries = 16;
  mutable std::mutex mutex_;
  std::array<WireMessagePtr, kEntries> entries_{};
  std::size_t next_ = 0;
  std::uint64_t builds_ = 0;
};

}  // namespace auralis::net
