#include <doctest/doctest.h>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "app/dmx_capture.hpp"

using auralis::app::DmxCapture;
using auralis::lighting::DmxFrame;

namespace {

std::vector<std::uint8_t> readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::int64_t le64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return static_cast<std::int64_t>(v);
}

}  // namespace

TEST_CASE("dmx capture writes the header and the frames heard from the start sample") {
  const auto path = (std::filesystem::temp_directory_path() /
                     ("auralis-dmx-test-" + std::to_string(getpid()) + ".bin"))
                        .string();
  DmxCapture capture;
  DmxFrame frame;
  frame.universes = 2;
  frame.data[0][0] = 7;
  frame.data[1][511] = 9;
  capture.offer(1, frame);  // not attached: ignored
  capture.attach(48000.0, 40.0);
  capture.offer(2, frame);  // attached, not capturing: ignored
  REQUIRE(capture.begin(path, 1000));
  capture.offer(999, frame);  // before the recorded span: not kept
  capture.offer(1000, frame);
  capture.offer(2200, frame);
  const auto summary = capture.end();
  CHECK(summary.frames == 2);
  CHECK(summary.drops == 0);
  CHECK(summary.error.empty());
  capture.offer(3400, frame);  // after the end: ignored

  const auto bytes = readAll(path);
  const std::size_t frameBytes = 10 + 2 * 512;
  REQUIRE(bytes.size() == DmxCapture::kHeaderBytes + 2 * frameBytes);
  CHECK(std::memcmp(bytes.data(), "AURALDMX", 8) == 0);
  CHECK(bytes[8] == 1);
  CHECK((bytes[10] | (bytes[11] << 8)) == 512);
  const auto* first = bytes.data() + DmxCapture::kHeaderBytes;
  CHECK(le64(first) == 1000);
  CHECK((first[8] | (first[9] << 8)) == 2);
  CHECK(first[10] == 7);
  CHECK(first[10 + 512 + 511] == 9);
  CHECK(le64(first + frameBytes) == 2200);
  std::filesystem::remove(path);
}

TEST_CASE("dmx capture drops and counts frames when its queue is full, never waiting") {
  const auto path = (std::filesystem::temp_directory_path() /
                     ("auralis-dmx-drop-" + std::to_string(getpid()) + ".bin"))
                        .string();
  DmxCapture capture;
  capture.attach(48000.0, 40.0);
  REQUIRE(capture.begin(path, 0));
  DmxFrame frame;
  frame.universes = 1;
  // Far more than the queue holds in one burst: the writer sleeps between batches.
  for (int i = 0; i < 2000; ++i) capture.offer(i, frame);
  const auto summary = capture.end();
  CHECK(summary.frames + summary.drops == 2000);
  CHECK(summary.frames >= DmxCapture::kQueueFrames);
  CHECK(summary.drops > 0);
  std::filesystem::remove(path);
}

TEST_CASE("dmx capture refuses a file it cannot create") {
  DmxCapture capture;
  CHECK_FALSE(capture.begin("/nonexistent-dir/dmx.bin", 0));  // not attached
  capture.attach(48000.0, 40.0);
  auto r = capture.begin("/nonexistent-dir/dmx.bin", 0);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "io_error");
  CHECK_FALSE(capture.capturing());
}
