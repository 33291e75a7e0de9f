#include "ensemble/bass_agent.hpp"

#include <algorithm>
#include <cstdlib>

#include "music/pitch.hpp"
#include "music/scale.hpp"

namespace auralis::ensemble {

BassAgent::BassAgent(std::uint64_t seed) : rng_(seed, 22) {}

int BassAgent::rootNear(int pitchClass) const {
  // Nearest to the last note, pulled gently towards E2-ish so the line never
  // drifts to a range edge.
  int best = 40;
  double bestCost = 1e9;
  for (int p = kLow + 3; p <= kHigh - 2; ++p) {
    if (music::pitchClass(p) != pitchClass) continue;
    const double cost = std::abs(p - previous_) + 0.3 * std::abs(p - 40);
    if (cost < bestCost) {
      bestCost = cost;
      best = p;
    }
  }
  return best;
}

void BassAgent::plan(const BarContext& ctx, music::InstrumentKind kind, float level,
                     NoteList& out) {
  const double energy = ctx.intensity * ctx.section.density;
  auto emit = [&](double beat, double beats, int pitch, bool passing, double accent,
                  const ChordSpan& span) {
    PlannedNote n;
    n.note.startSample = ctx.sampleAt(beat, beat == 0.0 ? 0.0 : rng_.uniform(0.0, 4.0));
    n.note.lengthSamples = ctx.samplesFor(beats);
    n.note.channel = music::Channel::Bass;
    n.note.instrument = kind;
    n.note.program = kind == music::InstrumentKind::GeneralMidi ? kGmProgram : 0;
    n.note.pitch = static_cast<std::uint8_t>(std::clamp(pitch, kLow, kHigh));
    const double v = (0.62 + 0.2 * ctx.intensity) * accent * (0.93 + 0.1 * rng_.uniform());
    n.note.velocity = static_cast<float>(std::clamp(v, 0.05, 1.0)) * level;
    n.note.pan = 0.0F;
    n.passing = passing;
    n.beat = beat;
    n.chord = span.chord;
    out.push_back(n);
    previous_ = n.note.pitch;
  };

  for (int s = 0; s < ctx.chordCount; ++s) {
    const ChordSpan& span = ctx.chords[static_cast<std::size_t>(s)];
    const bool lastSpan = s + 1 == ctx.chordCount;
    const int root = rootNear(span.chord.root);
    // The fifth if the chord has one and the key allows it, else the octave.
    int fifth = root + 7;
    if (!music::chordContains(span.chord, fifth)) fifth = root + 6;
    if (!music::chordContains(span.chord, fifth) || !music::inScale(ctx.key, fifth)) {
      fifth = root + 12;
    }
    if (fifth > kHigh) fifth -= 12;
    // A line wants an approach into the next chord only when it changes.
    const int nextRoot = music::pitchClass(
        lastSpan ? ctx.nextChord.root : ctx.chords[static_cast<std::size_t>(s + 1)].chord.root);
    const bool approach =
        nextRoot != music::pitchClass(span.chord.root) && rng_.chance(0.2 + 0.6 * energy);

    if (energy < 0.3) {
      emit(span.beat, span.beats * 0.95, root, false, 1.0, span);
      continue;
    }
    // Positions (beats within the span) of a root-fifth line, denser with energy.
    struct Step {
      double at;
      int pitch;
      double accent;
    };
    std::array<Step, 8> steps{};
    int count = 0;
    steps[static_cast<std::size_t>(count++)] = {0.0, root, 1.0};
    if (energy >= 0.6 && rng_.chance(0.6))
      steps[static_cast<std::size_t>(count++)] = {1.5, root, 0.75};
    if (span.beats >= 4.0) {
      steps[static_cast<std::size_t>(count++)] = {2.0, fifth, 0.85};
      if (energy >= 0.6) {
        const int octave = root + 12 <= kHigh && rng_.chance(0.5) ? root + 12 : root;
        steps[static_cast<std::size_t>(count++)] = {3.0, octave, 0.8};
      }
    } else if (energy >= 0.45) {
      steps[static_cast<std::size_t>(count++)] = {1.0, fifth, 0.8};
    }
    std::sort(steps.begin(), steps.begin() + count,
              [](const Step& x, const Step& y) { return x.at < y.at; });
    const double end = span.beats;
    double approachAt = -1.0;
    if (approach) approachAt = end - (energy >= 0.6 ? 0.5 : 1.0);
    for (int i = 0; i < count; ++i) {
      const Step& st = steps[static_cast<std::size_t>(i)];
      if (approachAt >= 0.0 && st.at >= approachAt) continue;
      double until = i + 1 < count ? steps[static_cast<std::size_t>(i + 1)].at : end;
      if (approachAt >= 0.0) until = std::min(until, approachAt);
      emit(span.beat + st.at, (until - st.at) * 0.9, st.pitch, false, st.accent, span);
    }
    if (approachAt >= 0.0) {
      // Into the next root from a semitone or a scale step away, whichever
      // side is nearer to where the line is.
      int target = previous_;
      for (int d = 0; d < 12; ++d) {
        if (music::pitchClass(previous_ + d) == nextRoot) {
          target = previous_ + d;
          break;
        }
        if (music::pitchClass(previous_ - d) == nextRoot) {
          target = previous_ - d;
          break;
        }
      }
      if (target < kLow + 1) target += 12;
      if (target > kHigh - 1) target -= 12;
      const bool fromBelow = target >= previous_;
      const int note = rng_.chance(0.5) ? target + (fromBelow ? -1 : 1)
                                        : music::stepInScale(ctx.key, target, fromBelow ? -1 : 1);
      emit(span.beat + approachAt, (end - approachAt) * 0.85, note, true, 0.8, span);
    }
  }
}

}  // namespace auralis::ensemble
