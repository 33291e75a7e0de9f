#include "ensemble/harmony_agent.hpp"

#include <cstdlib>
#include <limits>

#include "music/pitch.hpp"
#include "music/progression.hpp"
#include "music/scale.hpp"

namespace auralis::ensemble {
namespace {

constexpr int kPadLow = 48;
constexpr int kPadHigh = 76;

bool allInHarmonyScale(const music::Key& key, const music::Chord& chord) {
  const auto scale = music::harmonyScale(key);
  for (int i : music::chordIntervals(chord.type)) {
    const int pc = music::pitchClass(chord.root + i);
    bool found = false;
    for (int s : scale) found = found || s == pc;
    if (!found) return false;
  }
  return true;
}

}  // namespace

HarmonyAgent::HarmonyAgent(std::uint64_t seed) : rng_(seed, 11) {}

int HarmonyAgent::pickDegree(const music::Key& key, int from, double intensity, int boostDegree) {
  auto weights = music::nextDegreeWeights(key, from, intensity);
  if (boostDegree >= 0) weights[static_cast<std::size_t>(boostDegree)] *= 4.0;
  const int d = music::chooseWeighted(weights, rng_.uniform());
  return d < 0 ? 0 : d;
}

ChordSpan HarmonyAgent::makeSpan(const music::Key& key, int degree, double intensity) {
  // Sevenths and colour tones add tension as intensity rises.
  const bool seventh = rng_.chance(0.15 + 0.55 * intensity);
  music::Chord chord = music::diatonicChord(key, degree, seventh);
  if (!seventh && rng_.chance(0.15)) {
    static constexpr std::array<music::ChordType, 4> kColours = {
        music::ChordType::Sus4, music::ChordType::Sus2, music::ChordType::Add9,
        music::ChordType::Major6};
    const music::ChordType colour = kColours[static_cast<std::size_t>(rng_.range(0, 3))];
    music::Chord coloured{chord.root, colour};
    if (chord.type == music::ChordType::Minor && colour == music::ChordType::Major6) {
      coloured.type = music::ChordType::Minor6;
    }
    // Add9 and 6 keep the triad's third; only colour chords the scale allows.
    const bool keepsQuality =
        chord.type == music::ChordType::Major || colour == music::ChordType::Sus2 ||
        colour == music::ChordType::Sus4 || coloured.type == music::ChordType::Minor6;
    if (keepsQuality && allInHarmonyScale(key, coloured)) chord = coloured;
  }
  ChordSpan span;
  span.chord = chord;
  span.degree = degree;
  return span;
}

void HarmonyAgent::chooseChords(BarContext& ctx) {
  const double intensity = ctx.intensity;
  ChordSpan first = havePending_ ? pending_ : makeSpan(ctx.key, 0, intensity);
  if (!havePending_) first.changed = true;
  first.beat = 0.0;
  first.beats = music::kBeatsPerBar;
  barsOnChord_ = first.changed ? 1 : barsOnChord_ + 1;
  ctx.chords[0] = first;
  ctx.chordCount = 1;

  const bool lastBarOfSection = ctx.barInSection + 1 >= ctx.section.lengthBars;
  // Faster harmonic rhythm at high intensity: a second chord on beat 3.
  if (intensity > 0.65 && rng_.chance((intensity - 0.65) * 2.5)) {
    const int boost = lastBarOfSection ? 4 : -1;
    ChordSpan second =
        makeSpan(ctx.key, pickDegree(ctx.key, first.degree, intensity, boost), intensity);
    second.beat = 2.0;
    second.beats = 2.0;
    second.changed = second.chord != first.chord;
    ctx.chords[0].beats = 2.0;
    ctx.chords[1] = second;
    ctx.chordCount = 2;
  }

  // Decide the next bar's first chord now, so bass and melody can lead into it.
  const ChordSpan& last = ctx.chords[static_cast<std::size_t>(ctx.chordCount - 1)];
  const bool hold = intensity < 0.3 && barsOnChord_ < 2 && ctx.chordCount == 1 && !lastBarOfSection;
  if (hold) {
    pending_ = last;
    pending_.changed = false;
  } else {
    // A new section most often opens on the tonic; the bar before it leans on V.
    const bool penultimate = ctx.barInSection + 2 == ctx.section.lengthBars;
    const int boost = lastBarOfSection ? 0 : (penultimate ? 4 : -1);
    pending_ = makeSpan(ctx.key, pickDegree(ctx.key, last.degree, intensity, boost), intensity);
    pending_.changed = true;
  }
  havePending_ = true;
  ctx.nextChord = pending_.chord;
}

void HarmonyAgent::voice(const BarContext& ctx, const music::Chord& chord) {
  const int voices = std::clamp(ctx.section.padVoices, 3, 5);
  const auto intervals = music::chordIntervals(chord.type);
  const int root = music::pitchClass(chord.root);
  const int third = music::pitchClass(chord.root + intervals[1]);
  const int top = intervals.size() > 3 ? music::pitchClass(chord.root + intervals[3]) : -1;
  const int centre = 62 + ctx.section.registerShift;

  std::array<int, 32> candidates{};
  int count = 0;
  for (int p = kPadLow; p <= kPadHigh && count < 32; ++p) {
    if (music::chordContains(chord, p)) candidates[static_cast<std::size_t>(count++)] = p;
  }
  double bestCost = std::numeric_limits<double>::max();
  std::array<int, 5> best{};
  std::array<int, 5> pick{};
  // Enumerate increasing index tuples (C(n, voices) <= C(12, 5) = 792).
  std::array<int, 5> idx{};
  for (int i = 0; i < voices; ++i) idx[static_cast<std::size_t>(i)] = i;
  while (true) {
    bool ok = true;
    bool hasRoot = false, hasThird = false, hasTop = top < 0;
    double mean = 0.0;
    for (int i = 0; i < voices; ++i) {
      const int p = candidates[static_cast<std::size_t>(idx[static_cast<std::size_t>(i)])];
      pick[static_cast<std::size_t>(i)] = p;
      const int pc = music::pitchClass(p);
      hasRoot = hasRoot || pc == root;
      hasThird = hasThird || pc == third;
      hasTop = hasTop || pc == top;
      mean += p;
      if (i > 0) {
        const int gap = p - pick[static_cast<std::size_t>(i - 1)];
        // No semitone clusters; inner voices within a sixth, bass gap an octave.
        if (gap < 2 || gap > (i == 1 ? 12 : 9)) ok = false;
      }
    }
    if (ok && hasRoot && hasThird && hasTop) {
      mean /= voices;
      double cost = 0.35 * std::abs(mean - centre);
      if (voiceCount_ == voices) {
        for (int i = 0; i < voices; ++i) {
          cost +=
              std::abs(pick[static_cast<std::size_t>(i)] - voicing_[static_cast<std::size_t>(i)]);
        }
      } else if (voiceCount_ > 0) {
        for (int i = 0; i < voices; ++i) {
          int nearest = 127;
          for (int j = 0; j < voiceCount_; ++j) {
            nearest = std::min(nearest, std::abs(pick[static_cast<std::size_t>(i)] -
                                                 voicing_[static_cast<std::size_t>(j)]));
          }
          cost += nearest;
        }
      }
      if (cost < bestCost) {
        bestCost = cost;
        best = pick;
      }
    }
    // Next combination.
    int k = voices - 1;
    while (k >= 0 && idx[static_cast<std::size_t>(k)] == count - voices + k) --k;
    if (k < 0) break;
    ++idx[static_cast<std::size_t>(k)];
    for (int i = k + 1; i < voices; ++i) {
      idx[static_cast<std::size_t>(i)] = idx[static_cast<std::size_t>(i - 1)] + 1;
    }
  }
  if (bestCost == std::numeric_limits<double>::max()) {
    // No voicing met the spacing rules (cannot happen for the chord table, but a
    // close-position triad is always possible).
    best = {};
    const int base = kPadLow + music::pitchClass(root - kPadLow) + 12;
    for (int i = 0; i < 3; ++i)
      best[static_cast<std::size_t>(i)] = base + intervals[static_cast<std::size_t>(i)];
    voiceCount_ = 3;
  } else {
    voiceCount_ = voices;
  }
  voicing_ = best;
}

void HarmonyAgent::plan(const BarContext& ctx, music::InstrumentKind kind, float level,
                        NoteList& out) {
  const bool sustained =
      kind == music::InstrumentKind::Pad || kind == music::InstrumentKind::GeneralMidi;
  for (int s = 0; s < ctx.chordCount; ++s) {
    const ChordSpan& span = ctx.chords[static_cast<std::size_t>(s)];
    voice(ctx, span.chord);
    // Hits: a pad holds the chord legato across its span (a little overlap so
    // the next chord crossfades); keys and bells comp more as intensity rises.
    std::array<double, 8> hits{};
    int hitCount = 0;
    hits[static_cast<std::size_t>(hitCount++)] = 0.0;
    if (!sustained) {
      for (double b = 1.0; b < span.beats; b += 0.5) {
        const bool onBeat = b == std::floor(b);
        const double p = (onBeat ? 0.6 : 0.35) * ctx.intensity * ctx.section.density;
        if (hitCount < 8 && rng_.chance(p)) hits[static_cast<std::size_t>(hitCount++)] = b;
      }
    }
    for (int h = 0; h < hitCount; ++h) {
      const double at = hits[static_cast<std::size_t>(h)];
      const double until = h + 1 < hitCount ? hits[static_cast<std::size_t>(h + 1)] : span.beats;
      const double beats = sustained ? span.beats + 0.1 : std::max(0.3, (until - at) * 0.85);
      const double velocity =
          (sustained ? 0.35 + 0.25 * ctx.intensity : 0.45 + 0.3 * ctx.intensity) *
          (at == 0.0 ? 1.0 : 0.8);
      for (int v = 0; v < voiceCount_; ++v) {
        PlannedNote n;
        n.note.startSample = ctx.sampleAt(span.beat + at, sustained ? 0.0 : rng_.uniform(0, 6));
        n.note.lengthSamples = ctx.samplesFor(beats);
        n.note.channel = music::Channel::Harmony;
        n.note.instrument = kind;
        n.note.program = kind == music::InstrumentKind::GeneralMidi ? kGmProgram : 0;
        n.note.pitch = static_cast<std::uint8_t>(voicing_[static_cast<std::size_t>(v)]);
        n.note.velocity =
            static_cast<float>(std::clamp(velocity * (0.95 + 0.1 * rng_.uniform()), 0.05, 1.0)) *
            level;
        n.note.pan = static_cast<float>(-0.4 + 0.8 * v / std::max(1, voiceCount_ - 1));
        n.beat = span.beat + at;
        n.chord = span.chord;
        out.push_back(n);
      }
    }
  }
}

}  // namespace auralis::ensemble
