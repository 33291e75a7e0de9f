// The WebSocket `midi` message: MIDI played into the page (Web MIDI) and
// forwarded to the server, validated here like every other client message.
//
//   {"type":"midi","reqId":..,"events":[{"t":12.5,"data":[144,60,100]},...]}
//
// Each event is one complete short message (1..3 bytes, its own status byte:
// Web MIDI delivers them so); `t` is the page's timestamp in milliseconds
// (optional, informational). SysEx is refused: the page has no business sending
// it to the ensemble. At most kMaxMidiEvents per message.
//
// Thread rules: pure functions; any thread.
#pragma once

#include <cstddef>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "music/midi_message.hpp"

namespace auralis::control {

inline constexpr std::size_t kMaxMidiEvents = 256;

struct MidiInputEvent {
  double t = 0.0;  // the page's timestamp, ms (0 when absent)
  music::MidiMessage message;
};

/// {"type":"midi","events":[...]}
struct MidiRequest {
  std::vector<MidiInputEvent> events;
};

/// Validates a `midi` message object. Errors: invalid_param (field
/// "events", "events[i]", "events[i].data" or "events[i].t"), unknown_param
/// (a field the message or an event does not have).
Result<MidiRequest> parseMidiRequest(const nlohmann::json& msg);

}  // namespace auralis::control
