// LoudnessMeter: EBU R128 / ITU-R BS.1770 loudness and true peak of rendered
// audio, for tests, benchmarks and offline reports. A thin owner of a
// libebur128 state: the standard's gating, K-weighting and 4x-oversampled true
// peak are subtle enough that we measure with the reference library rather
// than our own approximation.
//
// Thread rules: not thread-safe; one non-audio thread uses an instance (it
// allocates, so it never runs on the audio thread).
#pragma once

#include <cstddef>
#include <memory>

namespace auralis::analysis {

class LoudnessMeter {
 public:
  /// Any non-audio thread. `channels` 1..8; channel 0 is left, 1 right, 2
  /// centre, ... (BS.1770 order). A single channel is measured as one front
  /// channel (no dual-mono +3 dB). Throws std::invalid_argument on bad
  /// arguments and std::bad_alloc when libebur128 cannot allocate.
  LoudnessMeter(double sampleRate, int channels);
  ~LoudnessMeter();
  LoudnessMeter(LoudnessMeter&&) noexcept;
  LoudnessMeter& operator=(LoudnessMeter&&) noexcept;
  LoudnessMeter(const LoudnessMeter&) = delete;
  LoudnessMeter& operator=(const LoudnessMeter&) = delete;

  /// Feeds `frames` interleaved frames of `channels()` samples each.
  void addInterleaved(const float* samples, std::size_t frames);

  /// Gated integrated loudness of everything fed since construction/reset, in
  /// LUFS; -infinity while nothing passes the -70 LUFS absolute gate.
  double integratedLufs() const;
  /// Loudness of the last 3 s (LUFS; -infinity for silence).
  double shortTermLufs() const;
  /// Loudness of the last 400 ms (LUFS; -infinity for silence).
  double momentaryLufs() const;
  /// Highest true (inter-sample) peak over all channels so far, in dBTP
  /// (-infinity for digital silence).
  double truePeakDbtp() const;
  /// Forgets everything measured; same rate and channels.
  void reset();

  int channels() const noexcept { return channels_; }
  double sampleRate() const noexcept { return sampleRate_; }

 private:
  // libebur128's state is an anonymous-struct typedef, which cannot be
  // forward-declared; State wraps the pointer so the C header stays private.
  struct State;
  struct Deleter {
    void operator()(State* state) const noexcept;
  };
  static State* create(double sampleRate, int channels);

  std::unique_ptr<State, Deleter> state_;
  double sampleRate_ = 0.0;
  int channels_ = 0;
};

}  // namespace auralis::analysis
