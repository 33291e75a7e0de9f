// EffectsBus: the shared send effects (stereo reverb and tempo-syncable delay).
// Channels feed the send buses; the wet returns are added to the mix.
// Audio thread only, after prepare().
#pragma once

#include "engine/channel_strip.hpp"

namespace auralis::engine {

struct EffectsState;

class EffectsBus {
 public:
  EffectsBus();
  ~EffectsBus();
  void prepare(double sampleRate, int maxBlockFrames);
  void reset() noexcept;
  /// Adds the wet returns of both sends into `mix` for [0, frames).
  void process(StereoBus& reverbSend, StereoBus& delaySend, StereoBus& mix, int frames) noexcept;

  void setReverbSize(float v) noexcept;
  void setReverbDecay(float seconds) noexcept;
  void setReverbDamping(float v) noexcept;
  void setDelayTime(float seconds) noexcept;
  void setDelayFeedback(float v) noexcept;
  void setDelayDamping(float v) noexcept;

 private:
  std::unique_ptr<EffectsState> state_;
};

}  // namespace auralis::engine
