// Playback through every surface, thin adapters over PlaybackService that all
// validate with control::parsePlaybackRequest:
//   - the `playback` message (WebSocket and Unix socket): {"type":"playback",
//     "reqId":..,"action":..,...} → {"type":"ack","reqId":..,"playback":{state}}
//     or an `error` naming the field;
//   - GET /api/v1/playback → the state; POST /api/v1/playback with the same
//     fields → 200 {"playback":{state}} or {"error":{...}} (400, 404);
//   - OSC /auralis/playback/{play s [f],stop,seek f,gain f,loop i};
//   - the metrics auralis_playback_underruns_total and auralis_playback_buffer_seconds.
#pragma once

#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/config.hpp"
#include "app/playback_service.hpp"
#include "net/osc_server.hpp"
#include "net/router.hpp"
#include "obs/metrics.hpp"

namespace auralis::app {

/// A `playback` message → its reply (ack or error), reqId echoed. Any control thread.
nlohmann::json handlePlaybackMessage(PlaybackService& service, const nlohmann::json& message);

/// GET|POST /api/v1/playback. Main thread; the handler runs on the io threads.
net::ExtraRoute playbackRoute(PlaybackService& service);

/// /auralis/playback/* for OscWiring::bindCommands. Main thread; handlers on the OSC thread.
std::vector<net::OscCommand> playbackOscCommands(PlaybackService& service);

/// playback.* from the configuration (the loudness target is master.loudness_lufs).
PlaybackConfig playbackConfig(const Config& config);

/// Main thread, at set-up.
void registerPlaybackMetrics(obs::Registry& registry, const PlaybackService& service);

}  // namespace auralis::app
