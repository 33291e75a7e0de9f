// AudioFileWriter: stereo float audio to WAV (32-bit float) or FLAC (24-bit)
// through libsndfile, chosen by the file's extension. Not for the audio thread.
#pragma once

#include <memory>
#include <string>

#include "core/result.hpp"

struct sf_private_tag;

namespace auralis::io {

class AudioFileWriter {
 public:
  AudioFileWriter();
  ~AudioFileWriter();
  AudioFileWriter(AudioFileWriter&&) noexcept;
  AudioFileWriter& operator=(AudioFileWriter&&) noexcept;

  Status open(const std::string& path, int sampleRate, int channels = 2);
  /// Interleaved frames.
  Status write(const float* interleaved, long frames);
  /// Finalizes the header; also done by the destructor.
  void close();

 private:
  sf_private_tag* file_ = nullptr;
  std::string path_;
};

}  // namespace auralis::io
