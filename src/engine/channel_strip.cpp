#include "engine/channel_strip.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace auralis::engine {

void StereoBus::clear(int offset, int frames) noexcept {
  std::fill_n(left.data() + offset, frames, 0.0F);
  std::fill_n(right.data() + offset, frames, 0.0F);
}

void ChannelStrip::prepare(double sampleRate, int maxBlockFrames) {
  scratch_.prepare(maxBlockFrames);
  for (auto* p : {&level_, &pan_, &enabled_, &reverbSend_, &delaySend_}) p->prepare(sampleRate, 0.03);
  level_.reset(0.8F);
  pan_.reset(0.0F);
  enabled_.reset(1.0F);
  reverbSend_.reset(0.0F);
  delaySend_.reset(0.0F);
}

void ChannelStrip::addInstrument(music::InstrumentKind kind, std::unique_ptr<Instrument> instrument) {
  instruments_[static_cast<std::size_t>(kind)] = std::move(instrument);
}

void ChannelStrip::render(int offset, int frames, StereoBus& mix, StereoBus& reverb,
                          StereoBus& delay) noexcept {
  scratch_.clear(0, frames);
  bool any = false;
  for (auto& inst : instruments_) {
    if (inst && inst->activeVoices() > 0) {
      inst->render(scratch_.left.data(), scratch_.right.data(), frames);
      any = true;
    }
  }
  const bool smoothing = level_.isSmoothing() || pan_.isSmoothing() || enabled_.isSmoothing() ||
                         reverbSend_.isSmoothing() || delaySend_.isSmoothing();
  if (!any && !smoothing) return;

  for (int i = 0; i < frames; ++i) {
    const float gain = level_.next() * enabled_.next();
    // Equal-power balance: centre leaves both sides at unity.
    const float pan = pan_.next();
    const float gl = pan > 0.0F ? std::cos(pan * std::numbers::pi_v<float> * 0.5F) : 1.0F;
    const float gr = pan < 0.0F ? std::cos(-pan * std::numbers::pi_v<float> * 0.5F) : 1.0F;
    const float l = scratch_.left[static_cast<std::size_t>(i)] * gain * gl;
    const float r = scratch_.right[static_cast<std::size_t>(i)] * gain * gr;
    const auto o = static_cast<std::size_t>(offset + i);
    mix.left[o] += l;
    mix.right[o] += r;
    const float rs = reverbSend_.next();
    const float ds = delaySend_.next();
    reverb.left[o] += l * rs;
    reverb.right[o] += r * rs;
    delay.left[o] += l * ds;
    delay.right[o] += r * ds;
  }
}

void ChannelStrip::allNotesOff() noexcept {
  for (auto& inst : instruments_)
    if (inst) inst->allNotesOff();
}

void ChannelStrip::reset() noexcept {
  for (auto& inst : instruments_)
    if (inst) inst->reset();
}

int ChannelStrip::activeVoices() const noexcept {
  int n = 0;
  for (const auto& inst : instruments_)
    if (inst) n += inst->activeVoices();
  return n;
}

}  // namespace auralis::engine
