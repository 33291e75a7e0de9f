#include "stream/opus_encoder.hpp"

#include <opus.h>

#include <string>

namespace auralis::stream {
namespace {
// Opus packets never exceed 1275 bytes per 20 ms frame; 4000 is libopus's
// recommended maximum buffer.
constexpr int kMaxPacket = 4000;
}  // namespace

Result<std::unique_ptr<OpusEncoder>> OpusEncoder::create(int sampleRate, int channels,
                                                         int bitrate) {
  if (sampleRate != 48000 && sampleRate != 24000 && sampleRate != 16000 && sampleRate != 12000 &&
      sampleRate != 8000) {
    return makeError("invalid_param",
                     "opus needs a sample rate of 8000, 12000, 16000, 24000 or 48000 Hz, got " +
                         std::to_string(sampleRate),
                     "sampleRate");
  }
  if (channels != 1 && channels != 2) {
    return makeError("invalid_param", "opus needs 1 or 2 channels", "channels");
  }
  if (bitrate < 6000 || bitrate > 510000) {
    return makeError("invalid_param", "opus bitrate must be in [6000, 510000] bit/s", "bitrate");
  }
  int err = OPUS_OK;
  ::OpusEncoder* enc = opus_encoder_create(sampleRate, channels, OPUS_APPLICATION_AUDIO, &err);
  if (err != OPUS_OK || enc == nullptr) {
    return makeError("internal", std::string("opus_encoder_create: ") + opus_strerror(err));
  }
  opus_encoder_ctl(enc, OPUS_SET_BITRATE(bitrate));
  return std::unique_ptr<OpusEncoder>(new OpusEncoder(enc, sampleRate, channels));
}

OpusEncoder::OpusEncoder(::OpusEncoder* enc, int sampleRate, int channels)
    : enc_(enc), chunker_(channels, sampleRate / 50), packet_(kMaxPacket) {}

OpusEncoder::~OpusEncoder() {
  opus_encoder_destroy(enc_);
}

void OpusEncoder::push(const float* interleaved, int frames, std::int64_t samplePos,
                       const Emit& emit) {
  chunker_.push(interleaved, frames, samplePos,
                [&](std::span<const float> chunk, std::int64_t first) {
                  const opus_int32 n = opus_encode_float(enc_, chunk.data(), chunker_.chunkFrames(),
                                                         packet_.data(), kMaxPacket);
                  if (n < 0) {
                    ++errors_;
                    return;
                  }
                  emit(std::span<const std::uint8_t>(packet_.data(), static_cast<std::size_t>(n)),
                       first, chunker_.chunkFrames());
                });
}

}  // namespace auralis::stream
