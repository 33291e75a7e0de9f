#include "app/live_controller.hpp"

#include "core/units.hpp"

namespace auralis::app {

using engine::CommandType;

ensemble::EnsembleParams toEnsembleParams(const control::ControlParams& p,
                                          const ensemble::EnsembleParams& base) {
  ensemble::EnsembleParams e = base;
  e.key = p.key;
  e.bpm = p.bpm;
  e.intensity = p.intensity;
  for (std::size_t i = 0; i < e.agents.size(); ++i) {
    e.agents[i].enabled = p.agents[i].enabled;
    e.agents[i].level = 1.0F;
  }
  return e;
}

control::ControlParams fromEnsembleParams(const ensemble::EnsembleParams& p) {
  control::ControlParams c;
  c.key = p.key;
  c.bpm = p.bpm;
  c.intensity = p.intensity;
  for (std::size_t i = 0; i < c.agents.size(); ++i) {
    c.agents[i].enabled = p.agents[i].enabled;  // levels keep control's defaults
  }
  return c;
}

LiveController::LiveController(engine::Engine& engine, ensemble::EnsembleRunner& runner,
                               io::AudioDriver& driver, control::ControlParams initial)
    : engine_(engine), runner_(runner), driver_(driver), params_(initial) {}

void LiveController::pushMix(const control::ControlParams& p) {
  postMixCommands(engine_, p);
}

void postMixCommands(engine::Engine& engine, const control::ControlParams& p) {
  engine.postCommand({CommandType::MasterGain, 0, 0, 0, static_cast<float>(p.masterVolume)});
  for (std::size_t i = 0; i < p.agents.size(); ++i) {
    const auto ch = static_cast<std::uint8_t>(i);
    const auto& a = p.agents[i];
    engine.postCommand({CommandType::ChannelLevel, ch, 0, 0, static_cast<float>(a.level)});
    engine.postCommand({CommandType::ChannelEnabled, ch, 0, 0, a.enabled ? 1.0F : 0.0F});
    engine.postCommand(
        {CommandType::ChannelReverbSend, ch, 0, 0, static_cast<float>(a.reverbSend)});
    engine.postCommand({CommandType::ChannelDelaySend, ch, 0, 0, static_cast<float>(a.delaySend)});
  }
  // The delay follows the tempo: a dotted eighth.
  engine.postCommand(
      {CommandType::DelayTime, 0, 0, 0, static_cast<float>(0.75 * beatDuration(Bpm(p.bpm)).value)});
}

void LiveController::pushMusic(const control::ControlParams& p) {
  runner_.setParams(toEnsembleParams(p, runner_.params()));
}

void LiveController::pushAll() {
  std::lock_guard lock(mutex_);
  pushMix(params_);
  pushMusic(params_);
}

control::ControlParams LiveController::apply(const control::ControlPatch& patch) {
  std::lock_guard lock(mutex_);
  params_ = control::applyPatch(params_, patch);
  if (applyObserver_) applyObserver_(params_, engine_.position());
  pushMix(params_);
  pushMusic(params_);
  return params_;
}

control::ControlParams LiveController::current() const {
  std::lock_guard lock(mutex_);
  return params_;
}

nlohmann::json LiveController::engineStatus() const {
  const auto state = driver_.state();
  const auto& m = engine_.metrics();
  nlohmann::json j = {
      {"status", state.degraded ? "degraded" : "ok"},
      {"backend", std::string(io::backendName(state.active))},
      {"requestedBackend", std::string(io::backendName(state.requested))},
      {"sampleRate", state.sampleRate},
      {"blockFrames", state.blockFrames},
      {"realtimeScheduling", state.realtime},
      {"position", engine_.position()},
      {"blocks", m.blocks.load()},
      {"deadlineMisses", m.deadlineMisses.load()},
      {"chord", runner_.currentChord()},
      {"section", runner_.currentSection()},
  };
  if (state.degraded) j["reason"] = state.reason;
  {
    std::lock_guard lock(mutex_);
    if (!realtime_.is_null()) j["realtime"] = realtime_;
  }
  return j;
}

}  // namespace auralis::app
