// Pre-serialised WebSocket audio messages: RFC 6455 framing and sharing.
#include <doctest/doctest.h>

#include <array>
#include <cstring>

#include "net/ws_wire.hpp"

using namespace auralis;

namespace {
stream::FramePtr frame(std::uint64_t seq, std::size_t payload, stream::Codec codec) {
  stream::FrameHeader h;
  h.codec = codec;
  h.sequence = seq;
  h.samplePosition = seq * 960;
  std::vector<std::uint8_t> p(payload, static_cast<std::uint8_t>(seq));
  return stream::makeFrame(h, 960, p);
}

// Decodes the header of an unmasked server frame: {header length, payload length}.
std::pair<std::size_t, std::uint64_t> decode(const std::vector<std::uint8_t>& b) {
  REQUIRE(b.size() >= 2);
  CHECK(b[0] == 0x82);        // FIN, binary, no RSV
  CHECK((b[1] & 0x80) == 0);  // not masked
  const std::uint64_t len7 = b[1] & 0x7F;
  if (len7 < 126) return {2, len7};
  if (len7 == 126) return {4, (std::uint64_t{b[2]} << 8) | b[3]};
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n = (n << 8) | b[2 + static_cast<std::size_t>(i)];
  return {10, n};
}
}  // namespace

TEST_CASE("binary frame header uses the shortest RFC 6455 length form") {
  std::array<std::uint8_t, 10> h{};
  CHECK(net::writeBinaryFrameHeader(0, h) == 2);
  CHECK(net::writeBinaryFrameHeader(125, h) == 2);
  CHECK(h[1] == 125);
  CHECK(net::writeBinaryFrameHeader(126, h) == 4);
  CHECK(h[1] == 126);
  CHECK(h[2] == 0);
  CHECK(h[3] == 126);
  CHECK(net::writeBinaryFrameHeader(65535, h) == 4);
  CHECK(net::writeBinaryFrameHeader(65536, h) == 10);
  CHECK(h[1] == 127);
  CHECK(h[7] == 1);  // 0x10000: byte 2 of 8 from the low end
  CHECK(h[9] == 0);
}

TEST_CASE("a wire message is the frame header then the AUR1 frames concatenated") {
  std::vector<stream::FramePtr> frames = {frame(10, 300, stream::Codec::Opus),
                                          frame(11, 310, stream::Codec::Opus),
                                          frame(12, 5, stream::Codec::Opus)};
  auto m = net::buildWireMessage(frames);
  const auto [headerLen, payloadLen] = decode(m->bytes);
  CHECK(payloadLen == m->payloadBytes);
  CHECK(m->bytes.size() == headerLen + payloadLen);
  CHECK(m->frames == 3);
  CHECK(m->firstSequence == 10);
  // Walking the payload finds each frame whole, in order.
  std::size_t at = headerLen;
  for (const auto& f : frames) {
    REQUIRE(at + f->wire.size() <= m->bytes.size());
    CHECK(std::memcmp(m->bytes.data() + at, f->wire.data(), f->wire.size()) == 0);
    auto h =
        stream::parseHeader(std::span<const std::uint8_t>(m->bytes.data() + at, f->wire.size()));
    REQUIRE(h.has_value());
    CHECK(h->sequence == f->header.sequence);
    at += f->wire.size();
  }
  CHECK(at == m->bytes.size());
}

TEST_CASE("the cache shares one message per batch and tells codecs and sizes apart") {
  net::WireCache cache;
  std::vector<stream::FramePtr> opus = {frame(5, 200, stream::Codec::Opus),
                                        frame(6, 200, stream::Codec::Opus)};
  std::vector<stream::FramePtr> pcm = {frame(5, 200, stream::Codec::Pcm16)};
  auto a = cache.get(opus);
  auto b = cache.get(opus);
  CHECK(a.get() == b.get());
  CHECK(cache.builds() == 1);
  auto single = cache.get(std::span<const stream::FramePtr>(opus.data(), 1));
  CHECK(single.get() != a.get());
  CHECK(single->frames == 1);
  auto p = cache.get(pcm);
  CHECK(p->codec == stream::Codec::Pcm16);
  CHECK(cache.builds() == 3);
}
