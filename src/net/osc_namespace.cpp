#include "net/osc_namespace.hpp"

#include "control/params.hpp"

namespace auralis::net {

namespace {

constexpr std::string_view kControlPrefix = "/auralis/control/";

std::vector<OscAddressInfo> buildInputs() {
  std::vector<OscAddressInfo> in = {
      {"/auralis/control/bpm",
       "f",
       "bpm",
       "number",
       control::kMinBpm,
       control::kMaxBpm,
       {"bpm"},
       "tempo in beats per minute; lands at the next bar"},
      {"/auralis/control/intensity",
       "f",
       "intensity",
       "number",
       0,
       1,
       {"intensity"},
       "how busy and bright the ensemble plays"},
      {"/auralis/control/key",
       "s",
       "key",
       "string",
       0,
       0,
       {"key"},
       "key name, e.g. \"D minor\", \"F# dorian\", \"Bb\""},
      {"/auralis/control/mode",
       "s",
       "mode",
       "string",
       0,
       0,
       {"mode"},
       "mode of the current key: major, minor, dorian, ..."},
      {"/auralis/control/masterVolume",
       "f",
       "masterVolume",
       "number",
       0,
       1,
       {"volume"},
       "master volume (linear gain, smoothed)"},
      {"/auralis/control",
       "s",
       "",
       "json",
       0,
       0,
       {"params"},
       "a whole `params` object as JSON text, all or nothing (as the WebSocket `control`)"},
  };
  for (int i = 0; i < control::kAgentCount; ++i) {
    const std::string agent(control::agentName(static_cast<control::Agent>(i)));
    const std::string base = "/auralis/control/agents/" + agent + "/";
    const std::string param = "agents." + agent + ".";
    in.push_back({base + "enabled",
                  "T",
                  param + "enabled",
                  "bool",
                  0,
                  1,
                  {"enabled"},
                  "switch the " + agent + " agent on (T, or 1) or off (F, or 0)"});
    in.push_back({base + "level",
                  "f",
                  param + "level",
                  "number",
                  0,
                  1,
                  {"level"},
                  agent + " channel level (linear gain)"});
    in.push_back({base + "reverbSend",
                  "f",
                  param + "reverbSend",
                  "number",
                  0,
                  1,
                  {"send"},
                  agent + " send to the reverb"});
    in.push_back({base + "delaySend",
                  "f",
                  param + "delaySend",
                  "number",
                  0,
                  1,
                  {"send"},
                  agent + " send to the tempo-synced delay"});
  }
  return in;
}

std::vector<OscAddressInfo> buildOutputs() {
  return {
      {"/auralis/event/note",
       "sifff",
       "",
       "",
       0,
       0,
       {"agent", "pitch", "velocity", "duration", "time"},
       "a note as it sounds: agent, MIDI pitch, velocity 0..1, duration and engine time in "
       "seconds"},
      {"/auralis/event/chord",
       "sif",
       "",
       "",
       0,
       0,
       {"chord", "bar", "time"},
       "the harmony moved to a new chord"},
      {"/auralis/event/section",
       "sfif",
       "",
       "",
       0,
       0,
       {"section", "intensity", "bar", "time"},
       "a new section of the song form"},
      {"/auralis/event/tempo", "ff", "", "", 0, 0, {"bpm", "time"}, "the tempo changed"},
      {"/auralis/event/key", "sf", "", "", 0, 0, {"key", "time"}, "the key changed"},
      {"/auralis/event/onset", "f", "", "", 0, 0, {"time"}, "an onset detected by analysis"},
      {"/auralis/event/beat", "f", "", "", 0, 0, {"time"}, "a beat tracked by analysis"},
  };
}

Error invalid(const OscMessage& m, const std::string& what) {
  return makeError("invalid_param", m.address + " " + what + ", got '," + m.types() + "'",
                   m.address);
}

/// Sets params at a dotted path ("agents.bass.level").
void setPath(nlohmann::json& root, const std::string& path, nlohmann::json value) {
  nlohmann::json* at = &root;
  std::size_t start = 0;
  for (std::size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', start)) {
    at = &(*at)[path.substr(start, dot - start)];
    start = dot + 1;
  }
  (*at)[path.substr(start)] = std::move(value);
}

double timeOf(const nlohmann::json& e) {
  for (const char* name : {"time", "t"})
    if (auto it = e.find(name); it != e.end() && it->is_number()) return it->get<double>();
  return 0.0;
}

/// Analysis telemetry may carry its detections as {"event":"onset"}, as flags
/// {"onset":true}, or as a list {"events":[{"type":"onset","t":..}]}: accept each.
void analysisEvents(const nlohmann::json& e, std::vector<OscMessage>& out) {
  auto one = [&out](const nlohmann::json& item, const std::string& type) {
    if (type == "onset" || type == "beat")
      out.push_back({"/auralis/event/" + type, {oscFloat(timeOf(item))}});
  };
  if (auto it = e.find("event"); it != e.end() && it->is_string()) one(e, it->get<std::string>());
  for (const char* flag : {"onset", "beat"})
    if (auto it = e.find(flag); it != e.end() && it->is_boolean() && it->get<bool>()) one(e, flag);
  if (auto it = e.find("events"); it != e.end() && it->is_array())
    for (const auto& item : *it)
      if (item.is_object())
        if (auto t = item.find("type"); t != item.end() && t->is_string())
          one(item, t->get<std::string>());
}

std::string textOf(const nlohmann::json& e, const char* name) {
  auto it = e.find(name);
  return it != e.end() && it->is_string() ? it->get<std::string>() : std::string();
}

double numberOf(const nlohmann::json& e, const char* name) {
  auto it = e.find(name);
  return it != e.end() && it->is_number() ? it->get<double>() : 0.0;
}

}  // namespace

const std::vector<OscAddressInfo>& oscInputAddresses() {
  static const std::vector<OscAddressInfo> in = buildInputs();
  return in;
}

const std::vector<OscAddressInfo>& oscOutputAddresses() {
  static const std::vector<OscAddressInfo> out = buildOutputs();
  return out;
}

Result<nlohmann::json> oscToControlParams(const OscMessage& m) {
  const OscAddressInfo* info = nullptr;
  for (const auto& a : oscInputAddresses())
    if (a.address == m.address) info = &a;
  if (info == nullptr) {
    const bool ours = m.address.rfind(kControlPrefix, 0) == 0 || m.address == "/auralis/control";
    return makeError(
        "unknown_param",
        "unknown OSC address " + m.address + (ours ? "; GET /api/v1/osc lists the addresses" : ""),
        m.address);
  }
  if (m.args.size() != 1) return invalid(m, "takes exactly one argument");
  const OscArg& arg = m.args[0];
  if (info->valueKind == "json") {
    if (!arg.isText()) return invalid(m, "takes one string of JSON");
    auto parsed = nlohmann::json::parse(std::get<std::string>(arg.value), nullptr, false);
    if (parsed.is_discarded())
      return makeError("bad_json", m.address + ": the argument is not valid JSON", m.address);
    return parsed;  // parseControlParams refuses anything but an object
  }
  nlohmann::json value;
  if (info->valueKind == "bool") {
    // Faders and toggles send 0/1 as numbers; only exactly 0 or 1 count as switches.
    if (arg.isBool())
      value = std::get<bool>(arg.value);
    else if (arg.isNumber() && std::get<double>(arg.value) == 0.0)
      value = false;
    else if (arg.isNumber() && std::get<double>(arg.value) == 1.0)
      value = true;
    else
      return invalid(m, "takes T, F, 0 or 1");
  } else if (info->valueKind == "string") {
    if (!arg.isText()) return invalid(m, "takes one string");
    value = std::get<std::string>(arg.value);
  } else {
    // NaN and infinities pass through as JSON numbers: the shared validator refuses them.
    if (!arg.isNumber()) return invalid(m, "takes one number (f, d, i or h)");
    value = std::get<double>(arg.value);
  }
  nlohmann::json params = nlohmann::json::object();
  setPath(params, info->param, std::move(value));
  return params;
}

std::vector<OscMessage> oscMessagesForEvent(std::string_view kind, const nlohmann::json& e) {
  std::vector<OscMessage> out;
  if (!e.is_object()) return out;
  if (kind == "analysis") {
    analysisEvents(e, out);
    return out;
  }
  if (kind != "generation_update") return out;
  const std::string event = textOf(e, "event");
  const auto time = oscFloat(timeOf(e));
  const auto bar = oscInt(static_cast<std::int32_t>(numberOf(e, "bar")));
  if (event == "note") {
    out.push_back(
        {"/auralis/event/note",
         {oscString(textOf(e, "agent")), oscInt(static_cast<std::int32_t>(numberOf(e, "pitch"))),
          oscFloat(numberOf(e, "velocity")), oscFloat(numberOf(e, "duration")), time}});
  } else if (event == "chord") {
    out.push_back({"/auralis/event/chord", {oscString(textOf(e, "text")), bar, time}});
  } else if (event == "section") {
    out.push_back({"/auralis/event/section",
                   {oscString(textOf(e, "text")), oscFloat(numberOf(e, "intensity")), bar, time}});
  } else if (event == "tempo") {
    out.push_back({"/auralis/event/tempo", {oscFloat(numberOf(e, "bpm")), time}});
  } else if (event == "key") {
    out.push_back({"/auralis/event/key", {oscString(textOf(e, "key")), time}});
  }
  return out;
}

nlohmann::json oscNamespaceJson(const std::vector<OscAddressInfo>& commands) {
  auto describe = [](const OscAddressInfo& a, bool input) {
    nlohmann::json j = {{"address", a.address},
                        {"types", a.types},
                        {"args", a.argNames},
                        {"description", a.description}};
    if (input) {
      j["param"] = a.param;
      j["kind"] = a.valueKind;
      if (a.valueKind == "number") j["range"] = {a.min, a.max};
      if (a.valueKind == "bool") j["accepts"] = {"T", "F", "i 0|1", "f 0|1"};
      if (a.valueKind == "number") j["accepts"] = {"f", "d", "i", "h"};
    }
    return j;
  };
  nlohmann::json in = nlohmann::json::array();
  for (const auto& a : oscInputAddresses()) in.push_back(describe(a, true));
  for (const auto& a : commands) in.push_back(describe(a, true));
  nlohmann::json out = nlohmann::json::array();
  for (const auto& a : oscOutputAddresses()) out.push_back(describe(a, false));
  return {{"version", 1}, {"in", in}, {"out", out}};
}

}  // namespace auralis::net
