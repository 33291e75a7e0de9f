// Reverb: an 8-line feedback delay network (FDN), stereo in, 100% wet out.
//
// Eight delay lines of mutually prime lengths are fed back through an 8x8
// Hadamard matrix (orthogonal, so the loop itself neither gains nor loses
// energy); each line's gain g = 10^(-3 * length / (T60 * fs)) sets the decay
// time exactly, and a one-pole low-pass in each line makes highs die sooner
// (damping). Four of the lines have their read point swept slowly by a few
// samples, which smears the fixed modal pattern that makes plain FDNs ring
// metallically. Size scales every length (glided, so it bends, never clicks).
//
// Thread rules: prepare() on the control thread (allocates); everything else on
// the audio thread, noexcept, allocation-free.
#pragma once

#include <array>
#include <vector>

namespace auralis::dsp {

class Reverb {
 public:
  static constexpr int kLines = 8;

  /// Control thread. Allocates the delay memory for the largest size.
  void prepare(double sampleRate, int maxBlock);
  /// Audio thread. Clears the tail.
  void reset() noexcept;
  /// 0..1: room scale (line lengths 30%..100% of the largest hall).
  void setSize(float size01) noexcept;
  /// Time for the tail to fall 60 dB, 0.1..30 s.
  void setDecay(float seconds) noexcept;
  /// 0 (bright) .. 1 (dark).
  void setDamping(float damping01) noexcept;
  /// 100% wet; outputs overwritten; in and out may not alias. frames <= maxBlock.
  void process(const float* inL, const float* inR, float* outL, float* outR, int frames) noexcept;

 private:
  void updateGains() noexcept;

  float sampleRate_ = 48000.0F;
  int maxBlock_ = 0;
  float sizeTarget_ = 0.6F, size_ = 0.6F;
  float decaySeconds_ = 2.0F;
  float damping_ = 0.3F, dampCoef_ = 0.0F;
  std::array<std::vector<float>, kLines> lines_;
  std::array<int, kLines> mask_{};  // buffer length - 1 (power of two)
  std::array<int, kLines> write_{};
  std::array<float, kLines> baseLen_{};  // samples at size 1
  std::array<float, kLines> gain_{};
  std::array<float, kLines> lowState_{};
  float lfoPhase_ = 0.0F, lfoInc_ = 0.0F, modDepth_ = 0.0F;
};

}  // namespace auralis::dsp
