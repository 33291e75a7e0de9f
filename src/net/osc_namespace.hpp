// The OSC address space: what each incoming address means in the control
// vocabulary, and which addresses carry events out. One table drives the
// translation, the self-describing JSON at GET /api/v1/osc and the docs.
//
// Public interface
//   oscInputAddresses() / oscOutputAddresses()   the tables
//   oscToControlParams(msg)   an incoming message -> a `params` JSON object for
//                             control::parseControlParams (the WebSocket's validator)
//   oscMessagesForEvent(kind, event)   a bus event -> the OSC messages sent out
//   oscNamespaceJson()        the namespace served at /api/v1/osc
//
// Thread rules: plain data and free functions; any non-real-time thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "net/osc_codec.hpp"

namespace auralis::net {

/// One address of the namespace.
struct OscAddressInfo {
  std::string address;    // "/auralis/control/bpm"
  std::string types;      // accepted or sent type tags, e.g. "f", "sifff"
  std::string param;      // the control parameter it sets ("agents.bass.level"); "" for out
  std::string valueKind;  // "number", "string", "bool", "json"
  double min = 0.0;       // range, for numbers
  double max = 0.0;
  std::vector<std::string> argNames;  // one per argument, for control surfaces
  std::string description;
};

/// Every address the server accepts. Any thread.
const std::vector<OscAddressInfo>& oscInputAddresses();
/// Every address the server sends to its targets. Any thread.
const std::vector<OscAddressInfo>& oscOutputAddresses();

/// Translates one incoming message into a `params` object (e.g. {"bpm":120.0}).
/// Only the shape is checked here (a known address, one argument of a usable
/// kind); ranges and finiteness are left to control::parseControlParams so OSC
/// refuses exactly what the WebSocket refuses. Unknown address: `unknown_param`;
/// wrong argument count or type: `invalid_param`. Any non-real-time thread.
Result<nlohmann::json> oscToControlParams(const OscMessage& message);

/// The OSC messages that report one event-bus event (`generation_update` notes,
/// chords, sections, tempo and key changes; `analysis` onsets and beats); empty
/// for events OSC does not carry. Any non-real-time thread.
std::vector<OscMessage> oscMessagesForEvent(std::string_view kind, const nlohmann::json& event);

/// {"version":1,"in":[{address,types,param,kind,min,max,args,description}],"out":[...]}.
/// `commands` (the app's own addresses, e.g. recording) are listed in "in" with kind "command".
nlohmann::json oscNamespaceJson(const std::vector<OscAddressInfo>& commands = {});

}  // namespace auralis::net
