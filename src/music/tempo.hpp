// Tempo <-> duration arithmetic on the strong unit types of core/units.hpp, so a
// beat count can never be passed where samples are expected.
//
// Thread rules: pure inline functions, any thread (audio thread included).
#pragma once

#include <algorithm>
#include <cmath>

#include "core/units.hpp"

namespace auralis::music {

/// The tempo range the whole system accepts (the wire contract says 40-200).
inline constexpr double kMinBpm = 40.0;
inline constexpr double kMaxBpm = 200.0;
/// The ensemble plays in 4/4.
inline constexpr int kBeatsPerBar = 4;

/// Clamps a tempo into [kMinBpm, kMaxBpm]; NaN becomes kMinBpm. Any thread.
inline Bpm clampBpm(Bpm tempo) noexcept {
  if (!(tempo.value == tempo.value)) return Bpm(kMinBpm);
  return Bpm(std::clamp(tempo.value, kMinBpm, kMaxBpm));
}

/// Fractional samples in one beat; kept fractional so bars do not drift. Any thread.
inline double samplesPerBeat(Bpm tempo, Hz rate) noexcept {
  return beatDuration(tempo).value * rate.value;
}

/// A span of beats as a whole number of samples (rounded). Any thread.
inline Samples beatsToSamples(double beats, Bpm tempo, Hz rate) noexcept {
  return Samples(static_cast<std::int64_t>(std::llround(beats * samplesPerBeat(tempo, rate))));
}

/// A span of samples in beats. Any thread.
inline double samplesToBeats(Samples n, Bpm tempo, Hz rate) noexcept {
  return static_cast<double>(n.value) / samplesPerBeat(tempo, rate);
}

/// Seconds per bar of kBeatsPerBar beats. Any thread.
inline Seconds barDuration(Bpm tempo) noexcept {
  return Seconds(beatDuration(tempo).value * kBeatsPerBar);
}

/// The tempo whose beat lasts `beat`. Any thread.
inline Bpm tempoForBeat(Seconds beat) noexcept {
  return Bpm(60.0 / beat.value);
}

}  // namespace auralis::music
