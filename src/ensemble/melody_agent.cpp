#include "ensemble/melody_agent.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numbers>

#include "music/pitch.hpp"
#include "music/scale.hpp"

namespace auralis::ensemble {
namespace {

bool isStrongBeat(double beat) {
  return beat == 0.0 || beat == 2.0;
}

}  // namespace

MelodyAgent::MelodyAgent(std::uint64_t seed) : rng_(seed, 33) {}

void MelodyAgent::inventMotif(double energy) {
  // Rhythm: eighth-note grid, more onsets with energy; beats weigh more than
  // off-beats so the line sits on the pulse.
  const int target =
      std::clamp(static_cast<int>(std::lround(1.5 + 6.0 * energy)) + rng_.range(-1, 1), 1, 8);
  std::array<bool, 8> on{};
  on[0] = true;
  for (int placed = 1; placed < target;) {
    const int slot = rng_.range(1, 7);
    const double weight = slot % 2 == 0 ? 0.8 : 0.4;
    if (!on[static_cast<std::size_t>(slot)] && rng_.chance(weight)) {
      on[static_cast<std::size_t>(slot)] = true;
      ++placed;
    }
  }
  motifSize_ = 0;
  for (int slot = 0; slot < 8; ++slot) {
    if (on[static_cast<std::size_t>(slot)]) {
      motif_[static_cast<std::size_t>(motifSize_++)].beat = slot * 0.5;
    }
  }
  // Steps: mostly seconds, some thirds, the odd leap.
  static constexpr std::array<int, 10> kSteps = {-1, 1, -1, 1, -2, 2, 0, -1, 1, 3};
  for (int i = 0; i < motifSize_; ++i) {
    MotifNote& n = motif_[static_cast<std::size_t>(i)];
    const double end = i + 1 < motifSize_ ? motif_[static_cast<std::size_t>(i + 1)].beat : 4.0;
    n.beats = end - n.beat;
    n.step = rng_.chance(0.08) ? (rng_.chance(0.5) ? 4 : -4)
                               : kSteps[static_cast<std::size_t>(rng_.range(0, 9))];
  }
  // The bar's last note may leave a breath before the next bar.
  if (rng_.chance(0.4)) {
    MotifNote& last = motif_[static_cast<std::size_t>(motifSize_ - 1)];
    last.beats = std::max(0.5, last.beats - 0.5);
  }
  motifUses_ = 0;
}

int MelodyAgent::varied(Motif& out) {
  out = motif_;
  int size = motifSize_;
  // One or two small changes, so a reuse is recognisable but never a copy.
  const int changes = rng_.range(1, 2);
  for (int c = 0; c < changes; ++c) {
    const int i = rng_.range(0, size - 1);
    MotifNote& n = out[static_cast<std::size_t>(i)];
    switch (rng_.range(0, 3)) {
      case 0:
        n.step = -n.step;
        break;
      case 1:
        n.step += rng_.chance(0.5) ? 1 : -1;
        break;
      case 2:
        if (n.beats >= 1.0 && size < static_cast<int>(out.size())) {
          // Split: the note becomes two of half the length.
          for (int j = size; j > i + 1; --j) {
            out[static_cast<std::size_t>(j)] = out[static_cast<std::size_t>(j - 1)];
          }
          n.beats *= 0.5;
          out[static_cast<std::size_t>(i + 1)] = {n.beat + n.beats, n.beats,
                                                  rng_.chance(0.5) ? 1 : -1};
          ++size;
        } else {
          n.step += 1;
        }
        break;
      default:
        if (i > 0) {
          // Merge into the previous note.
          out[static_cast<std::size_t>(i - 1)].beats += n.beats;
          for (int j = i; j + 1 < size; ++j) {
            out[static_cast<std::size_t>(j)] = out[static_cast<std::size_t>(j + 1)];
          }
          --size;
        } else {
          n.step -= 1;
        }
        break;
    }
  }
  return size;
}

int MelodyAgent::realise(const BarContext& ctx, double beat, int step, bool cadence) {
  const music::Key& key = ctx.key;
  // The phrase arc: a sine over the phrase, centred on the section's register.
  const double t = (phraseBar_ + beat / music::kBeatsPerBar) / std::max(1, phraseLength_);
  const double centre = 68.0 + ctx.section.registerShift;
  const double target = centre - 4.0 + 9.0 * std::sin(std::numbers::pi * t);
  if (std::abs(lastInterval_) > 4) {
    // Resolve the leap: a step back against it.
    step = lastInterval_ > 0 ? -1 : 1;
  } else if ((previous_ < target - 3 && step < 0) || (previous_ > target + 3 && step > 0)) {
    if (rng_.chance(0.6)) step = -step;
  }
  int note = music::stepInScale(key, previous_, step);
  if (note > kHigh) note = music::stepInScale(key, previous_, -std::max(1, std::abs(step)));
  if (note < kLow) note = music::stepInScale(key, previous_, std::max(1, std::abs(step)));
  note = std::clamp(note, kLow, kHigh);
  if (!music::inScale(key, note)) note = music::stepInScale(key, note, 0);
  if (note < kLow) note = music::stepInScale(key, note, 1);

  if (isStrongBeat(beat) || cadence) {
    const music::Chord& chord = ctx.chordAt(beat).chord;
    const int dir = step >= 0 ? 1 : -1;
    for (int d = 0; d <= 12; ++d) {
      const int a = note + dir * d;
      const int b = note - dir * d;
      auto ok = [&](int p) {
        return p >= kLow && p <= kHigh && music::inScale(key, p) && music::chordContains(chord, p);
      };
      if (ok(a)) {
        note = a;
        break;
      }
      if (ok(b)) {
        note = b;
        break;
      }
    }
  }
  lastInterval_ = note - previous_;
  previous_ = note;
  return note;
}

void MelodyAgent::plan(const BarContext& ctx, music::InstrumentKind kind, float level,
                       NoteList& out) {
  const double energy = ctx.intensity * ctx.section.density;
  if (!ctx.section.melody) {
    phraseBar_ = phraseLength_;  // the next melodic bar opens a phrase
    return;
  }
  if (phraseBar_ >= phraseLength_) {
    // Between phrases: a bar of rest, more likely when calm.
    if (!rested_ && phraseLength_ > 0 && rng_.chance(0.55 - 0.4 * energy)) {
      rested_ = true;
      return;
    }
    rested_ = false;
    phraseBar_ = 0;
    phraseLength_ = rng_.chance(0.6) ? 4 : 2;
    if (motifSize_ == 0 || motifUses_ >= 3 || rng_.chance(0.35)) inventMotif(energy);
    ++motifUses_;
  }
  Motif bar{};
  int size = 0;
  if (phraseBar_ == 0) {
    bar = motif_;
    size = motifSize_;
  } else {
    size = varied(bar);
  }
  const bool lastBar = phraseBar_ + 1 == phraseLength_;
  if (lastBar) {
    // Cadence: keep what starts before beat 3, then hold a chord tone.
    int kept = 0;
    while (kept < size && bar[static_cast<std::size_t>(kept)].beat < 2.0) ++kept;
    if (kept == 0) kept = 1;
    size = kept;
    MotifNote& final = bar[static_cast<std::size_t>(size - 1)];
    if (final.beat < 2.0 && size < static_cast<int>(bar.size())) {
      final.beats = 2.0 - final.beat;
      bar[static_cast<std::size_t>(size++)] = {2.0, 1.5, -1};
    } else {
      final.beats = 3.5 - final.beat;
    }
  }
  for (int i = 0; i < size; ++i) {
    const MotifNote& m = bar[static_cast<std::size_t>(i)];
    const bool cadence = lastBar && i + 1 == size;
    const int pitch = realise(ctx, m.beat, m.step, cadence);
    const bool offBeat = m.beat != std::floor(m.beat);
    const double swingMs =
        offBeat ? ctx.section.swing * 0.5 * ctx.samplesPerBeat * 1000.0 / ctx.sampleRate : 0.0;
    const double arc =
        std::sin(std::numbers::pi * (phraseBar_ + m.beat / 4.0) / std::max(1, phraseLength_));
    double velocity = 0.5 + 0.25 * ctx.intensity + 0.1 * arc + (isStrongBeat(m.beat) ? 0.08 : 0.0);
    velocity *= 0.94 + 0.12 * rng_.uniform();
    PlannedNote n;
    n.note.startSample = ctx.sampleAt(m.beat, swingMs + std::abs(rng_.bell()) * 2.5);
    n.note.lengthSamples =
        ctx.samplesFor(m.beats * (kind == music::InstrumentKind::Bell ? 0.7 : 0.92));
    n.note.channel = music::Channel::Melody;
    n.note.instrument = kind;
    n.note.program = kind == music::InstrumentKind::GeneralMidi ? kGmProgram : 0;
    n.note.pitch = static_cast<std::uint8_t>(pitch);
    n.note.velocity = static_cast<float>(std::clamp(velocity, 0.05, 1.0)) * level;
    n.note.pan = 0.15F;
    n.beat = m.beat;
    n.chord = ctx.chordAt(m.beat).chord;
    out.push_back(n);
  }
  ++phraseBar_;
}

}  // namespace auralis::ensemble
