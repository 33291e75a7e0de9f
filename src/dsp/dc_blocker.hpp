// DcBlocker: one-pole high-pass (about 10 Hz) that removes the DC offset a
// synth or an asymmetric effect can leave on the master bus. Stereo.
#pragma once

#include <cmath>
#include <numbers>

namespace auralis::dsp {

class DcBlocker {
 public:
  void prepare(double sampleRate, double cutoffHz = 10.0) noexcept {
    pole_ = static_cast<float>(std::exp(-2.0 * std::numbers::pi * cutoffHz / sampleRate));
    reset();
  }
  void reset() noexcept { x1_[0] = x1_[1] = y1_[0] = y1_[1] = 0.0F; }

  /// In place. Audio thread.
  void process(float* left, float* right, int frames) noexcept {
    processChannel(left, frames, 0);
    processChannel(right, frames, 1);
  }

 private:
  void processChannel(float* x, int frames, int ch) noexcept {
    float x1 = x1_[ch];
    float y1 = y1_[ch];
    for (int i = 0; i < frames; ++i) {
      const float y = x[i] - x1 + pole_ * y1;
      x1 = x[i];
      x[i] = y;
      y1 = y;
    }
    // Keep the recursion out of the denormal range once the input falls silent.
    x1_[ch] = x1;
    y1_[ch] = std::fabs(y1) < 1e-20F ? 0.0F : y1;
  }

  float pole_ = 0.999F;
  float x1_[2]{};
  float y1_[2]{};
};

}  // namespace auralis::dsp
