// The real ensemble through the real engine, rendered offline in memory (48 kHz,
// 256-frame blocks, planning 0.25 s ahead of each block exactly as `auralis
// render` does), and judged by what a listener would hear: level safety,
// intensity, key, clicks and determinism.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "analysis/loudness_meter.hpp"
#include "analysis/spectral_centroid.hpp"
#include "engine/engine.hpp"
#include "ensemble/ensemble.hpp"
#include "io/offline_renderer.hpp"
#include "music/key.hpp"
#include "music/scale.hpp"

namespace {

using auralis::engine::Engine;
using auralis::ensemble::Ensemble;
using auralis::ensemble::EnsembleParams;
using auralis::music::Channel;
using auralis::music::Key;
using auralis::music::Mode;
using auralis::music::NoteEvent;

constexpr double kRate = 48000.0;
constexpr int kBlock = 256;
constexpr double kLookaheadSeconds = 0.25;

/// Forwards planned notes to the engine and keeps a copy of each (for density
/// and pitch statistics).
class CountingSink final : public auralis::ensemble::NoteSink {
 public:
  explicit CountingSink(Engine& engine) : engine_(engine) {}
  bool push(const NoteEvent& note) override {
    notes.push_back(note);
    if (engine_.postNote(note)) return true;
    ++dropped;
    return false;
  }
  std::vector<NoteEvent> notes;
  std::uint64_t dropped = 0;

 private:
  Engine& engine_;
};

/// A parameter change requested when the playhead reaches `atSeconds`; it takes
/// effect at the ensemble's next bar start, recorded in `effectiveSample`.
struct Change {
  double atSeconds = 0.0;
  EnsembleParams params;
  std::int64_t requestedSample = 0;
  std::int64_t effectiveSample = 0;
};

struct Render {
  std::vector<float> left, right;
  std::vector<NoteEvent> notes;
  std::vector<Change> changes;
  std::uint64_t droppedNotes = 0;
  std::uint64_t tapDrops = 0;
};

Render render(std::uint64_t seed, const EnsembleParams& params, double seconds,
              std::vector<Change> changes = {}, float masterGain = 1.0F) {
  Engine engine;
  engine.prepare(auralis::engine::ensembleEngineConfig(kRate, kBlock));
  if (masterGain != 1.0F)
    engine.postCommand({auralis::engine::CommandType::MasterGain, 0, 0, 0, masterGain});
  // The mix side of the parameters, as the app's postMixParams sends them.
  for (std::size_t i = 0; i < params.agents.size(); ++i) {
    const auto ch = static_cast<std::uint8_t>(i);
    engine.postCommand(
        {auralis::engine::CommandType::ChannelLevel, ch, 0, 0, params.agents[i].level});
    engine.postCommand({auralis::engine::CommandType::ChannelEnabled, ch, 0, 0,
                        params.agents[i].enabled ? 1.0F : 0.0F});
  }
  auralis::ensemble::EnsembleConfig ec;
  ec.sampleRate = kRate;
  ec.seed = seed;
  ec.params = params;
  Ensemble ensemble(ec);
  CountingSink sink(engine);

  Render r;
  const auto total = static_cast<std::size_t>(std::llround(seconds * kRate));
  r.left.reserve(total);
  r.right.reserve(total);
  auto& tap = engine.masterTap();
  tap.setEnabled(true);
  auto drain = [&] {
    while (const auto* b = tap.front()) {
      for (int i = 0; i < b->frames; ++i) {
        r.left.push_back(b->samples[2 * i]);
        r.right.push_back(b->samples[2 * i + 1]);
      }
      tap.pop();
    }
  };
  const auto lookahead = static_cast<std::int64_t>(kLookaheadSeconds * kRate);
  std::size_t next = 0;
  auralis::io::OfflineRenderConfig rc;
  rc.seconds = seconds;
  rc.blockFrames = kBlock;
  auto stats = auralis::io::renderOffline(engine, rc, [&](std::int64_t blockStart, int frames) {
    drain();
    if (next < changes.size() &&
        static_cast<double>(blockStart) >= changes[next].atSeconds * kRate) {
      ensemble.setParams(changes[next].params);
      changes[next].requestedSample = blockStart;
      changes[next].effectiveSample = ensemble.nextBarSample();
      ++next;
    }
    ensemble.planUntil(blockStart + frames + lookahead, sink);
  });
  REQUIRE(stats);
  drain();
  REQUIRE(r.left.size() == total);
  r.notes = std::move(sink.notes);
  r.changes = std::move(changes);
  r.droppedNotes = sink.dropped + engine.metrics().droppedNotes.load();
  r.tapDrops = tap.drops();
  return r;
}

EnsembleParams paramsWith(double intensity, Key key = Key{2, Mode::NaturalMinor},
                          double bpm = 90.0) {
  EnsembleParams p;
  p.intensity = intensity;
  p.key = key;
  p.bpm = bpm;
  return p;
}

// The 10-minute render with a change of each kind (and then all at once) every
// two minutes; shared by the safety and the click checks.
Render longRenderWithChanges() {
  const Key dMinor{2, Mode::NaturalMinor}, aMajor{9, Mode::Major}, fDorian{5, Mode::Dorian};
  std::vector<Change> changes = {
      {120.0, paramsWith(1.0, dMinor, 90.0)},   // intensity 0.5 -> 1.0
      {240.0, paramsWith(1.0, aMajor, 90.0)},   // key
      {360.0, paramsWith(1.0, aMajor, 140.0)},  // tempo
      {480.0, paramsWith(0.3, fDorian, 70.0)},  // everything at once
  };
  return render(1, paramsWith(0.5, dMinor, 90.0), 600.0, changes);
}

std::vector<float> mono(const Render& r) {
  std::vector<float> m(r.left.size());
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = 0.5F * (r.left[i] + r.right[i]);
  return m;
}

double integratedLufs(const Render& r) {
  auralis::analysis::LoudnessMeter meter(kRate, 2);
  std::vector<float> interleaved(2 * r.left.size());
  for (std::size_t i = 0; i < r.left.size(); ++i) {
    interleaved[2 * i] = r.left[i];
    interleaved[2 * i + 1] = r.right[i];
  }
  meter.addInterleaved(interleaved.data(), r.left.size());
  return meter.integratedLufs();
}

std::size_t pitchedNotes(const Render& r, std::int64_t from, std::int64_t to) {
  return static_cast<std::size_t>(
      std::count_if(r.notes.begin(), r.notes.end(), [&](const NoteEvent& n) {
        return n.channel != Channel::Percussion && n.startSample >= from && n.startSample < to;
      }));
}

}  // namespace

