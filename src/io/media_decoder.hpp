// MediaDecoder: any audio or video file the ffmpeg libraries (libavformat,
// libavcodec, libswresample) can read, decoded in chunks to interleaved float
// at the stream's own rate. A video's audio stream is the one that counts; a
// file without one is refused with a message saying so. Used at upload time to
// probe and measure, and by playback to read a source ahead of the playhead.
//
// Thread rules: one non-audio thread at a time per decoder (it allocates and
// does file I/O); separate decoders are independent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace auralis::io {

struct MediaInfo {
  double durationSeconds = 0.0;  // from the container; 0 when it does not say
  int sampleRate = 0;            // of the audio stream, and of what read() returns
  int channels = 0;              // of what read() returns (1..8; more are mixed to 2)
  std::string container;         // libavformat's short name, e.g. "wav", "mov,mp4,m4a,3gp,3g2,mj2"
  std::string codec;             // the audio codec, e.g. "pcm_s16le", "aac"
  bool hasVideo = false;         // the file also holds a video stream
};

class MediaDecoder {
 public:
  /// Opens `path` and its best audio stream. Errors: `not_decodable` (not a
  /// media file libavformat reads, or an audio codec it cannot decode),
  /// `no_audio` (a readable file, e.g. a video, with no audio stream).
  static Result<std::unique_ptr<MediaDecoder>> open(const std::string& path);
  ~MediaDecoder();
  MediaDecoder(const MediaDecoder&) = delete;
  MediaDecoder& operator=(const MediaDecoder&) = delete;

  const MediaInfo& info() const { return info_; }

  /// Decodes the next chunk, replacing `out` with interleaved frames of
  /// info().channels samples; returns the frames (0 at the end of the stream).
  /// Damaged packets are skipped and counted (corruptPackets()); an Error
  /// (`not_decodable`) only when reading the file itself fails.
  Result<std::size_t> read(std::vector<float>& out);

  /// Decodes to the end, calling `onBlock(interleaved, frames)` per chunk;
  /// returns the frames decoded. `not_decodable` when none could be.
  Result<std::int64_t> decodeAll(const std::function<void(const float*, std::size_t)>& onBlock);

  /// Moves the read position to `seconds` (the nearest point the container
  /// allows at or before it); `not_decodable` when the file cannot seek.
  Status seek(double seconds);

  /// Packets that failed to decode so far.
  std::uint64_t corruptPackets() const { return corrupt_; }

 private:
  struct State;
  explicit MediaDecoder(std::unique_ptr<State> state);
  Result<bool> pump(std::vector<float>& out);

  std::unique_ptr<State> state_;
  MediaInfo info_;
  std::uint64_t corrupt_ = 0;
};

}  // namespace auralis::io
