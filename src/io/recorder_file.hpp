// RecorderFile: one recording's audio file, whatever the format. WAV (32-bit
// float, bit-exact) and FLAC (24-bit) go through AudioFileWriter (libsndfile);
// Ogg/Opus goes through libopusenc. A failed write leaves the file closed and
// valid up to the last good write: libsndfile rewrites its header in place on
// close, libopusenc flushes the pages it has completed.
//
// Thread rules: not thread-safe; the recorder thread owns it. Never the audio thread.
#pragma once

#include <memory>
#include <string>

#include "core/result.hpp"

namespace auralis::io {

enum class RecordFormat { Wav, Flac, Opus };

/// "wav", "flac", "opus"; also the file extension used.
const char* recordFormatName(RecordFormat format);
/// Parses "wav" | "flac" | "opus".
Result<RecordFormat> parseRecordFormat(const std::string& name);

class RecorderFile {
 public:
  virtual ~RecorderFile() = default;
  /// Interleaved stereo frames. An error means the file is unusable from here
  /// on (disk full, I/O error): close() it and stop.
  virtual Status write(const float* interleaved, int frames) = 0;
  /// Finalizes headers and closes; safe to call twice.
  virtual void close() = 0;

  /// Opens `path` for `format` at `sampleRate` (2 channels).
  static Result<std::unique_ptr<RecorderFile>> open(RecordFormat format, const std::string& path,
                                                    int sampleRate);
};

}  // namespace auralis::io
