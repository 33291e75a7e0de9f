// The binary audio frame of the wire contract: a fixed 32-byte little-endian
// header, then the payload. Built once per encoded chunk and shared, immutable,
// by every client that receives it.
//
//   offset size field
//        0    4 magic "AUR1"
//        4    1 codec (1 = PCM16, 2 = Opus)
//        5    1 channels
//        6    2 reserved, 0
//        8    4 sample rate (Hz)
//       12    8 sequence number (per codec, starts at 1)
//       20    8 sample position of the payload's first frame (engine sample clock)
//       28    4 payload length (bytes)
//
// Thread rules: plain values and pure functions; any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace auralis::stream {

enum class Codec : std::uint8_t { Pcm16 = 1, Opus = 2 };

inline constexpr std::size_t kHeaderSize = 32;
inline constexpr char kMagic[4] = {'A', 'U', 'R', '1'};

struct FrameHeader {
  Codec codec = Codec::Pcm16;
  std::uint8_t channels = 2;
  std::uint32_t sampleRate = 48000;
  std::uint64_t sequence = 0;
  std::uint64_t samplePosition = 0;
  std::uint32_t payloadLength = 0;
  bool operator==(const FrameHeader&) const = default;
};

/// Writes the 32-byte header into `out` (which must hold kHeaderSize bytes).
void writeHeader(const FrameHeader& header, std::span<std::uint8_t, kHeaderSize> out);

/// Parses a header from the start of a binary message; nullopt when too short, the
/// magic is wrong, the codec is unknown, or the payload length disagrees with
/// the bytes that follow (when `whole` is the full message).
std::optional<FrameHeader> parseHeader(std::span<const std::uint8_t> whole);

/// One encoded chunk, ready to send: header and payload in one contiguous buffer.
struct Frame {
  FrameHeader header;
  /// Frames of audio (per channel) the payload holds.
  int audioFrames = 0;
  std::vector<std::uint8_t> wire;

  std::span<const std::uint8_t> payload() const {
    return std::span<const std::uint8_t>(wire).subspan(kHeaderSize);
  }
};

using FramePtr = std::shared_ptr<const Frame>;

/// Builds a Frame from a header (payloadLength is set from the payload) and payload.
FramePtr makeFrame(FrameHeader header, int audioFrames, std::span<const std::uint8_t> payload);

}  // namespace auralis::stream