TEST_CASE("ten minutes stay under the limiter ceiling, finite and free of DC") {
  const Render r = longRenderWithChanges();
  CHECK(r.droppedNotes == 0);
  CHECK(r.tapDrops == 0);
  const float ceiling = static_cast<float>(std::pow(10.0, -1.0 / 20.0));
  double sumL = 0.0, sumR = 0.0, sumSq = 0.0;
  float peak = 0.0F;
  std::size_t nonFinite = 0;
  for (std::size_t i = 0; i < r.left.size(); ++i) {
    const float l = r.left[i], rr = r.right[i];
    if (!std::isfinite(l) || !std::isfinite(rr)) {
      ++nonFinite;
      continue;
    }
    peak = std::max({peak, std::abs(l), std::abs(rr)});
    sumL += static_cast<double>(l);
    sumR += static_cast<double>(rr);
    sumSq += static_cast<double>(l * l + rr * rr);
  }
  const auto n = static_cast<double>(r.left.size());
  const double rms = std::sqrt(sumSq / (2.0 * n));
  MESSAGE("peak ", 20.0 * std::log10(static_cast<double>(peak)), " dBFS, mean L ", sumL / n, " R ",
          sumR / n, ", rms ", 20.0 * std::log10(rms), " dBFS");
  CHECK(nonFinite == 0);
  // The look-ahead limiter must hold its -1 dBFS ceiling on every sample (a
  // float rounding's worth of slack, nothing more).
  CHECK(peak <= ceiling * (1.0F + 1e-6F));
  // The music is audible, and its mean is far below it: DC below -60 dBFS,
  // where the master DC blocker should keep it.
  CHECK(rms > 0.01);
  CHECK(std::abs(sumL / n) < 1e-3);
  CHECK(std::abs(sumR / n) < 1e-3);
}

