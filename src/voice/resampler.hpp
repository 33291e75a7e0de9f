// Resampler: mono float audio at the input's rate to the recognizer's 16 kHz, through
// libsamplerate (a band-limited sinc converter, so music above 8 kHz does not fold back
// into the speech band). Streaming: state carries over between calls.
//
// Thread rules: one side-chain thread owns an instance; not thread-safe.
#pragma once

#include <vector>

#include "core/result.hpp"

struct SRC_STATE_tag;

namespace auralis::voice {

/// The rate every recognizer stage runs at.
inline constexpr int kSpeechRate = 16000;

class Resampler {
 public:
  Resampler() = default;
  ~Resampler();
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  /// Side-chain thread, before the first process(). May allocate.
  Status prepare(double inputRate, double outputRate = kSpeechRate);
  /// Side-chain thread. Appends the converted samples to `out`.
  void process(const float* in, int frames, std::vector<float>& out);
  /// Side-chain thread. Forgets the filter history (a new stream).
  void reset();
  double ratio() const { return ratio_; }

 private:
  SRC_STATE_tag* state_ = nullptr;
  double ratio_ = 1.0;
  std::vector<float> scratch_;
};

}  // namespace auralis::voice
