#include "io/audio_file_writer.hpp"

#include <sndfile.h>

#include <algorithm>
#include <cctype>
#include <utility>

namespace auralis::io {

AudioFileWriter::AudioFileWriter() = default;
AudioFileWriter::~AudioFileWriter() { close(); }
AudioFileWriter::AudioFileWriter(AudioFileWriter&& o) noexcept
    : file_(std::exchange(o.file_, nullptr)), path_(std::move(o.path_)) {}
AudioFileWriter& AudioFileWriter::operator=(AudioFileWriter&& o) noexcept {
  if (this != &o) {
    close();
    file_ = std::exchange(o.file_, nullptr);
    path_ = std::move(o.path_);
  }
  return *this;
}

Status AudioFileWriter::open(const std::string& path, int sampleRate, int channels) {
  close();
  std::string ext = path.substr(path.find_last_of('.') == std::string::npos ? path.size()
                                                                             : path.find_last_of('.') + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  SF_INFO info{};
  info.samplerate = sampleRate;
  info.channels = channels;
  if (ext == "wav")
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
  else if (ext == "flac")
    info.format = SF_FORMAT_FLAC | SF_FORMAT_PCM_24;
  else
    return makeError("invalid_param", "output must end in .wav or .flac, got '" + path + "'", "out");
  file_ = sf_open(path.c_str(), SFM_WRITE, &info);
  if (file_ == nullptr)
    return makeError("io_error", "cannot write '" + path + "': " + sf_strerror(nullptr), "out");
  // The PEAK chunk carries a timestamp; without it the same audio gives the same bytes.
  sf_command(file_, SFC_SET_ADD_PEAK_CHUNK, nullptr, SF_FALSE);
  // Float to FLAC: clip rather than wrap if a sample ever reaches full scale.
  sf_command(file_, SFC_SET_CLIPPING, nullptr, SF_TRUE);
  path_ = path;
  return Ok{};
}

Status AudioFileWriter::write(const float* interleaved, long frames) {
  if (file_ == nullptr) return makeError("io_error", "file not open");
  if (sf_writef_float(file_, interleaved, frames) != frames)
    return makeError("io_error", "short write to '" + path_ + "': " + sf_strerror(file_));
  return Ok{};
}

void AudioFileWriter::close() {
  if (file_ != nullptr) {
    sf_close(file_);
    file_ = nullptr;
  }
}

}  // namespace auralis::io
