#include "app/ensemble_wiring.hpp"

#include <sstream>

#include "music/key.hpp"

namespace auralis::app {

Result<ensemble::EnsembleParams> ensembleParams(const Config& config, const std::string& modeOverride,
                                                const std::string& agents) {
  ensemble::EnsembleParams p;
  auto key = music::parseKey(config.getString("music.key"));
  if (!key) return key.error();
  p.key = key.value();
  if (!modeOverride.empty()) {
    auto mode = music::parseMode(modeOverride);
    if (!mode) return mode.error();
    p.key.mode = mode.value();
  }
  p.bpm = config.getDouble("music.bpm");
  p.intensity = config.getDouble("music.intensity");
  if (!agents.empty()) {
    static const char* kNames[] = {"harmony", "bass", "melody", "percussion"};
    for (auto& a : p.agents) a.enabled = false;
    std::stringstream list(agents);
    std::string name;
    while (std::getline(list, name, ',')) {
      bool found = false;
      for (std::size_t i = 0; i < 4; ++i)
        if (name == kNames[i]) p.agents[i].enabled = found = true;
      if (!found)
        return makeError("invalid_param",
                         "unknown agent '" + name + "'; agents are harmony, bass, melody, percussion",
                         "agents");
    }
  }
  return p;
}

ensemble::EnsembleParams unityLevels(ensemble::EnsembleParams params) {
  for (auto& a : params.agents) a.level = 1.0F;
  return params;
}

void postMixParams(engine::Engine& engine, const ensemble::EnsembleParams& params) {
  for (std::size_t i = 0; i < params.agents.size(); ++i) {
    const auto ch = static_cast<std::uint8_t>(i);
    engine.postCommand({engine::CommandType::ChannelLevel, ch, 0, 0, params.agents[i].level});
    engine.postCommand(
        {engine::CommandType::ChannelEnabled, ch, 0, 0, params.agents[i].enabled ? 1.0F : 0.0F});
  }
}

}  // namespace auralis::app
