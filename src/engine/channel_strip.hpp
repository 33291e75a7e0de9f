// ChannelStrip: one mixer channel per agent. Its instruments render into the
// strip's scratch bus; the strip applies level, balance and the on/off fade,
// adds the result to the mix and feeds the effect sends. Every parameter is
// smoothed, and switching a channel off fades it, so nothing ever steps.
// Audio thread only, after prepare().
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "dsp/smoothed_value.hpp"
#include "engine/instrument.hpp"

namespace auralis::engine {

struct StereoBus {
  std::vector<float> left, right;
  void prepare(int frames) {
    left.assign(static_cast<std::size_t>(frames), 0.0F);
    right.assign(static_cast<std::size_t>(frames), 0.0F);
  }
  void clear(int offset, int frames) noexcept;
};

class ChannelStrip {
 public:
  /// Control thread. Takes ownership of prepared instruments.
  void prepare(double sampleRate, int maxBlockFrames);
  void addInstrument(music::InstrumentKind kind, std::unique_ptr<Instrument> instrument);
  Instrument* instrument(music::InstrumentKind kind) noexcept {
    return instruments_[static_cast<std::size_t>(kind)].get();
  }

  void setLevel(float v) noexcept { level_.setTarget(v); }
  void setPan(float v) noexcept { pan_.setTarget(v); }
  void setEnabled(bool on) noexcept { enabled_.setTarget(on ? 1.0F : 0.0F); }
  void setReverbSend(float v) noexcept { reverbSend_.setTarget(v); }
  void setDelaySend(float v) noexcept { delaySend_.setTarget(v); }

  /// Renders [offset, offset+frames) of every instrument and mixes it into
  /// `mix`, `reverb` and `delay` at the same offsets.
  void render(int offset, int frames, StereoBus& mix, StereoBus& reverb, StereoBus& delay) noexcept;

  void allNotesOff() noexcept;
  void reset() noexcept;
  int activeVoices() const noexcept;

 private:
  std::array<std::unique_ptr<Instrument>, music::kInstrumentKindCount> instruments_{};
  StereoBus scratch_;
  dsp::SmoothedValue level_, pan_, enabled_, reverbSend_, delaySend_;
};

}  // namespace auralis::engine
