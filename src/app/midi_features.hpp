// MidiFeatureTracker: what the ensemble should know about a human playing MIDI,
// built from the notes themselves (no audio analysis needed): the key from a
// decaying pitch-class profile matched against the 24 major/minor key profiles,
// the tempo from inter-onset intervals, the level from velocities, the onset
// density and the phrase in progress (exact pitches; a phrase ends after
// 0.8 s without a note, like the audio follower's).
//
// Thread rules: not thread-safe; one thread (the MIDI-in worker) calls it.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <vector>

#include "ensemble/input_features.hpp"

namespace auralis::app {

class MidiFeatureTracker {
 public:
  static constexpr double kPhraseGapSeconds = 0.8;
  static constexpr double kDensityWindowSeconds = 2.0;
  static constexpr double kKeyHalfLifeSeconds = 8.0;

  /// A note-on at `seconds` on the engine's sample clock; velocity 1..127.
  void noteOn(double seconds, int pitch, int velocity);
  /// The features at `seconds` (>= the last note's time).
  ensemble::InputFeatures features(double seconds) const;
  /// Seconds of the newest note-on; negative before the first.
  double lastNoteSeconds() const { return lastNote_; }

 private:
  std::array<double, 12> profile_{};  // decayed velocity per pitch class
  double profileAt_ = 0.0;            // when profile_ was last decayed
  double lastNote_ = -1.0;
  int notesHeard_ = 0;
  std::deque<std::pair<double, int>> recent_;  // (time, velocity), density window
  std::deque<double> onsets_;                  // the last 17 onsets, for tempo
  std::vector<ensemble::PhraseNote> phrase_;
  std::uint64_t phraseId_ = 0;
};

}  // namespace auralis::app
