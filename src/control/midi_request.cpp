#include "control/midi_request.hpp"

#include <cmath>
#include <cstdint>
#include <string>

#include "control/messages.hpp"

namespace auralis::control {

namespace {

Error invalid(const std::string& field, const std::string& why) {
  return makeError(codes::kInvalidParam, why, field);
}

Result<MidiInputEvent> parseEvent(const nlohmann::json& e, const std::string& at) {
  if (!e.is_object()) return invalid(at, at + " must be an object {\"t\":ms,\"data\":[bytes]}");
  for (const auto& [name, value] : e.items()) {
    if (name != "t" && name != "data")
      return makeError(codes::kUnknownParam, "unknown field '" + name + "'; an event has t, data",
                       at + "." + name);
  }
  MidiInputEvent out;
  if (e.contains("t")) {
    const auto& t = e.at("t");
    if (!t.is_number() || !std::isfinite(t.get<double>()) || t.get<double>() < 0)
      return invalid(at + ".t", "t must be a finite number of milliseconds >= 0");
    out.t = t.get<double>();
  }
  const std::string field = at + ".data";
  static const nlohmann::json kNone;
  const auto& data = e.contains("data") ? e.at("data") : kNone;
  if (!data.is_array() || data.empty() || data.size() > 3)
    return invalid(field, "data must be an array of 1 to 3 bytes (one short MIDI message)");
  std::uint8_t bytes[3] = {0, 0, 0};
  for (std::size_t i = 0; i < data.size(); ++i) {
    const auto& b = data.at(i);
    if (!b.is_number_integer() || b.get<std::int64_t>() < 0 || b.get<std::int64_t>() > 255)
      return invalid(field, "data must hold integers 0..255");
    bytes[i] = static_cast<std::uint8_t>(b.get<int>());
  }
  if (bytes[0] == 0xF0) return invalid(field, "SysEx is not accepted");
  if (bytes[0] < 0x80) return invalid(field, "data must start with a status byte (0x80..0xFF)");
  auto parsed = music::parseMidi(std::span<const std::uint8_t>(bytes, data.size()));
  if (!parsed) return invalid(field, "not a MIDI message: " + parsed.error().message);
  if (parsed.value().messages.size() != 1)
    return invalid(field, "data must be exactly one complete MIDI message");
  out.message = parsed.value().messages.front();
  return out;
}

}  // namespace

Result<MidiRequest> parseMidiRequest(const nlohmann::json& msg) {
  for (const auto& [name, value] : msg.items()) {
    if (name != "type" && name != "reqId" && name != "events")
      return makeError(codes::kUnknownParam, "unknown field '" + name + "'; midi has events", name);
  }
  static const nlohmann::json kNone;
  const auto& events = msg.contains("events") ? msg.at("events") : kNone;
  if (!events.is_array() || events.empty() || events.size() > kMaxMidiEvents)
    return invalid("events", "events must be an array of 1 to " + std::to_string(kMaxMidiEvents) +
                                 " MIDI events");
  MidiRequest r;
  r.events.reserve(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    auto e = parseEvent(events.at(i), "events[" + std::to_string(i) + "]");
    if (!e) return e.error();
    r.events.push_back(e.value());
  }
  return r;
}

}  // namespace auralis::control
