// SoundClassifier: music / speech / silence / noise, with a confidence, from one
// SoundFeatures vector. A small neural network (standardise → 16 tanh units →
// softmax) whose weights live in sound_classifier_model.cpp, written by
// scripts/train_classifier.py from audio the project generates (espeak-ng
// speech, ensemble and fluidsynth music, sox noise, silence).
//
// Thread rules: classify() is const and allocation-free; any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "analysis/sound_features.hpp"

namespace auralis::analysis {

enum class SoundLabel : std::uint8_t { Music, Speech, Silence, Noise };
inline constexpr std::size_t kSoundLabelCount = 4;
inline constexpr std::size_t kClassifierHidden = 16;

std::string_view soundLabelName(SoundLabel label);

/// The trained parameters (see scripts/train_classifier.py).
struct ClassifierModel {
  std::array<float, kSoundFeatureCount> mean;
  std::array<float, kSoundFeatureCount> scale;  // 1 / standard deviation
  std::array<std::array<float, kSoundFeatureCount>, kClassifierHidden> w1;
  std::array<float, kClassifierHidden> b1;
  std::array<std::array<float, kClassifierHidden>, kSoundLabelCount> w2;
  std::array<float, kSoundLabelCount> b2;
};

/// The model shipped in the repository.
const ClassifierModel& trainedClassifierModel();

struct Classification {
  SoundLabel label = SoundLabel::Silence;
  float confidence = 0.0F;  // probability of `label`
  std::array<float, kSoundLabelCount> probabilities{};
};

class SoundClassifier {
 public:
  explicit SoundClassifier(const ClassifierModel& model = trainedClassifierModel())
      : model_(model) {}
  Classification classify(const SoundFeatureVector& features) const noexcept;

 private:
  const ClassifierModel& model_;
};

}  // namespace auralis::analysis
