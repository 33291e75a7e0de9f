// Per-agent note timing (issue 6 §8): for each agent's notes, how far ahead of
// their start they were planned (lead = due - planned) and how late they
// sounded (lateness = sounded - due), as /metrics histograms
//   auralis_agent_note_lead_seconds{agent}
//   auralis_agent_note_lateness_seconds{agent}
// "Planned" is the engine's playhead when the ensemble handed the note over;
// "sounded" is the sample the engine started it on (its own wait-free
// histograms, engine::EngineMetrics::noteLateness), so the audio thread only
// bumps atomics.
//
// Thread rules: NoteLeadMeter::push on the thread(s) that push notes (the
// ensemble runner, the MIDI-in worker); it forwards and records wait-free.
// Registration on the main thread at set-up.
#pragma once

#include <array>

#include "engine/engine.hpp"
#include "engine/engine_metrics.hpp"
#include "ensemble/ensemble.hpp"
#include "obs/metrics.hpp"

namespace auralis::app {

class NoteLeadMeter final : public ensemble::NoteSink {
 public:
  NoteLeadMeter(ensemble::NoteSink& next, const engine::Engine& engine, double sampleRate)
      : next_(next), engine_(engine), rate_(sampleRate) {}
  bool push(const music::NoteEvent& note) override;
  /// Any thread.
  const engine::NoteTimingHistogram& lead(std::size_t channel) const { return lead_[channel]; }

 private:
  ensemble::NoteSink& next_;
  const engine::Engine& engine_;
  double rate_;
  std::array<engine::NoteTimingHistogram, music::kChannelCount> lead_;
};

/// Main thread, at set-up: both histograms for every agent (channel).
void registerNoteTimingMetrics(obs::Registry& registry, const engine::Engine& engine,
                               const NoteLeadMeter& lead);

}  // namespace auralis::app
