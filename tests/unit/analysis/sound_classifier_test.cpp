#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "analysis/sound_classifier.hpp"
#include "analysis/sound_features.hpp"

using namespace auralis::analysis;

namespace {

/// Feeds `signal` in blocks and returns every feature vector produced.
std::vector<SoundFeatureVector> featuresOf(const std::vector<float>& signal, double rate) {
  SoundFeatures f(rate);
  std::vector<SoundFeatureVector> out;
  for (std::size_t i = 0; i < signal.size(); i += 256) {
    const auto n = std::min<std::size_t>(256, signal.size() - i);
    if (auto v = f.push(std::span(signal.data() + i, n))) out.push_back(*v);
  }
  return out;
}

std::vector<float> whiteNoise(double seconds, double rate, float amplitude) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-amplitude, amplitude);
  std::vector<float> x(static_cast<std::size_t>(seconds * rate));
  for (auto& s : x) s = u(rng);
  return x;
}

}  // namespace

TEST_CASE("features come once per hop after the first full window, at any sample rate") {
  for (const double rate : {16000.0, 44100.0, 48000.0}) {
    const auto v = featuresOf(whiteNoise(3.0, rate, 0.5F), rate);
    // 3 s with a 1 s window and 0.5 s hop: windows ending at 1, 1.5, 2, 2.5, 3 s.
    CHECK(v.size() >= 4);
    CHECK(v.size() <= 5);
    for (const auto& f : v)
      for (const float x : f) CHECK(std::isfinite(x));
  }
}

TEST_CASE("features describe what they claim: level, flatness, modulation") {
  const double rate = 48000.0;
  const auto noise = featuresOf(whiteNoise(2.0, rate, 0.5F), rate).back();
  std::vector<float> tone(static_cast<std::size_t>(2.0 * rate));
  for (std::size_t i = 0; i < tone.size(); ++i)
    tone[i] = 0.5F * static_cast<float>(
                         std::sin(2.0 * std::numbers::pi * 440.0 * static_cast<double>(i) / rate));
  const auto sine = featuresOf(tone, rate).back();
  // A sine of amplitude 0.5 has a power of 0.125: -9 dB.
  CHECK(sine[0] == doctest::Approx(-9.03).epsilon(0.02));
  CHECK(noise[8] > 10.0F * sine[8]);  // white noise is spectrally flat, a sine is not
  // A tone switched on and off at 4 Hz is modulated where syllables are.
  std::vector<float> pulsed = tone;
  for (std::size_t i = 0; i < pulsed.size(); ++i)
    if (static_cast<int>(static_cast<double>(i) / rate * 8.0) % 2 == 1) pulsed[i] = 0.0F;
  const auto syllables = featuresOf(pulsed, rate).back();
  CHECK(syllables[3] > 5.0F);  // dB of 2-8 Hz level modulation
  CHECK(sine[3] < 0.5F);
}

TEST_CASE("the shipped model labels silence, steady noise and a tone sensibly") {
  const double rate = 48000.0;
  SoundClassifier classifier;
  const auto silent = classifier.classify(featuresOf(std::vector<float>(96000, 0.0F), rate).back());
  CHECK(silent.label == SoundLabel::Silence);
  const auto noisy = classifier.classify(featuresOf(whiteNoise(2.0, rate, 0.3F), rate).back());
  CHECK(noisy.label == SoundLabel::Noise);
  CHECK(noisy.confidence > 0.8F);
  float sum = 0.0F;
  for (const float p : noisy.probabilities) sum += p;
  CHECK(sum == doctest::Approx(1.0F));
}

TEST_CASE("non-finite features never produce a non-finite answer") {
  SoundFeatureVector v{};
  v.fill(std::numeric_limits<float>::quiet_NaN());
  v[0] = -20.0F;
  const auto c = SoundClassifier().classify(v);
  CHECK(std::isfinite(c.confidence));
}
