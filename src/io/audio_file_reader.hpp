// AudioFileReader: reads any file libsndfile knows (WAV, FLAC, Ogg/Vorbis,
// Ogg/Opus, AIFF, ...) in chunks, as interleaved floats or mixed to mono, so a
// command never holds a whole file it does not need.
//
// Thread rules: one thread at a time per reader; not for the audio thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"

struct sf_private_tag;

namespace auralis::io {

class AudioFileReader {
 public:
  /// Opens `path`; the error (code "unreadable") names the file and libsndfile's reason.
  static Result<AudioFileReader> open(const std::string& path);

  int channels() const { return channels_; }
  double sampleRate() const { return sampleRate_; }
  /// Frames in the file (0 when the format does not say).
  std::int64_t frames() const { return frames_; }

  /// Reads up to out.size()/channels() frames, interleaved; returns the frames read (0 at the end).
  std::size_t readInterleaved(std::span<float> out);
  /// Reads up to out.size() frames mixed down to mono; returns the frames read (0 at the end).
  std::size_t readMono(std::span<float> out);

 private:
  struct Closer {
    void operator()(sf_private_tag* f) const noexcept;
  };
  AudioFileReader(sf_private_tag* file, int channels, double rate, std::int64_t frames);

  std::unique_ptr<sf_private_tag, Closer> file_;
  int channels_ = 0;
  double sampleRate_ = 0.0;
  std::int64_t frames_ = 0;
  std::vector<float> scratch_;
};

}  // namespace auralis::io
