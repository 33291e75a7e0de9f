#include <doctest/doctest.h>

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "io/media_decoder.hpp"

namespace fs = std::filesystem;
using auralis::io::MediaDecoder;

namespace {

struct TempDir {
  TempDir() {
    path = fs::temp_directory_path() / ("auralis-decoder-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
  fs::path path;
};

/// Runs a shell command that makes a test file (sox / ffmpeg from Debian).
void make(const std::string& command) {
  const int rc = std::system((command + " >/dev/null 2>&1").c_str());
  REQUIRE_MESSAGE(rc == 0, "could not run: " << command);
}

}  // namespace

TEST_CASE("media decoder: a WAV made by sox has its rate, channels, length and signal") {
  TempDir dir;
  const auto wav = dir.file("tone.wav");
  make("sox -n -r 44100 -c 2 -b 16 " + wav + " synth 1.5 sine 440 gain -6");
  auto d = MediaDecoder::open(wav);
  REQUIRE(d.ok());
  const auto& info = d.value()->info();
  CHECK(info.sampleRate == 44100);
  CHECK(info.channels == 2);
  CHECK_FALSE(info.hasVideo);
  CHECK(info.durationSeconds == doctest::Approx(1.5).epsilon(0.01));
  double sumSquares = 0.0;
  std::int64_t samples = 0;
  auto frames = d.value()->decodeAll([&](const float* x, std::size_t n) {
    for (std::size_t i = 0; i < n * 2; ++i)
      sumSquares += static_cast<double>(x[i]) * static_cast<double>(x[i]);
    samples += static_cast<std::int64_t>(n * 2);
  });
  REQUIRE(frames.ok());
  CHECK(frames.value() == 66150);
  // A sine at -6 dBFS peak has an RMS of 0.5 / sqrt(2).
  CHECK(std::sqrt(sumSquares / static_cast<double>(samples)) ==
        doctest::Approx(0.5 / std::sqrt(2.0)).epsilon(0.02));
}

TEST_CASE("media decoder: a video's audio track counts, a silent video is no_audio") {
  TempDir dir;
  const auto withAudio = dir.file("with.mkv");
  const auto without = dir.file("without.mkv");
  make(
      "ffmpeg -nostdin -y -f lavfi -i testsrc=size=64x48:rate=10 -f lavfi -i "
      "sine=frequency=330:sample_rate=48000 -t 1 -c:v mpeg4 -c:a flac " +
      withAudio);
  make("ffmpeg -nostdin -y -f lavfi -i testsrc=size=64x48:rate=10 -t 1 -c:v mpeg4 " + without);
  auto d = MediaDecoder::open(withAudio);
  REQUIRE(d.ok());
  CHECK(d.value()->info().hasVideo);
  CHECK(d.value()->info().sampleRate == 48000);
  CHECK(d.value()->info().channels == 1);
  auto frames = d.value()->decodeAll([](const float*, std::size_t) {});
  REQUIRE(frames.ok());
  CHECK(frames.value() == doctest::Approx(48000).epsilon(0.05));

  auto none = MediaDecoder::open(without);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == "no_audio");
  CHECK(none.error().message.find("no audio") != std::string::npos);
}

TEST_CASE("media decoder: garbage and a missing file are not_decodable") {
  TempDir dir;
  const auto junk = dir.file("junk.wav");
  {
    std::ofstream out(junk, std::ios::binary);
    for (int i = 0; i < 2000; ++i) out << "this is not audio at all; ";
  }
  auto d = MediaDecoder::open(junk);
  if (d.ok()) {
    // Probing may guess a raw format; then nothing decodes.
    CHECK_FALSE(d.value()->decodeAll([](const float*, std::size_t) {}).ok());
  } else {
    CHECK(d.error().code == "not_decodable");
  }
  auto missing = MediaDecoder::open(dir.file("nope.wav"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == "not_decodable");
}

TEST_CASE("media decoder: seek moves the read position") {
  TempDir dir;
  const auto wav = dir.file("ramp.wav");
  make("sox -n -r 8000 -c 1 -b 16 " + wav + " synth 2 sine 100");
  auto d = MediaDecoder::open(wav);
  REQUIRE(d.ok());
  REQUIRE(d.value()->seek(1.0).ok());
  std::int64_t after = 0;
  auto frames = d.value()->decodeAll(
      [&](const float*, std::size_t n) { after += static_cast<std::int64_t>(n); });
  REQUIRE(frames.ok());
  CHECK(after == doctest::Approx(8000).epsilon(0.05));
}
