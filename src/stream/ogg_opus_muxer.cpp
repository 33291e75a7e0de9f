#include "stream/ogg_opus_muxer.hpp"

#include <ogg/ogg.h>

#include <cstring>

namespace auralis::stream {

struct OggOpusMuxer::State {
  ogg_stream_state os{};
};

namespace {

/// Appends raw bytes. resize + memcpy rather than vector::insert of a small
/// literal, which g++ 12 misreads as an overflow (-Wstringop-overflow).
void putBytes(std::vector<std::uint8_t>& v, const void* data, std::size_t n) {
  const std::size_t at = v.size();
  v.resize(at + n);
  if (n > 0) std::memcpy(v.data() + at, data, n);
}

void putLe16(std::vector<std::uint8_t>& v, std::uint16_t x) {
  const std::uint8_t b[2] = {static_cast<std::uint8_t>(x & 0xFF),
                             static_cast<std::uint8_t>(x >> 8)};
  putBytes(v, b, 2);
}

void putLe32(std::vector<std::uint8_t>& v, std::uint32_t x) {
  std::uint8_t b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<std::uint8_t>((x >> (8 * i)) & 0xFF);
  putBytes(v, b, 4);
}

void putString(std::vector<std::uint8_t>& v, const std::string& s) {
  putLe32(v, static_cast<std::uint32_t>(s.size()));
  putBytes(v, s.data(), s.size());
}

void appendPage(const ogg_page& page, std::vector<std::uint8_t>& out) {
  putBytes(out, page.header, static_cast<std::size_t>(page.header_len));
  putBytes(out, page.body, static_cast<std::size_t>(page.body_len));
}

}  // namespace

OggOpusMuxer::OggOpusMuxer(std::uint32_t serial, const OggOpusOptions& options)
    : state_(std::make_unique<State>()), options_(options), serial_(serial) {
  ogg_stream_init(&state_->os, static_cast<int>(serial));
}

OggOpusMuxer::~OggOpusMuxer() {
  ogg_stream_clear(&state_->os);
}

std::vector<std::uint8_t> OggOpusMuxer::opusHead(const OggOpusOptions& o) {
  std::vector<std::uint8_t> v;
  v.reserve(19);
  putBytes(v, "OpusHead", 8);
  const std::uint8_t versionAndChannels[2] = {1, static_cast<std::uint8_t>(o.channels)};
  putBytes(v, versionAndChannels, 2);
  putLe16(v, o.preSkip);
  putLe32(v, o.inputSampleRate);
  putLe16(v, 0);                   // output gain (Q7.8 dB)
  const std::uint8_t mapping = 0;  // family 0: mono or stereo, no mapping table
  putBytes(v, &mapping, 1);
  return v;
}

std::vector<std::uint8_t> OggOpusMuxer::opusTags(const OggOpusOptions& o) {
  std::vector<std::uint8_t> v;
  putBytes(v, "OpusTags", 8);
  putString(v, o.vendor);
  putLe32(v, static_cast<std::uint32_t>(o.comments.size()));
  for (const auto& c : o.comments) putString(v, c);
  return v;
}

void OggOpusMuxer::writeHeaders(std::vector<std::uint8_t>& out) {
  // RFC 7845 section 3: each header packet alone on its own page, granule 0.
  auto submit = [&](std::vector<std::uint8_t> bytes, bool bos) {
    ogg_packet p{};
    p.packet = bytes.data();
    p.bytes = static_cast<long>(bytes.size());
    p.b_o_s = bos ? 1 : 0;
    p.granulepos = 0;
    p.packetno = packetNo_++;
    ogg_stream_packetin(&state_->os, &p);
    flush(out);
  };
  submit(opusHead(options_), true);
  submit(opusTags(options_), false);
}

void OggOpusMuxer::addPacket(std::span<const std::uint8_t> packet, int samples48k,
                             std::vector<std::uint8_t>& out) {
  granule_ += static_cast<std::uint64_t>(samples48k);
  ogg_packet p{};
  // libogg copies the packet body into its own buffer; it never writes through it.
  p.packet = const_cast<unsigned char*>(packet.data());
  p.bytes = static_cast<long>(packet.size());
  p.granulepos = static_cast<ogg_int64_t>(granule_);
  p.packetno = packetNo_++;
  ogg_stream_packetin(&state_->os, &p);
  ++pendingInPage_;
  ogg_page page;
  if (pendingInPage_ >= options_.packetsPerPage) {
    flush(out);
    return;
  }
  // libogg cuts a page by itself once about 4 KiB (or 255 segments) are waiting.
  while (ogg_stream_pageout(&state_->os, &page) != 0) {
    appendPage(page, out);
    pendingInPage_ = 0;
  }
}

void OggOpusMuxer::flush(std::vector<std::uint8_t>& out) {
  ogg_page page;
  while (ogg_stream_flush(&state_->os, &page) != 0) appendPage(page, out);
  pendingInPage_ = 0;
}

}  // namespace auralis::stream
