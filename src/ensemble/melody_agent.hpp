// Melody: constraint-based. A one-bar motif (rhythm + scale steps) is invented
// at a phrase start and reused, varied, through the phrase; each note is then
// realised under constraints, in this order:
//   1. it moves in scale steps, so it is always in the key's scale;
//   2. after a leap (> 4 semitones) the next note steps back the other way;
//   3. it follows the phrase arc (rises to a peak mid-phrase, falls to the end);
//   4. it stays within [kLow, kHigh] (60-84) by reversing direction;
//   5. a note on a strong beat (beats 1 and 3) is a chord tone.
// Rule 5 holds for every strong-beat note (the tests check 100%): the chord
// root is always in the scale, so a chord tone within reach always exists.
// Phrases are 2 or 4 bars, end on a long chord tone, and are followed by rests
// more often when intensity is low.
//
// Thread rules: not thread-safe; owned by the Ensemble on the planning thread.
#pragma once

#include <array>
#include <cstdint>

#include "ensemble/bar_context.hpp"
#include "ensemble/rng.hpp"

namespace auralis::ensemble {

class MelodyAgent {
 public:
  explicit MelodyAgent(std::uint64_t seed);
  void plan(const BarContext& ctx, music::InstrumentKind kind, float level, NoteList& out);

  static constexpr int kLow = 60;
  static constexpr int kHigh = 84;
  /// GM program for InstrumentKind::GeneralMidi (Flute).
  static constexpr std::uint8_t kGmProgram = 73;

 private:
  struct MotifNote {
    double beat = 0.0;
    double beats = 1.0;
    int step = 0;  // scale steps from the previous note
  };
  using Motif = std::array<MotifNote, 12>;

  void inventMotif(double energy);
  int varied(Motif& out);
  int realise(const BarContext& ctx, double beat, int step, bool cadence);

  Rng rng_;
  Motif motif_{};
  int motifSize_ = 0;
  int motifUses_ = 0;
  int previous_ = 67;
  int lastInterval_ = 0;
  int phraseBar_ = 0;
  int phraseLength_ = 0;
  bool rested_ = false;
};

}  // namespace auralis::ensemble