TEST_CASE("the limiter holds -1 dBFS when the mix is driven 12 dB into it") {
  // At unity gain the mix peaks a few dB below the ceiling, so the check above
  // barely touches the limiter; here it must work on every loud hit.
  const Render r = render(2, paramsWith(1.0), 120.0, {}, 4.0F);
  const float ceiling = static_cast<float>(std::pow(10.0, -1.0 / 20.0));
  float peak = 0.0F;
  std::size_t nonFinite = 0, nearCeiling = 0;
  for (std::size_t i = 0; i < r.left.size(); ++i) {
    for (float v : {r.left[i], r.right[i]}) {
      if (!std::isfinite(v)) ++nonFinite;
      peak = std::max(peak, std::abs(v));
      if (std::abs(v) > 0.9F * ceiling) ++nearCeiling;
    }
  }
  MESSAGE("driven peak ", 20.0 * std::log10(static_cast<double>(peak)), " dBFS, ", nearCeiling,
          " samples within 1 dB of the ceiling");
  CHECK(nonFinite == 0);
  CHECK(peak <= ceiling * (1.0F + 1e-6F));
  CHECK(nearCeiling > 100);  // the limiter was really engaged
}

TEST_CASE("intensity 0.1 and 0.9 differ in note density, loudness and brightness") {
  constexpr double kSeconds = 120.0;
  const Render low = render(3, paramsWith(0.1), kSeconds);
  const Render high = render(3, paramsWith(0.9), kSeconds);
  const double densityLow = static_cast<double>(low.notes.size()) / kSeconds;
  const double densityHigh = static_cast<double>(high.notes.size()) / kSeconds;
  const double lufsLow = integratedLufs(low), lufsHigh = integratedLufs(high);
  const double centroidLow = auralis::analysis::meanSpectralCentroid(mono(low), kRate);
  const double centroidHigh = auralis::analysis::meanSpectralCentroid(mono(high), kRate);
  MESSAGE("notes/s ", densityLow, " -> ", densityHigh, ", LUFS ", lufsLow, " -> ", lufsHigh,
          ", centroid Hz ", centroidLow, " -> ", centroidHigh);
  // "Measurably" means beyond what a listener could miss: a third more notes,
  // 2 LU louder (twice the ~1 LU just-noticeable loudness step), and a
  // centroid 10% higher (brighter: more hats, more open filters).
  CHECK(densityHigh > 1.33 * densityLow);
  CHECK(lufsHigh > lufsLow + 2.0);
  CHECK(centroidHigh > 1.10 * centroidLow);
}

TEST_CASE("a key change moves the pitch-class histogram to the new key") {
  // D minor and F# major share only F/E# and Bb/A#, so the move is unmistakable.
  const Key dMinor{2, Mode::NaturalMinor}, fSharpMajor{6, Mode::Major};
  const Render r =
      render(5, paramsWith(0.6, dMinor), 120.0, {{60.0, paramsWith(0.6, fSharpMajor)}});
  REQUIRE(r.changes.size() == 1);
  const std::int64_t boundary = r.changes[0].effectiveSample;
  REQUIRE(boundary >= r.changes[0].requestedSample);
  // Humanized timing may move a note a little either side of the bar line, so
  // leave half a second of margin on each side of it.
  const auto margin = static_cast<std::int64_t>(0.5 * kRate);
  std::array<int, 12> before{}, after{};
  for (const NoteEvent& n : r.notes) {
    if (n.channel == Channel::Percussion) continue;
    if (n.startSample < boundary - margin) ++before[n.pitch % 12];
    if (n.startSample >= boundary + margin) ++after[n.pitch % 12];
  }
  auto inKeyShare = [](const std::array<int, 12>& hist, const Key& key) {
    int in = 0, all = 0;
    for (int pc = 0; pc < 12; ++pc) {
      all += hist[static_cast<std::size_t>(pc)];
      if (auralis::music::inScale(key, pc)) in += hist[static_cast<std::size_t>(pc)];
    }
    return all > 0 ? static_cast<double>(in) / all : 0.0;
  };
  const double oldBefore = inKeyShare(before, dMinor), newBefore = inKeyShare(before, fSharpMajor);
  const double oldAfter = inKeyShare(after, dMinor), newAfter = inKeyShare(after, fSharpMajor);
  MESSAGE("in D minor / F# major: before ", oldBefore, " / ", newBefore, ", after ", oldAfter,
          " / ", newAfter);
  CHECK(pitchedNotes(r, 0, boundary - margin) > 100);
  CHECK(pitchedNotes(r, boundary + margin, static_cast<std::int64_t>(120.0 * kRate)) > 100);
  // Melody and bass stay in the scale except marked passing notes, and chords
  // are diatonic, so nearly every pitched note belongs to the key in force.
  CHECK(oldBefore > 0.9);
  CHECK(newAfter > 0.9);
  // And the old key is gone: only its two shared pitch classes remain.
  CHECK(oldAfter < 0.5);
  // The most frequent pitch class after the change is a note of F# major.
  const auto top = std::max_element(after.begin(), after.end()) - after.begin();
  CHECK(auralis::music::inScale(fSharpMajor, static_cast<int>(top)));
}

