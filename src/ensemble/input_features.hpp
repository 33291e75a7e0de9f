// InputFeatures: what the ensemble knows about the human it plays with. The app
// fills it from the analysis side-chain's snapshot of the live input
// (src/app/human_follower.*); the ensemble never sees the analysis module.
// Times are seconds on the engine's sample clock, so a test can feed a
// synthetic stream without any wall clock.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "music/key.hpp"

namespace auralis::ensemble {

/// One note of a phrase the human played.
struct PhraseNote {
  int pitch = 60;          // MIDI note number
  double time = 0.0;       // onset, seconds
  double duration = 0.25;  // seconds until the next onset (or the phrase end)
};

struct InputFeatures {
  double time = 0.0;  // seconds on the sample clock when the snapshot was taken
  int key = -1;       // 0..11: C..B major; 12..23: C..B minor; -1: none yet
  float keyConfidence = 0.0F;
  double bpm = 0.0;  // 0: none yet
  float bpmConfidence = 0.0F;
  float level = 0.0F;         // 0..1 (input RMS, -60..0 dBFS mapped linearly)
  double onsetDensity = 0.0;  // onsets per second over the last two seconds
  /// The phrase in progress, or the one just finished (see phraseEnded).
  std::vector<PhraseNote> phrase;
  bool phraseEnded = false;    // the human has been silent long enough to end it
  std::uint64_t phraseId = 0;  // changes with every new phrase
};

/// 0..11 major, 12..23 natural minor; nullopt outside 0..23. Any thread.
inline std::optional<music::Key> keyFromIndex(int index) {
  if (index < 0 || index > 23) return std::nullopt;
  return music::Key{index % 12, index < 12 ? music::Mode::Major : music::Mode::NaturalMinor};
}

}  // namespace auralis::ensemble
