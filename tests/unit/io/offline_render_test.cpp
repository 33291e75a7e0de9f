#include <doctest/doctest.h>
#include <sndfile.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "io/audio_file_writer.hpp"
#include "io/offline_renderer.hpp"

using namespace auralis;

namespace {

std::string tempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("auralis-io-test-" + std::to_string(getpid()) + "-" + name))
      .string();
}

std::vector<char> readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

Result<io::OfflineRenderStats> renderNotes(const std::string& path, int block, std::uint8_t pitch) {
  engine::Engine e;
  e.prepare(engine::testToneConfig(48000, block));
  return io::renderOffline(e, {1.0, block, path}, [&](std::int64_t start, int frames) {
    if (start % 4800 < frames) {
      music::NoteEvent n;
      n.startSample = start + 17;
      n.lengthSamples = 2400;
      n.instrument = music::InstrumentKind::TestTone;
      n.pitch = pitch;
      (void)e.postNote(n);
    }
  });
}

}  // namespace

TEST_CASE("offline render: same settings give bit-identical files, different notes differ") {
  const auto a = tempPath("a.wav"), b = tempPath("b.wav"), c = tempPath("c.wav");
  REQUIRE(renderNotes(a, 256, 60).ok());
  REQUIRE(renderNotes(b, 256, 60).ok());
  REQUIRE(renderNotes(c, 256, 64).ok());
  CHECK(readBytes(a) == readBytes(b));
  CHECK(readBytes(a) != readBytes(c));
  for (const auto& p : {a, b, c}) std::filesystem::remove(p);
}

TEST_CASE("offline render writes WAV (float) and FLAC that read back with the right length") {
  for (const char* ext : {"wav", "flac"}) {
    CAPTURE(ext);
    const auto path = tempPath(std::string("len.") + ext);
    auto stats = renderNotes(path, 128, 60);
    REQUIRE(stats.ok());
    CHECK(stats.value().frames == 48000);
    CHECK(stats.value().realtimeFactor > 1.0);
    SF_INFO info{};
    SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
    REQUIRE(f != nullptr);
    CHECK(info.frames == 48000);
    CHECK(info.channels == 2);
    CHECK(info.samplerate == 48000);
    std::vector<float> data(static_cast<std::size_t>(info.frames * 2));
    CHECK(sf_readf_float(f, data.data(), info.frames) == info.frames);
    sf_close(f);
    float peak = 0;
    for (float v : data) peak = std::max(peak, std::fabs(v));
    CHECK(peak > 0.05F);
    std::filesystem::remove(path);
  }
}

TEST_CASE("an unsupported output extension or unwritable path is refused with a clear error") {
  engine::Engine e;
  e.prepare(engine::testToneConfig(48000, 256));
  auto bad = io::renderOffline(e, {0.1, 256, tempPath("x.mp3")});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().field == "out");
  auto unwritable = io::renderOffline(e, {0.1, 256, "/nonexistent-dir/x.wav"});
  REQUIRE_FALSE(unwritable.ok());
  CHECK(unwritable.error().message.find("/nonexistent-dir/x.wav") != std::string::npos);
}
