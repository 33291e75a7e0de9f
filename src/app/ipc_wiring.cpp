#include "app/ipc_wiring.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>

#include "control/messages.hpp"

namespace auralis::app {

std::string ipcSocketPath(const Config& config, const std::filesystem::path& dataDir) {
  const std::string configured = config.getString("ipc.socket");
  if (configured == "off") return {};
  if (!configured.empty()) return configured;
  if (const char* xdg = std::getenv("XDG_RUNTIME_DIR"); xdg != nullptr && *xdg != '\0')
    return (std::filesystem::path(xdg) / "auralis.sock").string();
  return (dataDir / "auralis.sock").string();
}

std::unique_ptr<VoiceSideChain> startVoice(const Config& config, engine::Engine& engine,
                                           control::Controller& controller, control::EventBus& bus,
                                           const std::filesystem::path& dataDir, double sampleRate,
                                           obs::Registry& registry,
                                           std::function<bool(const nlohmann::json&)> commandHook) {
  if (!config.getBool("voice.enabled")) return nullptr;
  auto recognizer = makeVoiceRecognizer();
  if (!recognizer) {
    spdlog::warn("voice: off: {}", recognizer.error().message);
    return nullptr;
  }
  VoiceSideChainConfig vc;
  vc.sampleRate = sampleRate;
  vc.minConfidence = config.getDouble("voice.min_confidence");
  vc.mode = config.getString("voice.mode") == "dictation" ? voice::RecognizerMode::Dictation
                                                          : voice::RecognizerMode::Command;
  vc.dataDir = dataDir;
  auto chain =
      std::make_unique<VoiceSideChain>(engine, controller, bus, std::move(recognizer).value(), vc);
  chain->registerMetrics(registry);
  if (commandHook) chain->setCommandHook(std::move(commandHook));
  if (auto s = chain->start(); !s) {
    spdlog::warn("voice: off: {}", s.error().message);
    return nullptr;
  }
  return chain;
}

std::unique_ptr<net::IpcServer> startIpc(
    const Config& config, control::Controller& controller, control::EventBus& bus,
    const std::filesystem::path& dataDir, VoiceSideChain* voice, obs::Registry& registry,
    std::function<std::optional<nlohmann::json>(const nlohmann::json&)> recording) {
  net::IpcConfig ic;
  ic.path = ipcSocketPath(config, dataDir);
  if (ic.path.empty()) return nullptr;
  net::IpcHooks hooks;
  hooks.controller = &controller;
  hooks.bus = &bus;
  hooks.extra = [voice, recording](const nlohmann::json& m) -> std::optional<nlohmann::json> {
    if (!m.is_object()) return std::nullopt;
    const auto type = m.value("type", std::string());
    if (type == "voice") {
      const auto mode = m.value("mode", std::string());
      if (voice == nullptr)
        return control::makeErrorMessage(
            makeError(control::codes::kInvalidParam, "voice is off on this server", "mode"));
      if (mode != "command" && mode != "dictation")
        return control::makeErrorMessage(makeError(
            control::codes::kInvalidParam, "mode must be \"command\" or \"dictation\"", "mode"));
      voice->setMode(mode == "dictation" ? voice::RecognizerMode::Dictation
                                         : voice::RecognizerMode::Command);
      return nlohmann::json{{"type", "ack"}, {"voice", {{"mode", mode}}}};
    }
    if ((type == "recording" || type == "playback") && recording) return recording(m);
    return std::nullopt;
  };
  auto server = std::make_unique<net::IpcServer>(ic, hooks);
  if (auto s = server->start(); !s) {
    spdlog::warn("ipc: off: {}", s.error().message);
    return nullptr;
  }
  auto* raw = server.get();
  registry.gaugeFn("auralis_ipc_clients", "Unix-socket clients connected", {},
                   [raw] { return static_cast<double>(raw->clients()); });
  registry.counterFn("auralis_ipc_too_large_total", "Unix-socket messages over 1 MiB", {},
                     [raw] { return static_cast<double>(raw->tooLarge()); });
  registry.counterFn("auralis_ipc_dropped_events_total",
                     "Events not sent to a Unix-socket subscriber that was not reading", {},
                     [raw] { return static_cast<double>(raw->droppedEvents()); });
  std::cout << "ipc: " << ic.path << std::endl;
  return server;
}

}  // namespace auralis::app
