// What the lights react to, gathered by the app each frame from the analysis
// snapshot, the ensemble's scheduler and the classifier. A plain value: the
// lighting module depends on no producer.
#pragma once

#include <cstdint>

namespace auralis::lighting {

enum class SoundLabel : std::uint8_t { Unknown, Music, Speech, Silence, Noise };

struct LightingFeatures {
  float level = 0.0F;  // overall loudness, 0..1 (already scaled by the producer)
  float low = 0.0F;    // band energies, 0..1
  float mid = 0.0F;
  float high = 0.0F;
  bool onset = false;  // an onset since the previous frame
  /// Beats counted since the start, and the phase within the current beat
  /// (0..1); -1 when no tempo is known. Taken from the ensemble's scheduler
  /// when it plays (as heard), else from beat tracking.
  std::int64_t beatIndex = -1;
  double beatPhase = -1.0;
  int beatsPerBar = 4;
  int chordRoot = -1;  // pitch class 0..11 of the chord sounding now, -1 none
  bool chordMinor = false;
  int section = 0;  // song-form section index
  float intensity = 0.5F;
  SoundLabel label = SoundLabel::Unknown;
  float labelConfidence = 0.0F;
};

}  // namespace auralis::lighting
