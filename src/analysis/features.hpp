// The analysis vocabulary shared with the rest of the program: the events an
// Analyzer emits and the feature snapshot it keeps. Both are small and
// trivially copyable, so they cross threads through rings and SeqLockCells.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace auralis::analysis {

inline constexpr int kMaxBands = 32;

enum class AnalysisEventType : std::uint8_t { Onset, Beat, Pitch, Tempo, Key };

/// One analysis event. `samplePos` is in the stream's sample clock: for an
/// onset it is the estimated onset itself (corrected for the detector's
/// latency), for pitch the centre of the analysed frame, for a beat the beat.
struct AnalysisEvent {
  AnalysisEventType type = AnalysisEventType::Onset;
  std::int64_t samplePos = 0;
  /// Onset: strength (flux over threshold); Beat: bpm; Pitch: Hz; Tempo: bpm;
  /// Key: index 0..23 (see keyName()).
  float value = 0.0F;
  /// 0..1 where it applies (pitch, tempo, key); 1 otherwise.
  float confidence = 1.0F;
};

/// The latest features of one stream, as a reader on another thread sees them.
struct FeatureSnapshot {
  std::int64_t samplePos = 0;  // end of the last analysed hop
  float rmsDb = -120.0F;       // over the last hop
  float peakDb = -120.0F;
  std::int32_t bandCount = 0;
  std::array<float, kMaxBands> bandsDb{};  // log-spaced band levels (dBFS)
  float centroidHz = 0.0F;
  float onsetStrength = 0.0F;      // the onset detection function, latest hop
  std::int64_t lastOnsetPos = -1;  // sample of the latest onset (-1: none yet)
  std::int64_t lastBeatPos = -1;
  float beatPhase = 0.0F;  // 0..1 position within the current beat
  float bpm = 0.0F;        // 0 until a tempo is found
  float bpmConfidence = 0.0F;
  float pitchHz = 0.0F;  // 0 while unvoiced
  float pitchConfidence = 0.0F;
  std::int32_t key = -1;  // 0..23 (see keyName()), -1 until estimated
  float keyConfidence = 0.0F;
};

/// "onset", "beat", "pitch", "tempo", "key": the `type`/`event` names on the wire.
const char* analysisEventName(AnalysisEventType type);

/// Key index 0..11: C..B major; 12..23: C..B minor. Names like "Bb major",
/// "F# minor", spelled with flats where the key signature has flats (the
/// spelling the music module uses). Any thread.
std::string keyName(int key);

}  // namespace auralis::analysis
