#include "analysis/sound_classifier.hpp"

#include <algorithm>
#include <cmath>

namespace auralis::analysis {

namespace {
// Below this level nothing else is worth asking: digital silence or a muted input.
constexpr float kSilenceDb = -70.0F;
}  // namespace

std::string_view soundLabelName(SoundLabel label) {
  switch (label) {
    case SoundLabel::Music:
      return "music";
    case SoundLabel::Speech:
      return "speech";
    case SoundLabel::Silence:
      return "silence";
    case SoundLabel::Noise:
      return "noise";
  }
  return "silence";
}

Classification SoundClassifier::classify(const SoundFeatureVector& features) const noexcept {
  Classification out;
  if (!(features[0] > kSilenceDb)) {
    out.label = SoundLabel::Silence;
    out.confidence = 1.0F;
    out.probabilities[static_cast<std::size_t>(SoundLabel::Silence)] = 1.0F;
    return out;
  }
  std::array<float, kSoundFeatureCount> x{};
  for (std::size_t i = 0; i < x.size(); ++i) {
    const float v = std::isfinite(features[i]) ? features[i] : 0.0F;
    x[i] = (v - model_.mean[i]) * model_.scale[i];
  }
  std::array<float, kClassifierHidden> h{};
  for (std::size_t j = 0; j < h.size(); ++j) {
    float s = model_.b1[j];
    for (std::size_t i = 0; i < x.size(); ++i) s += model_.w1[j][i] * x[i];
    h[j] = std::tanh(s);
  }
  std::array<float, kSoundLabelCount> logits{};
  for (std::size_t k = 0; k < logits.size(); ++k) {
    float s = model_.b2[k];
    for (std::size_t j = 0; j < h.size(); ++j) s += model_.w2[k][j] * h[j];
    logits[k] = s;
  }
  const float top = *std::max_element(logits.begin(), logits.end());
  float sum = 0.0F;
  for (std::size_t k = 0; k < logits.size(); ++k) {
    out.probabilities[k] = std::exp(logits[k] - top);
    sum += out.probabilities[k];
  }
  std::size_t best = 0;
  for (std::size_t k = 0; k < logits.size(); ++k) {
    out.probabilities[k] /= sum;
    if (out.probabilities[k] > out.probabilities[best]) best = k;
  }
  out.label = static_cast<SoundLabel>(best);
  out.confidence = out.probabilities[best];
  return out;
}

}  // namespace auralis::analysis
