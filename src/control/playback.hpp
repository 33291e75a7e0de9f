// The playback vocabulary: play, stop, seek, gain and loop of an uploaded
// source, validated in one place for every surface (the WebSocket and Unix
// socket `playback` message, POST /api/v1/playback, the /auralis/playback/*
// OSC addresses), so they refuse exactly the same things with the same codes.
//
// Public interface
//   PlaybackRequest              a validated request
//   parsePlaybackRequest(json)   all-or-nothing validation of the fields
//
// Thread rules: plain values and free functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace auralis::control {

enum class PlaybackAction : std::uint8_t { Play, Stop, Seek, Gain, Loop };

/// "play", "stop", "seek", "gain", "loop". Any thread.
std::string_view playbackActionName(PlaybackAction action);

/// Ranges shared by the validator and the docs.
inline constexpr double kMaxPlaybackCrossfade = 10.0;  // seconds
inline constexpr double kMaxPlaybackGain = 4.0;        // linear (+12 dB)
inline constexpr double kMinPlaybackGainDb = -80.0;
inline constexpr double kMaxPlaybackGainDb = 12.0;
inline constexpr std::size_t kMaxSourceIdChars = 128;
/// The error code for a sourceId the registry does not hold (as the sources REST API).
inline constexpr const char* kNotFound = "not_found";

struct PlaybackRequest {
  PlaybackAction action = PlaybackAction::Stop;
  std::string sourceId;             // play: required
  std::optional<double> position;   // play, seek (required): seconds from the start
  std::optional<double> gain;       // linear; `gainDb` arrives here converted
  std::optional<bool> loop;         // play, loop (required)
  std::optional<double> crossfade;  // play, seek, stop: fade seconds
};

/// Validates a request object, all or nothing: `action` ("play"|"stop"|"seek"|
/// "gain"|"loop"), `sourceId` (string, play), `position` (seconds >= 0; play,
/// seek), `gain` (linear 0..4) or `gainDb` (-80..12), `loop` (boolean),
/// `crossfade` (seconds 0..10). The members `type` and `reqId` are ignored (the
/// message's envelope). Errors: `invalid_param` (wrong type, null, non-finite,
/// out of range, a field the action needs is missing) or `unknown_param`, each
/// naming the field. Any thread.
Result<PlaybackRequest> parsePlaybackRequest(const nlohmann::json& fields);

}  // namespace auralis::control
