// Shared set-up for the real-time tests: an engine with every instrument the
// ensemble uses, the ensemble planning at full intensity, and a stream of
// commands that touches every parameter the audio thread applies.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>

#include "alloc_guard.hpp"
#include "engine/engine.hpp"
#include "ensemble/ensemble.hpp"

namespace auralis::rt_test {

inline constexpr double kRate = 48000.0;

/// Collects planned notes into the engine; counts what did not fit.
class DirectSink final : public ensemble::NoteSink {
 public:
  explicit DirectSink(engine::Engine& e) : engine_(e) {}
  bool push(const music::NoteEvent& n) override {
    return engine_.postNote(n) || (++dropped, false);
  }
  int dropped = 0;

 private:
  engine::Engine& engine_;
};

inline ensemble::EnsembleConfig busyEnsemble(std::uint64_t seed) {
  ensemble::EnsembleConfig c;
  c.sampleRate = kRate;
  c.seed = seed;
  c.params.intensity = 1.0;
  c.params.bpm = 160.0;
  return c;
}

/// The n-th command of a cycle that visits every command type.
inline engine::EngineCommand cyclingCommand(std::uint64_t n) {
  using engine::CommandType;
  static constexpr CommandType kTypes[] = {
      CommandType::MasterGain,      CommandType::ChannelLevel,      CommandType::ChannelPan,
      CommandType::ChannelEnabled,  CommandType::ChannelReverbSend, CommandType::ChannelDelaySend,
      CommandType::ReverbSize,      CommandType::ReverbDecay,       CommandType::ReverbDamping,
      CommandType::DelayTime,       CommandType::DelayFeedback,     CommandType::DelayDamping,
      CommandType::InstrumentParam, CommandType::AllNotesOff,       CommandType::FadeIn,
      CommandType::LoudnessTrim,    CommandType::RespondToOnsets};
  const auto type = kTypes[n % std::size(kTypes)];
  engine::EngineCommand c;
  c.type = type;
  c.channel = static_cast<std::uint8_t>(n % music::kChannelCount);
  c.instrument = static_cast<std::uint8_t>(n % music::kInstrumentKindCount);
  c.param = static_cast<std::uint8_t>(n % 4);
  const float phase = static_cast<float>(n % 7) / 7.0F;
  switch (type) {
    case CommandType::ChannelEnabled:
      c.value = (n / 15) % 2 == 0 ? 1.0F : 0.0F;
      break;
    case CommandType::ChannelPan:
      c.value = phase * 2.0F - 1.0F;
      break;
    case CommandType::ReverbDecay:
      c.value = 0.5F + 4.0F * phase;
      break;
    case CommandType::DelayTime:
      c.value = 0.1F + 0.5F * phase;
      break;
    case CommandType::DelayFeedback:
      c.value = 0.9F * phase;
      break;
    case CommandType::LoudnessTrim:
      c.value = 12.0F * phase - 6.0F;
      break;
    default:
      c.value = 0.2F + 0.8F * phase;
      break;
  }
  return c;
}

/// A burst of short notes on every channel/instrument: more than any voice
/// pool holds, so stealing runs too.
inline void postStealingBurst(engine::Engine& engine, std::int64_t at) {
  for (const auto& [channel, kind] : engine::ensembleEngineConfig(kRate, 256).instruments)
    for (int i = 0; i < 40; ++i) {
      music::NoteEvent n;
      n.startSample = at + i * 3;
      n.lengthSamples = 2000;
      n.channel = channel;
      n.instrument = kind;
      n.pitch = static_cast<std::uint8_t>(36 + (i * 7) % 48);
      n.velocity = 0.9F;
      (void)engine.postNote(n);
    }
}

inline void requireNoAudioThreadAllocation() {
  INFO(describeViolations());
  CHECK(audioThreadAllocations() == 0);
}

}  // namespace auralis::rt_test
