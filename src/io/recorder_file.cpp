#include "io/recorder_file.hpp"

#include <opusenc.h>

#include <cerrno>
#include <cstring>

#include "io/audio_file_writer.hpp"

namespace auralis::io {

namespace {

class SndfileRecorderFile final : public RecorderFile {
 public:
  Status openPath(const std::string& path, int rate) { return writer_.open(path, rate, 2); }
  Status write(const float* interleaved, int frames) override {
    return writer_.write(interleaved, frames);
  }
  void close() override { writer_.close(); }

 private:
  AudioFileWriter writer_;
};

class OpusRecorderFile final : public RecorderFile {
 public:
  ~OpusRecorderFile() override { close(); }
  Status openPath(const std::string& path, int rate) {
    comments_ = ope_comments_create();
    if (comments_ == nullptr) return makeError("io_error", "libopusenc: out of memory");
    ope_comments_add(comments_, "ENCODER", "auralis");
    int error = OPE_OK;
    // libopusenc resamples to Opus's 48 kHz itself when the engine runs at 44.1 kHz.
    enc_ = ope_encoder_create_file(path.c_str(), comments_, rate, 2, 0, &error);
    if (enc_ == nullptr || error != OPE_OK)
      return makeError("io_error", "cannot write '" + path + "': " + ope_strerror(error) + " (" +
                                       std::strerror(errno) + ")");
    path_ = path;
    return Ok{};
  }
  Status write(const float* interleaved, int frames) override {
    if (enc_ == nullptr) return makeError("io_error", "file not open");
    const int rc = ope_encoder_write_float(enc_, interleaved, frames);
    if (rc != OPE_OK)
      return makeError("io_error", "write to '" + path_ + "' failed: " + ope_strerror(rc));
    return Ok{};
  }
  void close() override {
    if (enc_ != nullptr) {
      ope_encoder_drain(enc_);  // writes the final page (end-of-stream flag)
      ope_encoder_destroy(enc_);
      enc_ = nullptr;
    }
    if (comments_ != nullptr) {
      ope_comments_destroy(comments_);
      comments_ = nullptr;
    }
  }

 private:
  OggOpusComments* comments_ = nullptr;
  OggOpusEnc* enc_ = nullptr;
  std::string path_;
};

}  // namespace

const char* recordFormatName(RecordFormat format) {
  switch (format) {
    case RecordFormat::Wav:
      return "wav";
    case RecordFormat::Flac:
      return "flac";
    case RecordFormat::Opus:
      return "opus";
  }
  return "wav";
}

Result<RecordFormat> parseRecordFormat(const std::string& name) {
  if (name == "wav") return RecordFormat::Wav;
  if (name == "flac") return RecordFormat::Flac;
  if (name == "opus") return RecordFormat::Opus;
  return makeError("invalid_param", "format must be one of wav, flac, opus", "format");
}

Result<std::unique_ptr<RecorderFile>> RecorderFile::open(RecordFormat format,
                                                         const std::string& path, int sampleRate) {
  if (format == RecordFormat::Opus) {
    auto f = std::make_unique<OpusRecorderFile>();
    if (auto r = f->openPath(path, sampleRate); !r) return r.error();
    return std::unique_ptr<RecorderFile>(std::move(f));
  }
  auto f = std::make_unique<SndfileRecorderFile>();
  if (auto r = f->openPath(path, sampleRate); !r) return r.error();
  return std::unique_ptr<RecorderFile>(std::move(f));
}

}  // namespace auralis::io
