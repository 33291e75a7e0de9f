#include "control/params.hpp"

#include <cmath>
#include <string>

namespace auralis::control {
namespace {

constexpr std::array<std::string_view, kAgentCount> kAgentNames = {"harmony", "bass", "melody",
                                                                   "percussion"};

std::string describe(const nlohmann::json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "a boolean";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "a number";
}

std::string formatBound(double v) {
  // Bounds are simple decimals; print them without trailing zeros.
  std::string s = std::to_string(v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// A JSON number (never a string, bool, null or container), finite and inside
// [lo, hi]. nlohmann parses 1e309 as +inf, so the finiteness check matters.
Result<double> readNumber(const nlohmann::json& v, const std::string& field, double lo, double hi) {
  const std::string range = "[" + formatBound(lo) + ", " + formatBound(hi) + "]";
  if (!v.is_number()) {
    return makeError("invalid_param",
                     field + " must be a number in " + range + ", got " + describe(v), field);
  }
  const double x = v.get<double>();
  if (!std::isfinite(x)) {
    return makeError("invalid_param", field + " must be a finite number in " + range, field);
  }
  if (x < lo || x > hi) {
    return makeError("invalid_param", field + " must be in " + range, field);
  }
  return x;
}

Result<bool> readBool(const nlohmann::json& v, const std::string& field) {
  if (!v.is_boolean()) {
    return makeError("invalid_param", field + " must be true or false, got " + describe(v), field);
  }
  return v.get<bool>();
}

Result<std::string> readString(const nlohmann::json& v, const std::string& field) {
  if (!v.is_string()) {
    return makeError("invalid_param", field + " must be a string, got " + describe(v), field);
  }
  return v.get<std::string>();
}

Error unknown(const std::string& field, std::string_view allowed) {
  return makeError("unknown_param",
                   "unknown parameter '" + field + "'; allowed: " + std::string(allowed), field);
}

template <class T>
bool take(Result<T>&& r, std::optional<T>& out, std::optional<Error>& err) {
  if (!r.ok()) {
    err = r.error();
    return false;
  }
  out = std::move(r).value();
  return true;
}

std::optional<Error> parseAgent(const nlohmann::json& obj, const std::string& prefix,
                                AgentPatch& out) {
  if (!obj.is_object()) {
    return makeError("invalid_param",
                     prefix + " must be an object with enabled, level, reverbSend, delaySend",
                     prefix);
  }
  std::optional<Error> err;
  for (const auto& [name, value] : obj.items()) {
    const std::string field = prefix + "." + name;
    if (name == "enabled") {
      take(readBool(value, field), out.enabled, err);
    } else if (name == "level") {
      take(readNumber(value, field, 0.0, 1.0), out.level, err);
    } else if (name == "reverbSend") {
      take(readNumber(value, field, 0.0, 1.0), out.reverbSend, err);
    } else if (name == "delaySend") {
      take(readNumber(value, field, 0.0, 1.0), out.delaySend, err);
    } else {
      err = unknown(field, "enabled, level, reverbSend, delaySend");
    }
    if (err) return err;
  }
  return std::nullopt;
}

}  // namespace

std::string_view agentName(Agent agent) {
  const auto i = static_cast<std::size_t>(agent);
  return i < kAgentNames.size() ? kAgentNames[i] : std::string_view("unknown");
}

bool ControlPatch::empty() const {
  if (key || mode || bpm || intensity || masterVolume) return false;
  for (const auto& a : agents) {
    if (a.enabled || a.level || a.reverbSend || a.delaySend) return false;
  }
  return true;
}

Result<ControlPatch> parseControlParams(const nlohmann::json& params) {
  if (!params.is_object()) {
    return makeError("invalid_param", "params must be a JSON object, got " + describe(params),
                     "params");
  }
  ControlPatch patch;
  std::optional<Error> err;
  for (const auto& [name, value] : params.items()) {
    if (name == "key") {
      auto text = readString(value, "key");
      if (!text.ok()) return text.error();
      auto key = music::parseKey(text.value());
      if (!key.ok()) return makeError("invalid_param", key.error().message, "key");
      patch.key = key.value();
    } else if (name == "mode") {
      auto text = readString(value, "mode");
      if (!text.ok()) return text.error();
      auto mode = music::parseMode(text.value());
      if (!mode.ok()) return makeError("invalid_param", mode.error().message, "mode");
      patch.mode = mode.value();
    } else if (name == "bpm") {
      take(readNumber(value, "bpm", kMinBpm, kMaxBpm), patch.bpm, err);
    } else if (name == "intensity") {
      take(readNumber(value, "intensity", 0.0, 1.0), patch.intensity, err);
    } else if (name == "masterVolume") {
      take(readNumber(value, "masterVolume", 0.0, 1.0), patch.masterVolume, err);
    } else if (name == "agents") {
      if (!value.is_object()) {
        return makeError("invalid_param",
                         "agents must be an object keyed by harmony, bass, melody, percussion",
                         "agents");
      }
      for (const auto& [agent, body] : value.items()) {
        std::size_t idx = kAgentNames.size();
        for (std::size_t i = 0; i < kAgentNames.size(); ++i) {
          if (kAgentNames[i] == agent) idx = i;
        }
        if (idx == kAgentNames.size()) {
          return unknown("agents." + agent, "harmony, bass, melody, percussion");
        }
        err = parseAgent(body, "agents." + agent, patch.agents[idx]);
        if (err) return *err;
      }
    } else {
      return unknown(name, "key, mode, bpm, intensity, masterVolume, agents");
    }
    if (err) return *err;
  }
  return patch;
}

ControlParams applyPatch(ControlParams base, const ControlPatch& patch) {
  if (patch.key) base.key = *patch.key;
  if (patch.mode) base.key.mode = *patch.mode;
  if (patch.bpm) base.bpm = *patch.bpm;
  if (patch.intensity) base.intensity = *patch.intensity;
  if (patch.masterVolume) base.masterVolume = *patch.masterVolume;
  for (std::size_t i = 0; i < base.agents.size(); ++i) {
    const AgentPatch& a = patch.agents[i];
    AgentParams& dst = base.agents[i];
    if (a.enabled) dst.enabled = *a.enabled;
    if (a.level) dst.level = *a.level;
    if (a.reverbSend) dst.reverbSend = *a.reverbSend;
    if (a.delaySend) dst.delaySend = *a.delaySend;
  }
  return base;
}

nlohmann::json toJson(const ControlParams& params) {
  nlohmann::json agents = nlohmann::json::object();
  for (std::size_t i = 0; i < params.agents.size(); ++i) {
    const AgentParams& a = params.agents[i];
    agents[std::string(kAgentNames[i])] = {{"enabled", a.enabled},
                                           {"level", a.level},
                                           {"reverbSend", a.reverbSend},
                                           {"delaySend", a.delaySend}};
  }
  return {{"key", params.key.name()},
          {"mode", std::string(music::modeName(params.key.mode))},
          {"bpm", params.bpm},
          {"intensity", params.intensity},
          {"masterVolume", params.masterVolume},
          {"agents", std::move(agents)}};
}

}  // namespace auralis::control
