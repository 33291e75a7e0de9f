#include <doctest/doctest.h>

#include <opus.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "stream/opus_encoder.hpp"

using namespace auralis::stream;

TEST_CASE("opus encoder refuses rates and bitrates libopus cannot take") {
  CHECK_FALSE(auralis::stream::OpusEncoder::create(44100, 2, 128000).ok());
  CHECK_FALSE(auralis::stream::OpusEncoder::create(48000, 3, 128000).ok());
  CHECK_FALSE(auralis::stream::OpusEncoder::create(48000, 2, 1000).ok());
  CHECK(auralis::stream::OpusEncoder::create(48000, 2, 96000).ok());
}

TEST_CASE("opus encode -> libopus decode keeps a sine's loudness and pitch") {
  auto created = auralis::stream::OpusEncoder::create(48000, 2, 128000);
  REQUIRE(created.ok());
  auto& enc = *created.value();
  CHECK(enc.chunkFrames() == 960);
  int err = 0;
  OpusDecoder* dec = opus_decoder_create(48000, 2, &err);
  REQUIRE(err == OPUS_OK);

  const double freq = 440.0;
  const double amp = 0.5;
  std::vector<float> block(2 * 480);
  std::vector<float> decoded;
  std::vector<std::int64_t> firsts;
  std::vector<float> pcm(2 * 960);
  std::int64_t pos = 0;
  for (int b = 0; b < 200; ++b) {  // 2 s
    for (int i = 0; i < 480; ++i) {
      const auto v = static_cast<float>(
          amp * std::sin(2.0 * std::numbers::pi * freq * static_cast<double>(pos + i) / 48000.0));
      block[2 * i] = v;
      block[2 * i + 1] = v;
    }
    enc.push(block.data(), 480, pos,
             [&](std::span<const std::uint8_t> packet, std::int64_t first, int frames) {
               CHECK(frames == 960);
               CHECK(packet.size() < 1276);
               firsts.push_back(first);
               const int n = opus_decode_float(
                   dec, packet.data(), static_cast<opus_int32>(packet.size()), pcm.data(), 960, 0);
               REQUIRE(n == 960);
               decoded.insert(decoded.end(), pcm.begin(), pcm.end());
             });
    pos += 480;
  }
  opus_decoder_destroy(dec);
  REQUIRE(firsts.size() == 100);
  CHECK(firsts[1] == 960);
  // Skip the first 100 ms (codec warm-up), compare RMS with the input's (amp/sqrt2).
  double sum = 0;
  int crossings = 0;
  const std::size_t start = 2 * 4800;
  for (std::size_t i = start; i < decoded.size(); i += 2) {
    const auto x = static_cast<double>(decoded[i]);
    sum += x * x;
    if (i >= start + 2 && (decoded[i - 2] < 0.0F) != (decoded[i] < 0.0F)) ++crossings;
  }
  const double frames = static_cast<double>(decoded.size() - start) / 2.0;
  const double rms = std::sqrt(sum / frames);
  const double inputRms = amp / std::sqrt(2.0);
  CHECK(std::abs(20.0 * std::log10(rms / inputRms)) < 1.0);
  // Two zero crossings per period: the pitch survives.
  const double measuredHz = crossings / 2.0 / (frames / 48000.0);
  CHECK(measuredHz == doctest::Approx(freq).epsilon(0.02));
}
