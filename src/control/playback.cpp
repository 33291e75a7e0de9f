#include "control/playback.hpp"

#include <cmath>

#include "control/messages.hpp"

namespace auralis::control {

namespace {

Error invalid(const std::string& field, const std::string& message) {
  return makeError(codes::kInvalidParam, message, field);
}

// A finite JSON number in [lo, hi] (booleans are not numbers here), else the error.
Result<double> number(const nlohmann::json& v, const std::string& field, double lo, double hi,
                      const std::string& what) {
  if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < lo ||
      v.get<double>() > hi)
    return invalid(field, field + " must be " + what);
  return v.get<double>();
}

}  // namespace

std::string_view playbackActionName(PlaybackAction action) {
  switch (action) {
    case PlaybackAction::Play:
      return "play";
    case PlaybackAction::Stop:
      return "stop";
    case PlaybackAction::Seek:
      return "seek";
    case PlaybackAction::Gain:
      return "gain";
    case PlaybackAction::Loop:
      return "loop";
  }
  return "stop";
}

Result<PlaybackRequest> parsePlaybackRequest(const nlohmann::json& m) {
  if (!m.is_object()) return invalid("action", "a playback request is a JSON object");
  for (const auto& [k, v] : m.items()) {
    if (k != "type" && k != "reqId" && k != "action" && k != "sourceId" && k != "position" &&
        k != "gain" && k != "gainDb" && k != "loop" && k != "crossfade")
      return makeError(codes::kUnknownParam, "unknown playback field " + k, k);
  }
  PlaybackRequest r;
  const auto it = m.find("action");
  constexpr const char* kActions =
      "action must be \"play\", \"stop\", \"seek\", \"gain\" or \"loop\"";
  if (it == m.end() || !it->is_string()) return invalid("action", kActions);
  const auto& a = it->get_ref<const std::string&>();
  if (a == "play") {
    r.action = PlaybackAction::Play;
  } else if (a == "stop") {
    r.action = PlaybackAction::Stop;
  } else if (a == "seek") {
    r.action = PlaybackAction::Seek;
  } else if (a == "gain") {
    r.action = PlaybackAction::Gain;
  } else if (a == "loop") {
    r.action = PlaybackAction::Loop;
  } else {
    return invalid("action", kActions);
  }

  if (auto s = m.find("sourceId"); s != m.end()) {
    if (!s->is_string() || s->get_ref<const std::string&>().empty() ||
        s->get_ref<const std::string&>().size() > kMaxSourceIdChars)
      return invalid("sourceId", "sourceId must be the id of an uploaded source");
    r.sourceId = s->get<std::string>();
  }
  if (auto p = m.find("position"); p != m.end()) {
    auto v = number(*p, "position", 0.0, 1e9, "a number of seconds >= 0");
    if (!v) return v.error();
    r.position = v.value();
  }
  const auto g = m.find("gain");
  const auto gdb = m.find("gainDb");
  if (g != m.end() && gdb != m.end()) return invalid("gainDb", "give gain or gainDb, not both");
  if (g != m.end()) {
    auto v = number(*g, "gain", 0.0, kMaxPlaybackGain, "a linear gain from 0 to 4");
    if (!v) return v.error();
    r.gain = v.value();
  } else if (gdb != m.end()) {
    auto v = number(*gdb, "gainDb", kMinPlaybackGainDb, kMaxPlaybackGainDb,
                    "a level in dB from -80 to 12");
    if (!v) return v.error();
    r.gain = std::pow(10.0, v.value() / 20.0);
  }
  if (auto l = m.find("loop"); l != m.end()) {
    if (!l->is_boolean()) return invalid("loop", "loop must be true or false");
    r.loop = l->get<bool>();
  }
  if (auto c = m.find("crossfade"); c != m.end()) {
    auto v =
        number(*c, "crossfade", 0.0, kMaxPlaybackCrossfade, "a number of seconds from 0 to 10");
    if (!v) return v.error();
    r.crossfade = v.value();
  }

  switch (r.action) {
    case PlaybackAction::Play:
      if (r.sourceId.empty()) return invalid("sourceId", "play needs a sourceId");
      break;
    case PlaybackAction::Seek:
      if (!r.position) return invalid("position", "seek needs a position in seconds");
      break;
    case PlaybackAction::Gain:
      if (!r.gain) return invalid("gain", "gain needs gain (linear) or gainDb");
      break;
    case PlaybackAction::Loop:
      if (!r.loop) return invalid("loop", "loop needs loop: true or false");
      break;
    case PlaybackAction::Stop:
      break;
  }
  return r;
}

}  // namespace auralis::control
