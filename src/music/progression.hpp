// Markov chord progressions over scale degrees. One transition table per mode
// (its characteristic chords weighted up: dorian IV, lydian II, mixolydian
// bVII, phrygian bII), shaped by intensity: as it rises, tense degrees (V,
// vii, ii) gain weight and tonic-function degrees lose it.
//
// Thread rules: pure functions, any thread; no allocation.
#pragma once

#include <array>
#include <span>

#include "music/key.hpp"

namespace auralis::music {

using DegreeWeights = std::array<double, 7>;

/// Row `from` of the mode's transition table: relative weights of the next
/// degree (0..6). Any thread.
const DegreeWeights& transitionRow(Mode mode, int from);

/// Harmonic tension of a degree's function, 0 (tonic) .. 1 (dominant). Any thread.
double degreeTension(int degree);

/// Next-degree weights: the table row, shaped by `intensity` (0..1), with
/// degrees whose root is outside the key's scale removed (pentatonics). Any thread.
DegreeWeights nextDegreeWeights(const Key& key, int from, double intensity);

/// Index chosen from `weights` by a uniform `u` in [0, 1); -1 when all are 0.
int chooseWeighted(std::span<const double> weights, double u);

}  // namespace auralis::music
