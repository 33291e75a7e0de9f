// OggOpusMuxer: wraps already-encoded Opus packets into one logical Ogg/Opus
// stream (RFC 7845) with libogg: an OpusHead page, an OpusTags page, then audio
// pages whose granule position is the 48 kHz sample count at the end of the last
// packet finished on the page. Pages are cut every `packetsPerPage` packets (100 ms
// of 20 ms packets by default), which keeps a live listener's latency low while the
// 27-byte page header stays under 3% of a 128 kb/s stream.
//
// Every call appends whole pages to `out`; a fresh muxer (new serial) starts a
// new logical stream, which is what a reconnecting Icecast source sends.
//
// Thread rules: not thread-safe; owned by one thread (the Icecast source's).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace auralis::stream {

struct OggOpusOptions {
  int channels = 2;
  /// The rate the audio was produced at (informational in OpusHead).
  std::uint32_t inputSampleRate = 48000;
  /// Samples (48 kHz) the decoder discards at the start: the encoder's look-ahead.
  std::uint16_t preSkip = 312;
  /// Audio packets per page (a page is also cut when libogg's size limit is hit).
  int packetsPerPage = 5;
  std::string vendor = "auralis";
  /// "KEY=value" comments for OpusTags (e.g. TITLE=...).
  std::vector<std::string> comments;
};

class OggOpusMuxer {
 public:
  /// Owner thread. `serial` identifies the logical stream (pick a new one per stream).
  OggOpusMuxer(std::uint32_t serial, const OggOpusOptions& options);
  ~OggOpusMuxer();
  OggOpusMuxer(const OggOpusMuxer&) = delete;
  OggOpusMuxer& operator=(const OggOpusMuxer&) = delete;

  /// Owner thread. Appends the OpusHead and OpusTags pages (call once, first).
  void writeHeaders(std::vector<std::uint8_t>& out);
  /// Owner thread. Adds one Opus packet holding `samples48k` samples per channel;
  /// appends any page it completes.
  void addPacket(std::span<const std::uint8_t> packet, int samples48k,
                 std::vector<std::uint8_t>& out);
  /// Owner thread. Cuts the page in progress, if any.
  void flush(std::vector<std::uint8_t>& out);

  std::uint32_t serial() const { return serial_; }
  /// Granule position after the packets added so far.
  std::uint64_t granule() const { return granule_; }
  std::uint64_t packets() const { return packetNo_; }

  /// The OpusHead packet (19 bytes for channel mapping family 0).
  static std::vector<std::uint8_t> opusHead(const OggOpusOptions& options);
  /// The OpusTags packet.
  static std::vector<std::uint8_t> opusTags(const OggOpusOptions& options);

 private:
  struct State;
  std::unique_ptr<State> state_;
  OggOpusOptions options_;
  std::uint32_t serial_;
  std::uint64_t granule_ = 0;
  std::int64_t packetNo_ = 0;
  int pendingInPage_ = 0;
};

}  // namespace auralis::stream
