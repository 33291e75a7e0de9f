// SourcePlayer: fades, crossfade, underrun -> silence (counted), end of stream,
// stale starts, and the engine applying playback commands.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/engine.hpp"
#include "engine/source_player.hpp"

namespace auralis::engine {

namespace {

constexpr double kRate = 48000.0;
constexpr int kBlock = 256;

// Writes `frames` constant frames (value v on both channels) into the ring.
void feed(PlaybackRing& ring, std::size_t frames, float v) {
  std::vector<float> buf(2 * frames, v);
  REQUIRE(ring.write(buf.data(), frames) == frames);
}

struct Out {
  std::vector<float> left, right;
};

Out renderBlocks(SourcePlayer& p, int blocks) {
  Out o;
  std::vector<float> l(kBlock), r(kBlock);
  for (int b = 0; b < blocks; ++b) {
    std::fill(l.begin(), l.end(), 0.0F);
    std::fill(r.begin(), r.end(), 0.0F);
    p.render(l.data(), r.data(), kBlock);
    o.left.insert(o.left.end(), l.begin(), l.end());
    o.right.insert(o.right.end(), r.begin(), r.end());
  }
  return o;
}

float maxStep(const std::vector<float>& x) {
  float m = 0.0F;
  for (std::size_t i = 1; i < x.size(); ++i) m = std::max(m, std::fabs(x[i] - x[i - 1]));
  return m;
}

}  // namespace

TEST_CASE("source player: a start fades in and a stop fades out to silence, then frees the slot") {
  SourcePlayer p;
  p.prepare(kRate, kBlock, 1.0);
  const auto gen = p.arm(0, 1.0F);
  feed(p.ring(0), 20000, 0.5F);
  p.start(0, gen, 0.01F);  // 480 frames
  auto o = renderBlocks(p, 4);
  CHECK(o.left[0] < 0.01F);                        // starts near zero
  CHECK(o.left[600] == doctest::Approx(0.5));     // fully in after the fade
  CHECK(maxStep(o.left) < 0.5F / 480.0F * 1.01F);  // a ramp, never a step
  p.stop(0.01F);
  auto s = renderBlocks(p, 4);
  CHECK(s.left[0] > 0.49F);
  CHECK(maxStep(s.left) < 0.5F / 480.0F * 1.01F);
  CHECK(s.left.back() == 0.0F);
  CHECK_FALSE(p.busy(0));  // faded out: the worker may reuse it
  CHECK(p.underruns() == 0);
}

TEST_CASE("source player: a crossfade keeps the sum of two equal streams steady") {
  SourcePlayer p;
  p.prepare(kRate, kBlock, 1.0);
  const auto a = p.arm(0, 1.0F);
  feed(p.ring(0), 40000, 0.25F);
  p.start(0, a, 0.005F);
  renderBlocks(p, 4);
  const auto b = p.arm(1, 1.0F);
  feed(p.ring(1), 40000, 0.25F);
  p.start(1, b, 0.1F);  // 4800 frames of crossfade
  auto o = renderBlocks(p, 30);
  for (std::size_t i = 0; i < o.left.size(); i += 97)
    CHECK(o.left[i] == doctest::Approx(0.25).epsilon(0.01));
  CHECK_FALSE(p.busy(0));  // the old stream faded out
  CHECK(p.busy(1));
}

TEST_CASE("source player: an underrun fades to silence, is counted, and recovers without a step") {
  SourcePlayer p;
  p.prepare(kRate, kBlock, 1.0);
  const auto g = p.arm(0, 1.0F);
  feed(p.ring(0), 1000, 0.5F);
  p.start(0, g, 0.005F);
  auto o = renderBlocks(p, 8);  // 2048 frames wanted, 1000 there
  CHECK(p.underruns() > 0);
  CHECK(p.underrunFrames() >= 1048);
  CHECK(o.left[1500] == 0.0F);
  CHECK(o.left.back() == 0.0F);
  CHECK(maxStep(o.left) < 0.05F);  // faded, not cut
  feed(p.ring(0), 20000, 0.5F);
  auto back = renderBlocks(p, 4);
  CHECK(back.left.back() == doctest::Approx(0.5));
  CHECK(maxStep(back.left) < 0.05F);
  CHECK(p.busy(0));  // an underrun does not end the stream
}

TEST_CASE("source player: a stream the worker marked ended plays out and frees its slot") {
  SourcePlayer p;
  p.prepare(kRate, kBlock, 1.0);
  const auto g = p.arm(2, 2.0F);  // the source's own (normalisation) gain applies
  feed(p.ring(2), 600, 0.25F);
  p.ring(2).markEnded();
  p.start(2, g, 0.001F);
  auto o = renderBlocks(p, 4);
  CHECK(o.left[300] == doctest::Approx(0.5));
  CHECK(o.left[700] == 0.0F);
  CHECK(p.underruns() == 0);  // the end of a file is not an underrun
  CHECK_FALSE(p.busy(2));
}

TEST_CASE("source player: a start with a stale generation is ignored") {
  SourcePlayer p;
  p.prepare(kRate, kBlock, 1.0);
  const auto g = p.arm(0, 1.0F);
  feed(p.ring(0), 4000, 0.5F);
  p.start(0, static_cast<std::uint16_t>(g + 1), 0.005F);
  auto o = renderBlocks(p, 2);
  CHECK(*std::max_element(o.left.begin(), o.left.end()) == 0.0F);
  CHECK(p.staleStarts() == 1);
  CHECK(p.ring(0).consumed() == 0);
}

TEST_CASE("source player: the level is smoothed") {
  SourcePlayer p;
  p.prepare(kRate, kBlock, 1.0);
  const auto g = p.arm(0, 1.0F);
  feed(p.ring(0), 40000, 0.5F);
  p.start(0, g, 0.005F);
  renderBlocks(p, 2);
  p.setGain(0.0F);
  auto o = renderBlocks(p, 8);  // 20 ms ramp = 960 frames
  CHECK(o.left[0] > 0.45F);
  CHECK(maxStep(o.left) < 0.5F / 960.0F * 1.05F);
  CHECK(o.left.back() == 0.0F);
}

TEST_CASE("engine: playback commands reach the player and the source is mixed into the output") {
  Engine e;
  EngineConfig c;  // no instruments: only the player sounds
  c.sampleRate = kRate;
  c.maxBlockFrames = kBlock;
  e.prepare(c);
  auto& p = e.sourcePlayer();
  const auto g = p.arm(1, 1.0F);
  std::vector<float> tone(2 * 48000);
  for (std::size_t i = 0; i < 48000; ++i)
    tone[2 * i] = tone[2 * i + 1] =
        0.3F * static_cast<float>(std::sin(2.0 * M_PI * 440.0 * i / kRate));
  REQUIRE(p.ring(1).write(tone.data(), 48000) == 48000);
  REQUIRE(e.postCommand(SourcePlayer::gainCommand(0.5F)));
  REQUIRE(e.postCommand(SourcePlayer::startCommand(1, g, 0.01F)));
  std::vector<float> l(kBlock), r(kBlock);
  float* out[2] = {l.data(), r.data()};
  float peak = 0.0F;
  for (int b = 0; b < 100; ++b) {
    e.process(nullptr, 0, out, kBlock);
    if (b > 20)
      for (float v : l) peak = std::max(peak, std::fabs(v));
  }
  CHECK(peak == doctest::Approx(0.15).epsilon(0.05));  // 0.3 x gain 0.5
  CHECK(p.ring(1).consumed() == 100 * kBlock);
  REQUIRE(e.postCommand(SourcePlayer::stopCommand(0.02F)));
  for (int b = 0; b < 20; ++b) e.process(nullptr, 0, out, kBlock);
  CHECK(std::fabs(l.back()) < 1e-6F);
  CHECK_FALSE(p.busy(1));
}

}  // namespace auralis::engine
