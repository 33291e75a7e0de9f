#include "engine/effects_bus.hpp"

#include "dsp/reverb.hpp"
#include "dsp/stereo_delay.hpp"

namespace auralis::engine {

struct EffectsState {
  dsp::Reverb reverb;
  dsp::StereoDelay delay;
  StereoBus wet;
};

EffectsBus::EffectsBus() : state_(std::make_unique<EffectsState>()) {}
EffectsBus::~EffectsBus() = default;

void EffectsBus::prepare(double sampleRate, int maxBlockFrames) {
  state_->reverb.prepare(sampleRate, maxBlockFrames);
  state_->delay.prepare(sampleRate, maxBlockFrames, 4.0);
  state_->wet.prepare(maxBlockFrames);
  state_->reverb.setSize(0.7F);
  state_->reverb.setDecay(3.5F);
  state_->reverb.setDamping(0.4F);
  state_->delay.setTime(0.5F);
  state_->delay.setFeedback(0.35F);
  state_->delay.setDamping(0.5F);
  state_->delay.setPingPong(true);
}

void EffectsBus::reset() noexcept {
  state_->reverb.reset();
  state_->delay.reset();
}

void EffectsBus::process(StereoBus& reverbSend, StereoBus& delaySend, StereoBus& mix,
                         int frames) noexcept {
  auto& wet = state_->wet;
  state_->reverb.process(reverbSend.left.data(), reverbSend.right.data(), wet.left.data(),
                         wet.right.data(), frames);
  for (std::size_t i = 0; i < static_cast<std::size_t>(frames); ++i) {
    mix.left[i] += wet.left[i];
    mix.right[i] += wet.right[i];
  }
  state_->delay.process(delaySend.left.data(), delaySend.right.data(), wet.left.data(),
                        wet.right.data(), frames);
  for (std::size_t i = 0; i < static_cast<std::size_t>(frames); ++i) {
    mix.left[i] += wet.left[i];
    mix.right[i] += wet.right[i];
  }
}

void EffectsBus::setReverbSize(float v) noexcept { state_->reverb.setSize(v); }
void EffectsBus::setReverbDecay(float seconds) noexcept { state_->reverb.setDecay(seconds); }
void EffectsBus::setReverbDamping(float v) noexcept { state_->reverb.setDamping(v); }
void EffectsBus::setDelayTime(float seconds) noexcept { state_->delay.setTime(seconds); }
void EffectsBus::setDelayFeedback(float v) noexcept { state_->delay.setFeedback(v); }
void EffectsBus::setDelayDamping(float v) noexcept { state_->delay.setDamping(v); }

}  // namespace auralis::engine
