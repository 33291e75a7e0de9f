#include "stream/pcm16_encoder.hpp"

#include <algorithm>
#include <cmath>

namespace auralis::stream {

Pcm16Encoder::Pcm16Encoder(int sampleRate, int channels)
    : chunker_(channels, std::max(1, sampleRate / 10)),
      bytes_(static_cast<std::size_t>(chunker_.chunkFrames() * channels) * 2) {}

void Pcm16Encoder::convert(std::span<const float> in, std::span<std::uint8_t> out) {
  for (std::size_t i = 0; i < in.size() && 2 * i + 1 < out.size(); ++i) {
    float x = in[i];
    if (!(x == x)) x = 0.0F;  // NaN -> silence
    x = std::clamp(x, -1.0F, 1.0F);
    const auto v = static_cast<std::int16_t>(std::lrint(x * 32767.0F));
    const auto u = static_cast<std::uint16_t>(v);
    out[2 * i] = static_cast<std::uint8_t>(u & 0xFF);
    out[2 * i + 1] = static_cast<std::uint8_t>(u >> 8);
  }
}

void Pcm16Encoder::push(const float* interleaved, int frames, std::int64_t samplePos,
                        const Emit& emit) {
  chunker_.push(interleaved, frames, samplePos,
                [&](std::span<const float> chunk, std::int64_t first) {
                  convert(chunk, bytes_);
                  emit(bytes_, first, chunker_.chunkFrames());
                });
}

}  // namespace auralis::stream
