#include "stream/frame.hpp"

#include <algorithm>
#include <cstring>

namespace auralis::stream {
namespace {

template <class T>
void putLe(std::uint8_t* p, T v) {
  for (std::size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

template <class T>
T getLe(const std::uint8_t* p) {
  T v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v |= static_cast<T>(static_cast<T>(p[i]) << (8 * i));
  return v;
}

}  // namespace

void writeHeader(const FrameHeader& h, std::span<std::uint8_t, kHeaderSize> out) {
  std::uint8_t* p = out.data();
  std::memcpy(p, kMagic, 4);
  p[4] = static_cast<std::uint8_t>(h.codec);
  p[5] = h.channels;
  putLe<std::uint16_t>(p + 6, 0);
  putLe<std::uint32_t>(p + 8, h.sampleRate);
  putLe<std::uint64_t>(p + 12, h.sequence);
  putLe<std::uint64_t>(p + 20, h.samplePosition);
  putLe<std::uint32_t>(p + 28, h.payloadLength);
}

std::optional<FrameHeader> parseHeader(std::span<const std::uint8_t> whole) {
  if (whole.size() < kHeaderSize) return std::nullopt;
  const std::uint8_t* p = whole.data();
  if (std::memcmp(p, kMagic, 4) != 0) return std::nullopt;
  if (p[4] != static_cast<std::uint8_t>(Codec::Pcm16) &&
      p[4] != static_cast<std::uint8_t>(Codec::Opus)) {
    return std::nullopt;
  }
  FrameHeader h;
  h.codec = static_cast<Codec>(p[4]);
  h.channels = p[5];
  h.sampleRate = getLe<std::uint32_t>(p + 8);
  h.sequence = getLe<std::uint64_t>(p + 12);
  h.samplePosition = getLe<std::uint64_t>(p + 20);
  h.payloadLength = getLe<std::uint32_t>(p + 28);
  if (h.payloadLength != whole.size() - kHeaderSize) return std::nullopt;
  return h;
}

FramePtr makeFrame(FrameHeader header, int audioFrames, std::span<const std::uint8_t> payload) {
  auto frame = std::make_shared<Frame>();
  header.payloadLength = static_cast<std::uint32_t>(payload.size());
  frame->header = header;
  frame->audioFrames = audioFrames;
  frame->wire.resize(kHeaderSize + payload.size());
  writeHeader(header, std::span<std::uint8_t, kHeaderSize>(frame->wire.data(), kHeaderSize));
  std::copy(payload.begin(), payload.end(), frame->wire.begin() + kHeaderSize);
  return frame;
}

}  // namespace auralis::stream
