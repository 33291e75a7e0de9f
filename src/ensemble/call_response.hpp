// Call and response: the melody answers a phrase the human played with a
// transformed version of it, in the ensemble's key. Three transformations,
// chosen by `variant`: transposed up a third within the scale, inverted around
// the first note, or played backwards with its rhythm varied. Every pitch is
// snapped into the key's scale and the melody's register (60-84), so the
// answer is recognisably the call's shape but never leaves the key.
#pragma once

#include <cstdint>
#include <vector>

#include "ensemble/input_features.hpp"
#include "music/key.hpp"

namespace auralis::ensemble {

/// One note of an answer, positioned in beats from the bar it is played in.
struct AnswerNote {
  int pitch = 60;
  double beat = 0.0;   // 0 .. < 4
  double beats = 0.5;  // length
};

enum class AnswerVariant : std::uint8_t { Transposed, Inverted, Retrograde, Count };

/// The answer to `call` in `key`, fitted into one 4/4 bar (at most 8 notes,
/// onsets quantised to eighths). Empty if the call is. Any thread.
std::vector<AnswerNote> answerPhrase(const std::vector<PhraseNote>& call, const music::Key& key,
                                     AnswerVariant variant);

}  // namespace auralis::ensemble
