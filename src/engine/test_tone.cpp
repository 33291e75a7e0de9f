#include "engine/test_tone.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/units.hpp"

namespace auralis::engine {

namespace {

/// PolyBLEP residual: rounds the saw's reset over two samples so it does not alias.
float polyBlep(float t, float dt) noexcept {
  if (t < dt) {
    t /= dt;
    return t + t - t * t - 1.0F;
  }
  if (t > 1.0F - dt) {
    t = (t - 1.0F) / dt;
    return t * t + t + t + 1.0F;
  }
  return 0.0F;
}

}  // namespace

void TestTone::prepare(const RenderSpec& spec) {
  sampleRate_ = spec.sampleRate;
  attackStep_ = static_cast<float>(1.0 / (0.005 * sampleRate_));   // 5 ms
  releaseStep_ = static_cast<float>(1.0 / (0.080 * sampleRate_));  // 80 ms
  reset();
}

void TestTone::noteOn(const NoteStart& note) noexcept {
  // A free voice, else steal the oldest. Its envelope continues from where it
  // is, so the stolen note glides into the new one instead of clicking.
  Voice* chosen = nullptr;
  for (auto& v : voices_)
    if (!v.active) {
      chosen = &v;
      break;
    }
  if (chosen == nullptr) {
    chosen = &*std::min_element(voices_.begin(), voices_.end(),
                                [](const Voice& a, const Voice& b) { return a.age < b.age; });
    ++stolen_;
  }
  Voice& v = *chosen;
  if (!v.active) {
    v.env = 0.0F;
    // A quarter cycle in, so the very first sample is already non-zero: tests
    // find a note's onset sample exactly. The envelope starts at zero, so no click.
    v.phase = 0.25;
  }
  v.active = true;
  v.noteId = note.noteId;
  v.age = ++clock_;
  v.increment = midiToHz(note.pitch).value / sampleRate_;
  v.target = std::clamp(note.velocity, 0.0F, 1.0F) * 0.25F;
  const float angle = (std::clamp(note.pan, -1.0F, 1.0F) + 1.0F) * 0.25F * std::numbers::pi_v<float>;
  v.gainL = std::cos(angle);
  v.gainR = std::sin(angle);
}

void TestTone::noteOff(std::uint32_t noteId) noexcept {
  for (auto& v : voices_)
    if (v.active && v.noteId == noteId) v.target = 0.0F;
}

void TestTone::allNotesOff() noexcept {
  for (auto& v : voices_) v.target = 0.0F;
}

void TestTone::reset() noexcept {
  for (auto& v : voices_) v = Voice{};
}

void TestTone::render(float* left, float* right, int frames) noexcept {
  for (auto& v : voices_) {
    if (!v.active) continue;
    for (int i = 0; i < frames; ++i) {
      if (v.env < v.target)
        v.env = std::min(v.target, v.env + attackStep_);
      else if (v.env > v.target)
        v.env = std::max(v.target, v.env - releaseStep_);
      const auto p = static_cast<float>(v.phase);
      const float sine = std::sin(2.0F * std::numbers::pi_v<float> * p);
      const float saw = 2.0F * p - 1.0F - polyBlep(p, static_cast<float>(v.increment));
      const float s = v.env * (0.9F * sine + 0.1F * saw);
      left[i] += s * v.gainL;
      right[i] += s * v.gainR;
      v.phase += v.increment;
      if (v.phase >= 1.0) v.phase -= 1.0;
    }
    if (v.target == 0.0F && v.env == 0.0F) v.active = false;
  }
}

int TestTone::activeVoices() const noexcept {
  return static_cast<int>(std::count_if(voices_.begin(), voices_.end(),
                                        [](const Voice& v) { return v.active; }));
}

}  // namespace auralis::engine
