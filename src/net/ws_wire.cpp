#include "net/ws_wire.hpp"

#include <cstring>

namespace auralis::net {

namespace {

std::size_t writeFrameHeader(std::uint8_t opcode, std::size_t payloadBytes,
                             std::span<std::uint8_t, 10> out) {
  out[0] = static_cast<std::uint8_t>(0x80 | opcode);  // FIN; no RSV bits (no compression)
  if (payloadBytes < 126) {
    out[1] = static_cast<std::uint8_t>(payloadBytes);  // mask bit 0: server frames are unmasked
    return 2;
  }
  if (payloadBytes <= 0xFFFF) {
    out[1] = 126;
    out[2] = static_cast<std::uint8_t>(payloadBytes >> 8);
    out[3] = static_cast<std::uint8_t>(payloadBytes);
    return 4;
  }
  out[1] = 127;
  const auto n = static_cast<std::uint64_t>(payloadBytes);
  for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<std::uint8_t>(n >> (8 * (7 - i)));
  return 10;
}

}  // namespace

std::size_t writeBinaryFrameHeader(std::size_t payloadBytes, std::span<std::uint8_t, 10> out) {
  return writeFrameHeader(0x2, payloadBytes, out);
}

std::size_t writeTextFrameHeader(std::size_t payloadBytes, std::span<std::uint8_t, 10> out) {
  return writeFrameHeader(0x1, payloadBytes, out);
}

WireMessagePtr buildWireMessage(std::span<const stream::FramePtr> frames) {
  auto m = std::make_shared<WireMessage>();
  for (const auto& f : frames) m->payloadBytes += f->wire.size();
  std::array<std::uint8_t, 10> header{};
  const std::size_t h = writeBinaryFrameHeader(m->payloadBytes, header);
  m->bytes.resize(h + m->payloadBytes);
  std::memcpy(m->bytes.data(), header.data(), h);
  std::size_t at = h;
  for (const auto& f : frames) {
    std::memcpy(m->bytes.data() + at, f->wire.data(), f->wire.size());
    at += f->wire.size();
  }
  m->codec = frames.front()->header.codec;
  m->firstSequence = frames.front()->header.sequence;
  m->frames = frames.size();
  return m;
}

WireMessagePtr WireCache::get(std::span<const stream::FramePtr> frames) {
  const auto codec = frames.front()->header.codec;
  const auto first = frames.front()->header.sequence;
  std::lock_guard lock(mutex_);
  for (const auto& e : entries_) {
    if (e && e->codec == codec && e->firstSequence == first && e->frames == frames.size()) {
      return e;
    }
  }
  // Built under the lock: a miss costs one copy of a few kilobytes, and the
  // sessions that would race to build the same batch wait for it instead.
  WireMessagePtr built = buildWireMessage(frames);
  entries_[next_] = built;
  next_ = (next_ + 1) % kEntries;
  ++builds_;
  return built;
}

std::uint64_t WireCache::builds() const {
  std::lock_guard lock(mutex_);
  return builds_;
}

}  // namespace auralis::net
