#include "voice/echo_canceller.hpp"

#include <algorithm>

namespace auralis::voice {

void EchoCanceller::prepare(int taps, float stepSize) {
  taps_ = std::max(taps, 1);
  mu_ = stepSize;
  weights_.assign(static_cast<std::size_t>(taps_), 0.0F);
  history_.assign(static_cast<std::size_t>(taps_) * 2, 0.0F);
  reset();
}

void EchoCanceller::reset() noexcept {
  std::fill(weights_.begin(), weights_.end(), 0.0F);
  std::fill(history_.begin(), history_.end(), 0.0F);
  pos_ = 0;
  power_ = 0.0F;
}

void EchoCanceller::process(const float* mic, const float* ref, float* out, float* echo,
                            int n) noexcept {
  if (ref == nullptr || taps_ == 0) {
    std::copy(mic, mic + n, out);
    std::fill(echo, echo + n, 0.0F);
    return;
  }
  // A small regulariser keeps the step bounded when the reference is silent.
  constexpr float kEpsilon = 1e-4F;
  // Double talk: a block whose input is louder than the reference itself holds a near-end
  // voice (an echo path attenuates). Adapting through it teaches the filter to "predict" the
  // voice from the music (with no music in the input, the estimate rose to within 6 dB of the
  // speech and the VAD gated every word), so the weights are frozen for that block.
  float micPower = 0.0F;
  float refPower = 0.0F;
  for (int i = 0; i < n; ++i) {
    micPower += mic[i] * mic[i];
    refPower += ref[i] * ref[i];
  }
  if (micPower == 0.0F) {
    // Digital silence (no input device, a muted channel): there is no echo to take out, and
    // adapting towards a zero input would only unlearn the echo path, at 2 x taps
    // multiply-adds a sample. The reference history still moves on, so the filter lines up
    // with the music again on the first sample the input carries.
    for (int i = 0; i < n; ++i) pushReference(ref[i]);
    std::fill(out, out + n, 0.0F);
    std::fill(echo, echo + n, 0.0F);
    return;
  }
  const float step = micPower > refPower ? 0.0F : mu_;
  for (int i = 0; i < n; ++i) {
    const float* x = pushReference(ref[i]);  // oldest .. newest (x[taps-1] = ref[i])
    float y = 0.0F;
    for (int k = 0; k < taps_; ++k) y += weights_[static_cast<std::size_t>(k)] * x[k];
    const float e = mic[i] - y;
    const float g = step * e / (power_ + kEpsilon);
    for (int k = 0; k < taps_; ++k) weights_[static_cast<std::size_t>(k)] += g * x[k];
    out[i] = e;
    echo[i] = y;
  }
}

const float* EchoCanceller::pushReference(float r) noexcept {
  // The history is written twice (pos and pos + taps) so that the newest `taps` samples are
  // always contiguous at [pos + 1, pos + taps], oldest first.
  const float leaving = history_[static_cast<std::size_t>(pos_)];
  power_ += r * r - leaving * leaving;
  power_ = std::max(power_, 0.0F);
  history_[static_cast<std::size_t>(pos_)] = r;
  history_[static_cast<std::size_t>(pos_ + taps_)] = r;
  const float* window = history_.data() + pos_ + 1;
  pos_ = pos_ + 1 == taps_ ? 0 : pos_ + 1;
  return window;
}

}  // namespace auralis::voice
