#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "stream/frame.hpp"
#include "stream/pcm16_encoder.hpp"

using namespace auralis::stream;

TEST_CASE("frame header round-trips and has the documented byte layout") {
  FrameHeader h;
  h.codec = Codec::Opus;
  h.channels = 2;
  h.sampleRate = 48000;
  h.sequence = 0x0102030405060708ULL;
  h.samplePosition = 0x1122334455667788ULL;
  const std::vector<std::uint8_t> payload = {9, 8, 7};
  FramePtr f = makeFrame(h, 960, payload);
  REQUIRE(f->wire.size() == kHeaderSize + 3);
  const auto& w = f->wire;
  CHECK(w[0] == 'A');
  CHECK(w[3] == '1');
  CHECK(w[4] == 2);
  CHECK(w[5] == 2);
  CHECK(w[8] == 0x80);  // 48000 = 0xBB80, little-endian
  CHECK(w[9] == 0xBB);
  CHECK(w[12] == 0x08);  // sequence LSB first
  CHECK(w[19] == 0x01);
  CHECK(w[20] == 0x88);
  CHECK(w[28] == 3);
  CHECK(w[32] == 9);
  auto parsed = parseHeader(w);
  REQUIRE(parsed.has_value());
  h.payloadLength = 3;
  CHECK(*parsed == h);
}

TEST_CASE("frame header parser refuses short, wrong magic, unknown codec, bad length") {
  FrameHeader h;
  auto f = makeFrame(h, 1, std::vector<std::uint8_t>(4, 0));
  std::vector<std::uint8_t> w = f->wire;
  CHECK(parseHeader(std::span<const std::uint8_t>(w.data(), 20)) == std::nullopt);
  auto bad = w;
  bad[0] = 'X';
  CHECK(parseHeader(bad) == std::nullopt);
  bad = w;
  bad[4] = 3;
  CHECK(parseHeader(bad) == std::nullopt);
  bad = w;
  bad.push_back(0);
  CHECK(parseHeader(bad) == std::nullopt);
  CHECK(parseHeader(w).has_value());
}

TEST_CASE("pcm16 encoder emits 100 ms chunks with correct positions and samples") {
  Pcm16Encoder enc(48000, 2);
  CHECK(enc.chunkFrames() == 4800);
  struct Chunk {
    std::vector<std::uint8_t> bytes;
    std::int64_t first;
  };
  std::vector<Chunk> chunks;
  std::vector<float> block(2 * 256);
  std::int64_t pos = 1000;
  for (int b = 0; b < 40; ++b) {  // 10240 frames -> two full chunks
    for (int i = 0; i < 256; ++i) {
      const float v = static_cast<float>((pos + i) % 100) / 100.0F;
      block[2 * i] = v;
      block[2 * i + 1] = -v;
    }
    enc.push(block.data(), 256, pos,
             [&](std::span<const std::uint8_t> p, std::int64_t first, int frames) {
               CHECK(frames == 4800);
               chunks.push_back({{p.begin(), p.end()}, first});
             });
    pos += 256;
  }
  REQUIRE(chunks.size() == 2);
  CHECK(chunks[0].first == 1000);
  CHECK(chunks[1].first == 5800);
  CHECK(chunks[0].bytes.size() == 4800 * 2 * 2);
  // Frame k of chunk 1 holds sample position 5800 + k.
  for (int k : {0, 17, 4799}) {
    const auto* b = &chunks[1].bytes[static_cast<std::size_t>(k) * 4];
    const auto left = static_cast<std::int16_t>(b[0] | (b[1] << 8));
    const auto right = static_cast<std::int16_t>(b[2] | (b[3] << 8));
    const float expect = static_cast<float>((5800 + k) % 100) / 100.0F;
    CHECK(left == std::lrint(expect * 32767.0F));
    CHECK(right == -left);
  }
}

TEST_CASE("pcm16 conversion clamps and silences NaN, a clock jump drops the partial chunk") {
  std::vector<std::uint8_t> out(8);
  const std::vector<float> in = {2.0F, -3.0F, std::nanf(""), 0.5F};
  Pcm16Encoder::convert(in, out);
  CHECK(static_cast<std::int16_t>(out[0] | (out[1] << 8)) == 32767);
  CHECK(static_cast<std::int16_t>(out[2] | (out[3] << 8)) == -32767);
  CHECK(static_cast<std::int16_t>(out[4] | (out[5] << 8)) == 0);
  Pcm16Encoder enc(1000, 1);  // 100-frame chunks
  std::vector<float> block(60, 0.1F);
  std::vector<std::int64_t> firsts;
  auto emit = [&](std::span<const std::uint8_t>, std::int64_t first, int) {
    firsts.push_back(first);
  };
  enc.push(block.data(), 60, 0, emit);
  enc.push(block.data(), 60, 500, emit);  // jump: the 60 frames from 0 are dropped
  enc.push(block.data(), 60, 560, emit);
  REQUIRE(firsts.size() == 1);
  CHECK(firsts[0] == 500);
}
