// The low-latency path inside the engine: an input click at a known sample,
// the audio-thread onset detector, and the answer on the Response channel,
// measured in sample positions.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "dsp/onset_detector.hpp"
#include "engine/engine.hpp"

using auralis::engine::CommandType;
using auralis::engine::Engine;
using auralis::engine::EngineConfig;

namespace {

constexpr double kRate = 48000.0;
constexpr int kBlock = 64;

EngineConfig responseConfig(bool respond) {
  auto c = auralis::engine::testToneConfig(kRate, kBlock);
  c.instruments.emplace_back(auralis::music::Channel::Response,
                             auralis::music::InstrumentKind::Snare);
  c.respondToOnsets = respond;
  return c;
}

/// Where a fresh detector fires in `x` (mono), scanned in kBlock blocks.
std::vector<std::size_t> onsetsIn(const std::vector<float>& x) {
  auralis::dsp::OnsetDetector d;
  d.prepare(kRate);
  std::vector<std::size_t> at;
  for (std::size_t start = 0; start + kBlock <= x.size(); start += kBlock) {
    const int o = d.process(x.data() + start, nullptr, kBlock);
    if (o >= 0) at.push_back(start + static_cast<std::size_t>(o));
  }
  return at;
}

/// White noise in [-amplitude/2, amplitude/2), the same for the same seed.
float noise(std::uint32_t& seed, float amplitude) {
  seed = seed * 1664525U + 1013904223U;
  return amplitude * (static_cast<float>(seed >> 8) / 16777216.0F - 0.5F);
}

/// Renders `total` frames with `input` (mono, both channels) as live input;
/// returns the left output.
std::vector<float> run(Engine& e, const std::vector<float>& input) {
  std::vector<float> out(input.size(), 0.0F), right(kBlock);
  for (std::size_t at = 0; at < input.size(); at += kBlock) {
    const float* in[2] = {input.data() + at, input.data() + at};
    float* o[2] = {out.data() + at, right.data()};
    e.process(in, 2, o, kBlock);
  }
  return out;
}

std::int64_t firstAbove(const std::vector<float>& x, float level) {
  for (std::size_t i = 0; i < x.size(); ++i)
    if (std::abs(x[i]) > level) return static_cast<std::int64_t>(i);
  return -1;
}

/// A click at `at` (a few samples of a decaying burst) over faint noise.
std::vector<float> clickAt(std::size_t total, std::size_t at) {
  std::vector<float> x(total);
  std::uint32_t seed = 1;
  for (auto& v : x) v = noise(seed, 1e-4F);
  for (std::size_t k = 0; k < 8; ++k)
    x[at + k] += (k % 2 == 0 ? 0.6F : -0.6F) / static_cast<float>(1 + k);
  return x;
}

}  // namespace

TEST_CASE("an input click is answered within one block plus the detector's window") {
  for (const std::size_t click :
       {std::size_t{4800}, std::size_t{4801 + 37}, std::size_t{9600 + 63}}) {
    CAPTURE(click);
    Engine e;
    e.prepare(responseConfig(true));
    const auto out = run(e, clickAt(24000, click));
    const std::int64_t answer = firstAbove(out, 1e-5F);
    REQUIRE(answer >= 0);
    const auto added = answer - static_cast<std::int64_t>(click);
    MESSAGE("click at ", click, ", answer at ", answer, ": ", added, " samples");
    CHECK(added >= 0);
    CHECK(added <= kBlock + Engine::onsetWindowFrames());
    CHECK(e.metrics().inputOnsets.load() == 1);
    CHECK(e.metrics().responsesStarted.load() == 1);
    // The engine's own measurement agrees with what the output shows (the
    // detector fires a sample or two into the click).
    const auto measured = e.metrics().responseLatency.last();
    CHECK(measured >= e.latencyFrames());
    CHECK(measured <= added);
  }
}

TEST_CASE("with responding off an onset is counted but nothing answers, until it is switched on") {
  Engine e;
  e.prepare(responseConfig(false));
  auto out = run(e, clickAt(9600, 4800));
  CHECK(e.metrics().inputOnsets.load() == 1);
  CHECK(e.metrics().responsesStarted.load() == 0);
  CHECK(firstAbove(out, 1e-5F) == -1);
  e.postCommand({CommandType::RespondToOnsets, 0, 0, 0, 1.0F});
  out = run(e, clickAt(9600, 4800));
  CHECK(e.metrics().responsesStarted.load() == 1);
  CHECK(firstAbove(out, 1e-5F) >= 4800);
}