TEST_CASE("no click at a tempo, key or intensity change") {
  // Rule: a click is a discontinuity, i.e. a sample-to-sample step larger than
  // the music's own. For each change we take the window from the request to
  // 2 s after the bar where it lands (the change and every voice it starts or
  // releases) and require its largest |x[n] - x[n-1]| to be no larger than
  // 1.1 x the largest step anywhere else in the ten minutes (kicks, hats and
  // plucks included), i.e. away from changes. Both sides are maxima over
  // similar material, so a real glitch (a step to or from a cut voice, a jump
  // in a filter or gain) shows up as an outlier while ordinary transients do
  // not. The 99.9th percentile is printed alongside to show the scale.
  const Render r = longRenderWithChanges();
  REQUIRE(r.changes.size() == 4);
  const std::size_t n = r.left.size();
  std::vector<float> step(n, 0.0F);
  for (std::size_t i = 1; i < n; ++i)
    step[i] = std::max(std::abs(r.left[i] - r.left[i - 1]), std::abs(r.right[i] - r.right[i - 1]));
  std::vector<bool> nearChange(n, false);
  std::vector<std::pair<std::size_t, std::size_t>> windows;
  for (const Change& c : r.changes) {
    const auto from = static_cast<std::size_t>(c.requestedSample);
    const auto to = std::min(
        n, static_cast<std::size_t>(c.effectiveSample) + static_cast<std::size_t>(2 * kRate));
    windows.emplace_back(from, to);
    for (std::size_t i = from; i < to; ++i) nearChange[i] = true;
  }
  float elsewhere = 0.0F;
  for (std::size_t i = 1; i < n; ++i)
    if (!nearChange[i]) elsewhere = std::max(elsewhere, step[i]);
  auto sorted = step;
  const auto p999 = sorted.begin() + static_cast<std::ptrdiff_t>(0.999 * static_cast<double>(n));
  std::nth_element(sorted.begin(), p999, sorted.end());
  MESSAGE("largest step away from changes ", elsewhere, ", 99.9th percentile ", *p999);
  REQUIRE(elsewhere > 0.0F);
  for (std::size_t w = 0; w < windows.size(); ++w) {
    const float local =
        *std::max_element(step.begin() + static_cast<std::ptrdiff_t>(windows[w].first),
                          step.begin() + static_cast<std::ptrdiff_t>(windows[w].second));
    CAPTURE(w);
    CAPTURE(local);
    CHECK(local <= 1.1F * elsewhere);
  }
}

TEST_CASE("the same seed renders bit-identical audio, another seed does not") {
  const Render a = render(11, paramsWith(0.7), 60.0);
  const Render b = render(11, paramsWith(0.7), 60.0);
  const Render c = render(12, paramsWith(0.7), 60.0);
  REQUIRE(a.left.size() == b.left.size());
  CHECK(std::memcmp(a.left.data(), b.left.data(), a.left.size() * sizeof(float)) == 0);
  CHECK(std::memcmp(a.right.data(), b.right.data(), a.right.size() * sizeof(float)) == 0);
  CHECK(a.notes.size() == b.notes.size());
  // Different music, not just a different dither: most samples differ.
  std::size_t differing = 0;
  for (std::size_t i = 0; i < a.left.size(); ++i) differing += a.left[i] != c.left[i] ? 1U : 0U;
  CHECK(differing > a.left.size() / 2);
}
