// Scales: the pitch material of a key, and moves within it. The melody walks
// in scale steps (so it stays in key by construction) and snaps to chord tones;
// these helpers are the arithmetic for that.
//
// Thread rules: pure functions, any thread; nothing here allocates.
#pragma once

#include <array>
#include <span>

#include "music/key.hpp"

namespace auralis::music {

/// Semitone offsets from the tonic of the scale of `mode` (7 notes, or 5 for
/// the pentatonics), ascending, starting with 0. Any thread.
std::span<const int> scaleIntervals(Mode mode);

/// The seven-note scale chords are built from: the mode's own scale, or for a
/// pentatonic its parent (major / natural minor). Pitch classes, degree order.
std::array<int, 7> harmonyScale(const Key& key);

/// True when `note` (MIDI number or pitch class) belongs to the key's scale.
bool inScale(const Key& key, int note);

/// The scale degree index (0-based) of `note` in the key's scale, or -1 when the
/// note is outside it.
int scaleDegreeOf(const Key& key, int note);

/// Moves `note` by `steps` scale steps (negative = down). A note outside the
/// scale is first snapped down to the scale. Any thread.
int stepInScale(const Key& key, int note, int steps);

/// The scale note nearest to `note` (ties go down).
int nearestInScale(const Key& key, int note);

}  // namespace auralis::music
