// Vad: voice activity on 10 ms frames at 16 kHz, from frame energy against an adaptive noise
// floor, gated by the echo estimate, with an onset delay and a hangover.
//
// - A frame is speech-like when its level is `marginDb` above the tracked noise floor, above
//   an absolute floor, and `echoMarginDb` above the echo canceller's estimate of the music in
//   the input (music-aware listening: what Auralis itself plays is not a voice).
// - Speech starts after `onsetFrames` speech-like frames in a row and ends after
//   `hangoverFrames` non-speech frames, so the pauses inside a phrase do not cut it.
// - The noise floor follows quiet frames quickly and loud ones slowly; it is frozen during
//   speech so a long utterance does not become "noise".
//
// Thread rules: one side-chain thread; no allocation; not thread-safe.
#pragma once

#include <cstdint>

namespace auralis::voice {

inline constexpr int kVadFrame = 160;  // 10 ms at 16 kHz

struct VadConfig {
  float marginDb = 10.0F;
  float absoluteFloorDb = -55.0F;
  float echoMarginDb = 6.0F;
  int onsetFrames = 3;      // 30 ms
  int hangoverFrames = 30;  // 300 ms
};

enum class VadEvent : std::uint8_t { None, SpeechStart, SpeechEnd };

class Vad {
 public:
  explicit Vad(VadConfig config = {}) : config_(config) {}

  /// Side-chain thread. One 10 ms frame of (echo-cancelled) input and the echo estimate.
  VadEvent push(const float* frame, const float* echo) noexcept;
  /// True from SpeechStart until SpeechEnd (hangover included).
  bool inSpeech() const noexcept { return inSpeech_; }
  /// Frames since the last speech-like frame (0 when the current one is).
  int framesSinceSpeech() const noexcept { return quietRun_; }
  /// Speech-like frames in the current utterance.
  int speechFrames() const noexcept { return speechFrames_; }
  /// Frames that were speech-like but refused because the echo estimate explained them.
  std::uint64_t echoGated() const noexcept { return echoGated_; }
  float noiseFloorDb() const noexcept { return floorDb_; }
  void reset() noexcept;

  /// Mean square of a span in dBFS (-120 for silence). Any thread.
  static float levelDb(const float* x, int n) noexcept;

 private:
  VadConfig config_;
  float floorDb_ = -70.0F;
  bool inSpeech_ = false;
  int speechRun_ = 0;
  int quietRun_ = 0;
  int speechFrames_ = 0;
  std::uint64_t echoGated_ = 0;
};

}  // namespace auralis::voice
