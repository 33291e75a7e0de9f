// IPC wiring: the Unix-socket server started by `auralis serve`, with the extra messages it
// answers beyond the WebSocket vocabulary: {"type":"voice","mode":"command"|"dictation"} and
// {"type":"recording","action":"start"|"stop"} (answered unknown_type until recording has a
// hook). Also starts the voice side-chain, which the `voice` message drives.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "app/config.hpp"
#include "app/voice_wiring.hpp"
#include "control/controller.hpp"
#include "control/event_bus.hpp"
#include "engine/engine.hpp"
#include "net/ipc_server.hpp"
#include "obs/metrics.hpp"

namespace auralis::app {

/// $XDG_RUNTIME_DIR/auralis.sock, else <dataDir>/auralis.sock, unless ipc.socket says.
/// Empty when ipc.socket is "off". Main thread.
std::string ipcSocketPath(const Config& config, const std::filesystem::path& dataDir);

/// Main thread. The voice side-chain when voice.enabled and the model loads (else null,
/// with a warning: the server runs without voice).
std::unique_ptr<VoiceSideChain> startVoice(
    const Config& config, engine::Engine& engine, control::Controller& controller,
    control::EventBus& bus, const std::filesystem::path& dataDir, double sampleRate,
    obs::Registry& registry, std::function<bool(const nlohmann::json&)> commandHook = {});

/// Main thread. The IPC server, started and printed, or null when off or on failure (logged).
/// `recording` (may be empty) answers {"type":"recording",...}; `voice` may be null.
std::unique_ptr<net::IpcServer> startIpc(
    const Config& config, control::Controller& controller, control::EventBus& bus,
    const std::filesystem::path& dataDir, VoiceSideChain* voice, obs::Registry& registry,
    std::function<std::optional<nlohmann::json>(const nlohmann::json&)> recording = {});

}  // namespace auralis::app
