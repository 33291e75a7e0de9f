#include "io/audio_file_reader.hpp"

#include <sndfile.h>

#include <algorithm>

namespace auralis::io {

void AudioFileReader::Closer::operator()(sf_private_tag* f) const noexcept {
  if (f != nullptr) sf_close(f);
}

AudioFileReader::AudioFileReader(sf_private_tag* file, int channels, double rate,
                                 std::int64_t frames)
    : file_(file), channels_(channels), sampleRate_(rate), frames_(frames) {}

Result<AudioFileReader> AudioFileReader::open(const std::string& path) {
  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  if (file == nullptr)
    return makeError("unreadable", "cannot read '" + path + "' as audio: " + sf_strerror(nullptr));
  if (info.channels < 1 || info.samplerate <= 0) {
    sf_close(file);
    return makeError("unreadable", "'" + path + "' has no audio channels");
  }
  return AudioFileReader(file, info.channels, static_cast<double>(info.samplerate), info.frames);
}

std::size_t AudioFileReader::readInterleaved(std::span<float> out) {
  const auto frames = static_cast<sf_count_t>(out.size() / static_cast<std::size_t>(channels_));
  if (frames == 0) return 0;
  const sf_count_t got = sf_readf_float(file_.get(), out.data(), frames);
  return got > 0 ? static_cast<std::size_t>(got) : 0;
}

std::size_t AudioFileReader::readMono(std::span<float> out) {
  if (channels_ == 1) return readInterleaved(out);
  scratch_.resize(out.size() * static_cast<std::size_t>(channels_));
  const std::size_t got = readInterleaved(scratch_);
  const float scale = 1.0F / static_cast<float>(channels_);
  for (std::size_t i = 0; i < got; ++i) {
    float sum = 0.0F;
    for (int c = 0; c < channels_; ++c)
      sum += scratch_[i * static_cast<std::size_t>(channels_) + static_cast<std::size_t>(c)];
    out[i] = sum * scale;
  }
  return got;
}

}  // namespace auralis::io
