// Parses the muxer's bytes back with an Ogg reader written here (not libogg), so
// the test checks the format itself: capture pattern, page CRC, lacing, granules,
// the BOS/serial rules and the OpusHead/OpusTags headers of RFC 7845.
#include <doctest/doctest.h>

#include <opus.h>

#include <array>
#include <cmath>
#include <cstring>
#include <numbers>
#include <string>
#include <vector>

#include "stream/ogg_opus_muxer.hpp"
#include "stream/opus_encoder.hpp"

using namespace auralis::stream;

namespace {

struct Page {
  std::uint8_t flags = 0;
  std::int64_t granule = 0;
  std::uint32_t serial = 0;
  std::uint32_t sequence = 0;
  std::vector<std::vector<std::uint8_t>> packets;  // packets completed on this page
  bool crcOk = false;
};

/// CRC-32 of the Ogg spec (polynomial 0x04c11db7, not reflected, initial 0),
/// continued from `crc` over `n` bytes.
std::uint32_t oggCrc(std::uint32_t crc, const std::uint8_t* data, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    crc ^= static_cast<std::uint32_t>(data[i]) << 24;
    for (int b = 0; b < 8; ++b) crc = (crc & 0x80000000U) ? (crc << 1) ^ 0x04c11db7U : crc << 1;
  }
  return crc;
}

std::uint64_t le(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

std::vector<Page> parsePages(const std::vector<std::uint8_t>& bytes) {
  std::vector<Page> pages;
  std::size_t pos = 0;
  std::vector<std::uint8_t> partial;
  while (pos < bytes.size()) {
    REQUIRE(bytes.size() - pos >= 27);
    const std::uint8_t* h = bytes.data() + pos;
    REQUIRE(std::memcmp(h, "OggS", 4) == 0);
    REQUIRE(h[4] == 0);  // stream structure version
    Page p;
    p.flags = h[5];
    p.granule = static_cast<std::int64_t>(le(h + 6, 8));
    p.serial = static_cast<std::uint32_t>(le(h + 14, 4));
    p.sequence = static_cast<std::uint32_t>(le(h + 18, 4));
    const auto storedCrc = static_cast<std::uint32_t>(le(h + 22, 4));
    const int segments = h[26];
    REQUIRE(bytes.size() - pos >= 27U + static_cast<std::size_t>(segments));
    std::size_t body = 0;
    for (int i = 0; i < segments; ++i) body += h[27 + i];
    const std::size_t total = 27 + static_cast<std::size_t>(segments) + body;
    REQUIRE(bytes.size() - pos >= total);
    // The CRC covers the whole page with its own field read as zero.
    const std::uint8_t zeros[4] = {0, 0, 0, 0};
    std::uint32_t crc = oggCrc(0, h, 22);
    crc = oggCrc(crc, zeros, 4);
    crc = oggCrc(crc, h + 26, total - 26);
    p.crcOk = crc == storedCrc;
    const std::uint8_t* b = h + 27 + segments;
    for (int i = 0; i < segments; ++i) {
      partial.insert(partial.end(), b, b + h[27 + i]);
      b += h[27 + i];
      if (h[27 + i] < 255) {
        p.packets.push_back(partial);
        partial.clear();
      }
    }
    pages.push_back(std::move(p));
    pos += total;
  }
  CHECK(partial.empty());
  return pages;
}

}  // namespace

