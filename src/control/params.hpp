// The control vocabulary: every parameter a surface (WebSocket, REST, OSC, MIDI,
// Unix socket, voice) may change, with its range, validated in one place.
//
// Public interface
//   ControlParams   the full applied state (what `status` and `ack` report)
//   ControlPatch    a validated, partial change: only the fields a client named
//   parseControlParams(json)  all-or-nothing validation of a `params` object
//   applyPatch / toJson       merge and serialise
//
// Thread rules: plain values and free functions; any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "music/key.hpp"

namespace auralis::control {

/// The agents a client can switch and mix, in the order of music::Channel.
enum class Agent : std::uint8_t { Harmony = 0, Bass, Melody, Percussion, Count };
inline constexpr int kAgentCount = static_cast<int>(Agent::Count);

/// "harmony", "bass", "melody", "percussion". Any thread.
std::string_view agentName(Agent agent);

/// Allowed ranges, shared by the validator, the schema and the docs.
inline constexpr double kMinBpm = 40.0;
inline constexpr double kMaxBpm = 200.0;

/// One agent's switch, level and effect sends (all gains 0..1).
struct AgentParams {
  bool enabled = true;
  double level = 0.8;
  double reverbSend = 0.2;
  double delaySend = 0.1;
  bool operator==(const AgentParams&) const = default;
};

/// The whole applied control state.
struct ControlParams {
  music::Key key{2, music::Mode::NaturalMinor};
  double bpm = 90.0;
  double intensity = 0.5;
  double masterVolume = 0.8;
  std::array<AgentParams, kAgentCount> agents{};
};

/// A partial change of one agent; unset fields stay as they are.
struct AgentPatch {
  std::optional<bool> enabled;
  std::optional<double> level;
  std::optional<double> reverbSend;
  std::optional<double> delaySend;
};

/// A validated partial change. `key` sets root and mode; `mode`, when also given,
/// overrides the mode (so {"key":"D","mode":"dorian"} is D dorian).
struct ControlPatch {
  std::optional<music::Key> key;
  std::optional<music::Mode> mode;
  std::optional<double> bpm;
  std::optional<double> intensity;
  std::optional<double> masterVolume;
  std::array<AgentPatch, kAgentCount> agents{};

  /// True when the patch changes nothing. Any thread.
  bool empty() const;
};

/// Validates a `params` object, all or nothing: the first fault refuses the whole
/// patch with `invalid_param` (wrong type, null, non-finite, out of range) or
/// `unknown_param` (a name we do not know), naming `field` ("bpm",
/// "agents.bass.level") and the allowed range. Any thread.
Result<ControlPatch> parseControlParams(const nlohmann::json& params);

/// `base` with the patch applied. Any thread.
ControlParams applyPatch(ControlParams base, const ControlPatch& patch);

/// The full state as the wire shows it:
/// {"key":"D minor","mode":"minor","bpm":90,"intensity":0.5,"masterVolume":0.8,
///  "agents":{"harmony":{"enabled":true,"level":0.8,"reverbSend":0.2,"delaySend":0.1},...}}
nlohmann::json toJson(const ControlParams& params);

}  // namespace auralis::control
