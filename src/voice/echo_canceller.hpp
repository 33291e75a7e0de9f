// EchoCanceller: a normalised-LMS adaptive filter that predicts how the engine's own output
// (the echo reference, MasterEcho tap) appears in the input and subtracts it, so the music
// Auralis plays into the room neither triggers the VAD nor reaches the recognizer.
//
// The filter spans `taps` samples at 16 kHz (512: 32 ms of room and device delay). It also
// reports the energy of its echo estimate, which the VAD uses as a gate: a frame whose
// residual is not clearly louder than the predicted echo is treated as music, not speech.
//
// Thread rules: one side-chain thread; prepare() allocates, process() does not.
#pragma once

#include <vector>

namespace auralis::voice {

class EchoCanceller {
 public:
  /// Side-chain thread. Sizes the filter; may allocate.
  void prepare(int taps = 512, float stepSize = 0.3F);
  /// Side-chain thread. mic - estimate(ref) -> out; `echo` receives the estimate.
  /// All spans are `n` samples at 16 kHz; `ref` may be null (no reference: pass-through).
  void process(const float* mic, const float* ref, float* out, float* echo, int n) noexcept;
  void reset() noexcept;

 private:
  /// Adds one reference sample to the history; returns the filter's window, oldest first,
  /// valid until the next call.
  const float* pushReference(float r) noexcept;

  std::vector<float> weights_;
  std::vector<float> history_;  // reference, newest last, twice the length for contiguous reads
  int taps_ = 0;
  int pos_ = 0;
  float mu_ = 0.3F;
  float power_ = 0.0F;  // running sum of squares over the filter span
};

}  // namespace auralis::voice