TEST_CASE(
    "steady noise and a slow swell do not fire, and a refractory time keeps one hit one onset") {
  // Noise from the very first sample (learnt as the background), growing with the swell.
  std::vector<float> x(48000);
  std::uint32_t seed = 7;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const float swell = 0.3F * static_cast<float>(i) / static_cast<float>(x.size());
    x[i] = noise(seed, 0.05F) * (1.0F + 4.0F * swell) +
           swell * std::sin(0.01F * static_cast<float>(i));
  }
  CHECK(onsetsIn(x).empty());
  // A hit that rings for 20 ms, after 10 ms of silence, fires once. (A sound already
  // there at reset() is learnt as the background instead: see the case below.)
  std::vector<float> hit(4800, 0.0F);
  for (std::size_t i = 0; i < 960; ++i)
    hit[480 + i] = 0.8F * std::exp(-static_cast<float>(i) / 200.0F) * (i % 2 == 0 ? 1.0F : -1.0F);
  CHECK(onsetsIn(hit).size() == 1);
}

namespace {
/// A source that plays a click once, then silence, as a file input would.
class ClickSource final : public auralis::engine::InputSource {
 public:
  explicit ClickSource(std::int64_t at) : at_(at) {}
  void read(float* left, float* right, int frames) noexcept override {
    for (int i = 0; i < frames; ++i) {
      const std::int64_t k = pos_ + i - at_;
      left[i] = right[i] = (k >= 0 && k < 4) ? 0.5F : 0.0F;
    }
    pos_ += frames;
  }

 private:
  std::int64_t at_;
  std::int64_t pos_ = 0;
};
}  // namespace

TEST_CASE("a pulled input source (a file played as if live) feeds the detector and the input tap") {
  Engine e;
  e.prepare(responseConfig(true));
  ClickSource source(3000);
  e.setInputSource(&source);
  e.inputTap().setEnabled(true);
  std::vector<float> l(kBlock), r(kBlock);
  std::int64_t answer = -1;
  for (int b = 0; b < 100; ++b) {
    float* o[2] = {l.data(), r.data()};
    e.process(nullptr, 0, o, kBlock);
    for (int i = 0; i < kBlock && answer < 0; ++i)
      if (std::abs(l[static_cast<std::size_t>(i)]) > 1e-5F) answer = b * kBlock + i;
  }
  CHECK(e.metrics().responsesStarted.load() == 1);
  CHECK(answer >= 3000);
  CHECK(answer <= 3000 + kBlock + Engine::onsetWindowFrames());
  float inputPeak = 0.0F;
  while (const auto* blk = e.inputTap().front()) {
    for (int i = 0; i < 2 * blk->frames; ++i) inputPeak = std::max(inputPeak, blk->samples[i]);
    e.inputTap().pop();
  }
  CHECK(static_cast<double>(inputPeak) == doctest::Approx(0.5));
}

TEST_CASE("a held sound fires once, not once per refractory time, and the next hit still fires") {
  // 50 ms of silence, then a 3 kHz tone held for 1 s at -12 dBFS, then silence and a click.
  std::vector<float> x(96000, 0.0F);
  for (std::size_t i = 2400; i < 50400; ++i)
    x[i] = 0.25F * std::sin(2.0F * 3.14159265F * 3000.0F * static_cast<float>(i) / 48000.0F);
  for (std::size_t i = 72000; i < 72096; ++i)
    x[i] = 0.8F * std::exp(-static_cast<float>(i - 72000) / 30.0F);
  const auto onsets = onsetsIn(x);
  REQUIRE(onsets.size() == 2);
  CHECK(onsets[0] >= 2400);
  CHECK(onsets[0] < 2400 + 2 * kBlock);  // the tone's attack
  CHECK(onsets[1] >= 72000);
  CHECK(onsets[1] < 72000 + 2 * kBlock);  // the click
}

TEST_CASE("noise already there at reset is learnt as the background, and a hit over it fires") {
  std::vector<float> x(48000);
  std::uint32_t seed = 11;
  for (auto& v : x) v = noise(seed, 0.02F);
  for (std::size_t i = 0; i < 480; ++i)
    x[24000 + i] += 0.8F * std::exp(-static_cast<float>(i) / 100.0F) * (i % 2 == 0 ? 1.0F : -1.0F);
  const auto onsets = onsetsIn(x);
  REQUIRE(onsets.size() == 1);
  CHECK(onsets[0] >= 24000);
  CHECK(onsets[0] < 24000 + 2 * kBlock);
}
