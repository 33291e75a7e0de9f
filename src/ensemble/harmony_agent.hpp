// Harmony: Markov chord progressions (music/progression.hpp) over scale
// degrees, one bar of lookahead so bass and melody can lead into the next
// chord, and voice-led voicings (least total movement from the last chord).
//
// Harmonic rhythm follows intensity: below 0.3 a chord usually holds two
// bars, above 0.65 bars increasingly split into two chords. Sections end on a
// dominant pull and start on the tonic more often than chance.
//
// Thread rules: not thread-safe; owned by the Ensemble on the planning thread.
#pragma once

#include <array>
#include <cstdint>

#include "ensemble/bar_context.hpp"
#include "ensemble/rng.hpp"

namespace auralis::ensemble {

class HarmonyAgent {
 public:
  explicit HarmonyAgent(std::uint64_t seed);

  /// Fills ctx.chords/chordCount/nextChord for the bar. Call once per bar,
  /// before any agent plans it.
  void chooseChords(BarContext& ctx);
  /// Forgets the chord chosen ahead (the key changed): the next bar starts on
  /// the new tonic.
  void restartOnTonic() { havePending_ = false; }
  /// Emits the bar's voicings on the harmony channel.
  void plan(const BarContext& ctx, music::InstrumentKind kind, float level, NoteList& out);

  /// The GM program used when the instrument is GeneralMidi (Pad 2, warm).
  static constexpr std::uint8_t kGmProgram = 89;

 private:
  ChordSpan makeSpan(const music::Key& key, int degree, double intensity);
  int pickDegree(const music::Key& key, int from, double intensity, int boostDegree);
  void voice(const BarContext& ctx, const music::Chord& chord);

  Rng rng_;
  bool havePending_ = false;
  ChordSpan pending_;
  int barsOnChord_ = 0;
  std::array<int, 5> voicing_{};
  int voiceCount_ = 0;
};

}  // namespace auralis::ensemble
