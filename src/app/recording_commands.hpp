// Recording through the message surfaces that are not REST: the Unix socket's
// {"type":"recording","action":"start"|"stop",...} and the voice commands
// "start recording" / "stop recording" — thin adapters over RecordingService.
#pragma once

#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/recording_service.hpp"
#include "net/osc_server.hpp"

namespace auralis::app {

/// {"type":"recording","action":"start","format"?,"bundle"?,"input"?,"reqId"?} →
/// {"type":"ack","reqId",..,"recording":{"id"}}; "stop" with an optional "id" (default:
/// the recording in progress) → {"type":"ack","recording":{row}}; errors as `error`
/// messages (invalid_param naming the field, or the service's code). Any control thread.
nlohmann::json handleRecordingMessage(RecordingService& recordings, const nlohmann::json& message);

/// The OSC addresses /auralis/recording/start [s format] [i|T|F bundle] and
/// /auralis/recording/stop [s id], answered with the same result as the Unix
/// socket's `recording` message (its `recording` member). Main thread; the
/// handlers run on the OSC thread.
std::vector<net::OscCommand> recordingOscCommands(RecordingService& recordings);

}  // namespace auralis::app
