// The seams between the ensemble and the engine: musical parameters from
// configuration, and the sink that carries planned notes across.
#pragma once

#include <atomic>
#include <string>

#include "app/config.hpp"
#include "core/result.hpp"
#include "engine/engine.hpp"
#include "ensemble/ensemble.hpp"

namespace auralis::app {

/// Musical parameters from configuration (key + optional mode override,
/// bpm, intensity, enabled agents). Refuses bad keys with the parser's message.
Result<ensemble::EnsembleParams> ensembleParams(const Config& config, const std::string& modeOverride,
                                                const std::string& agents);

/// Posts planned notes to the engine; a full queue drops the note and counts it.
class EngineNoteSink final : public ensemble::NoteSink {
 public:
  explicit EngineNoteSink(engine::Engine& engine) : engine_(engine) {}
  bool push(const music::NoteEvent& note) override {
    if (engine_.postNote(note)) return true;
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  engine::Engine& engine_;
  std::atomic<std::uint64_t> dropped_{0};
};

/// The ensemble's copy of the parameters: agent levels at unity, because the
/// engine's channel strips apply the levels (smoothed, at once), not velocities.
ensemble::EnsembleParams unityLevels(ensemble::EnsembleParams params);

/// Sends the mix-side parameters (agent levels and switches) to the engine.
void postMixParams(engine::Engine& engine, const ensemble::EnsembleParams& params);

}  // namespace auralis::app