TEST_CASE("ogg/opus muxer: headers on their own pages, CRCs, granules at 48 kHz") {
  OggOpusOptions o;
  o.channels = 2;
  o.preSkip = 312;
  o.packetsPerPage = 5;
  o.comments = {"TITLE=test"};
  OggOpusMuxer mux(0x1234abcdU, o);
  std::vector<std::uint8_t> bytes;
  mux.writeHeaders(bytes);
  std::vector<std::uint8_t> packet(300);
  constexpr int kPackets = 23;
  for (int i = 0; i < kPackets; ++i) {
    packet[0] = static_cast<std::uint8_t>(i);
    mux.addPacket(packet, 960, bytes);
  }
  mux.flush(bytes);
  const auto pages = parsePages(bytes);
  REQUIRE(pages.size() == 2 + 5);  // 4 full pages of 5 packets and one of 3

  for (std::size_t i = 0; i < pages.size(); ++i) {
    CHECK(pages[i].crcOk);
    CHECK(pages[i].serial == 0x1234abcdU);
    CHECK(pages[i].sequence == i);
    CHECK(((pages[i].flags & 0x02) != 0) == (i == 0));  // beginning of stream only first
  }
  // OpusHead: magic, version 1, channels, pre-skip, rate, gain 0, mapping 0.
  REQUIRE(pages[0].packets.size() == 1);
  const auto& head = pages[0].packets[0];
  REQUIRE(head.size() == 19);
  CHECK(std::memcmp(head.data(), "OpusHead", 8) == 0);
  CHECK(head[8] == 1);
  CHECK(head[9] == 2);
  CHECK(le(head.data() + 10, 2) == 312);
  CHECK(le(head.data() + 12, 4) == 48000);
  CHECK(head[18] == 0);
  CHECK(pages[0].granule == 0);
  // OpusTags: vendor string and the comment list.
  REQUIRE(pages[1].packets.size() == 1);
  const auto& tags = pages[1].packets[0];
  CHECK(std::memcmp(tags.data(), "OpusTags", 8) == 0);
  const auto vendorLen = le(tags.data() + 8, 4);
  CHECK(std::string(tags.begin() + 12, tags.begin() + 12 + static_cast<long>(vendorLen)) ==
        o.vendor);
  CHECK(le(tags.data() + 12 + vendorLen, 4) == 1);
  CHECK(pages[1].granule == 0);

  // Audio pages: granule = samples up to the last packet completed on the page.
  std::int64_t samples = 0;
  int seen = 0;
  for (std::size_t i = 2; i < pages.size(); ++i) {
    for (const auto& pk : pages[i].packets) {
      CHECK(pk.size() == 300);
      CHECK(pk[0] == seen);  // order kept
      ++seen;
      samples += 960;
    }
    CHECK(pages[i].granule == samples);
    CHECK(pages[i].packets.size() <= 5);
  }
  CHECK(seen == kPackets);
  CHECK(mux.granule() == static_cast<std::uint64_t>(kPackets) * 960);
}

TEST_CASE("ogg/opus muxer: a large packet spans lacing values of 255 and parses back") {
  OggOpusMuxer mux(7, OggOpusOptions{});
  std::vector<std::uint8_t> bytes;
  mux.writeHeaders(bytes);
  std::vector<std::uint8_t> big(1000, 0xAB);
  std::vector<std::uint8_t> exact(510, 0xCD);  // a multiple of 255 needs a 0 lacing value
  mux.addPacket(big, 960, bytes);
  mux.addPacket(exact, 960, bytes);
  mux.flush(bytes);
  const auto pages = parsePages(bytes);
  REQUIRE(pages.size() == 3);
  REQUIRE(pages[2].packets.size() == 2);
  CHECK(pages[2].packets[0] == big);
  CHECK(pages[2].packets[1] == exact);
  CHECK(pages[2].crcOk);
  CHECK(pages[2].granule == 1920);
}

TEST_CASE("ogg/opus muxer: real Opus packets decode after the round trip") {
  auto created = auralis::stream::OpusEncoder::create(48000, 2, 128000);
  REQUIRE(created.ok());
  OggOpusMuxer mux(99, OggOpusOptions{});
  std::vector<std::uint8_t> bytes;
  mux.writeHeaders(bytes);
  std::vector<float> block(2 * 480);
  std::int64_t pos = 0;
  for (int b = 0; b < 100; ++b) {  // 1 s of a 330 Hz sine
    for (int i = 0; i < 480; ++i) {
      const auto v = static_cast<float>(
          0.4 * std::sin(2.0 * std::numbers::pi * 330.0 * static_cast<double>(pos + i) / 48000.0));
      block[2 * i] = v;
      block[2 * i + 1] = v;
    }
    created.value()->push(block.data(), 480, pos,
                          [&](std::span<const std::uint8_t> p, std::int64_t, int frames) {
                            mux.addPacket(p, frames, bytes);
                          });
    pos += 480;
  }
  mux.flush(bytes);
  const auto pages = parsePages(bytes);
  int err = 0;
  OpusDecoder* dec = opus_decoder_create(48000, 2, &err);
  REQUIRE(err == OPUS_OK);
  std::vector<float> pcm(2 * 5760);
  std::int64_t decoded = 0;
  double energy = 0;
  for (std::size_t i = 2; i < pages.size(); ++i) {
    CHECK(pages[i].crcOk);
    for (const auto& pk : pages[i].packets) {
      const int n = opus_decode_float(dec, pk.data(), static_cast<opus_int32>(pk.size()),
                                      pcm.data(), 5760, 0);
      REQUIRE(n > 0);
      for (int k = 0; k < 2 * n; ++k)
        energy += static_cast<double>(pcm[k]) * static_cast<double>(pcm[k]);
      decoded += n;
    }
    CHECK(pages[i].granule == decoded);
  }
  opus_decoder_destroy(dec);
  CHECK(decoded == 48000);
  const double rms = std::sqrt(energy / static_cast<double>(2 * decoded));
  CHECK(rms > 0.2);  // a 0.4 sine has RMS 0.28; silence or garbage would not
}
