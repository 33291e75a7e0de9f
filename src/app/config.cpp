#include "app/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace auralis::app {

namespace {

using Type = ConfigKey::Type;

const ConfigKey* findKey(const std::string& name) {
  for (const auto& k : configSchema())
    if (k.name == name) return &k;
  return nullptr;
}

std::string rangeText(const ConfigKey& k) {
  std::ostringstream os;
  switch (k.type) {
    case Type::Int:
      if (!k.choices.empty()) {
        os << "one of";
        for (const auto& c : k.choices) os << ' ' << c;
      } else {
        os << "an integer in [" << static_cast<std::int64_t>(k.min) << ", "
           << static_cast<std::int64_t>(k.max) << "]";
      }
      break;
    case Type::Double:
      os << "a number in [" << k.min << ", " << k.max << "]";
      break;
    case Type::Bool:
      os << "true or false";
      break;
    case Type::String:
      os << "a string";
      break;
    case Type::Choice:
      os << "one of";
      for (const auto& c : k.choices) os << ' ' << c;
      break;
  }
  return os.str();
}

std::string valueText(const ConfigValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>)
          return x;
        else if constexpr (std::is_same_v<T, bool>)
          return x ? "true" : "false";
        else {
          std::ostringstream os;
          os << x;
          return os.str();
        }
      },
      v);
}

Error badValue(const ConfigKey& k, const std::string& shown, const std::string& source) {
  return makeError(
      "invalid_config",
      source + ": " + k.name + " = " + shown + " is not allowed; expected " + rangeText(k), k.name);
}

}  // namespace

const std::vector<ConfigKey>& configSchema() {
  static const std::vector<ConfigKey> schema = {
      {"audio.backend",
       Type::Choice,
       std::string("clock"),
       0,
       0,
       {"clock", "jack", "rtaudio"},
       "audio backend; clock needs no sound card"},
      {"audio.sample_rate",
       Type::Int,
       std::int64_t{48000},
       0,
       0,
       {"44100", "48000"},
       "sample rate in Hz (JACK imposes its own)"},
      {"audio.block", Type::Int, std::int64_t{256}, 32, 1024, {}, "block size in frames"},
      {"audio.device", Type::String, std::string(), 0, 0, {}, "rtaudio device name or index"},
      {"audio.fallback_to_clock",
       Type::Bool,
       true,
       0,
       0,
       {},
       "play on the clock backend when the device is missing or lost"},
      {"audio.realtime", Type::Bool, true, 0, 0, {}, "ask for SCHED_FIFO on the audio thread"},
      {"audio.input_file",
       Type::String,
       std::string(),
       0,
       0,
       {},
       "play this audio file as the live input, paced by the audio clock"},
      {"audio.input_loop", Type::Bool, false, 0, 0, {}, "loop the input file"},
      {"live.respond_to_onsets",
       Type::Bool,
       false,
       0,
       0,
       {},
       "answer each input onset with a drum accent in the same block"},
      {"live.follow",
       Type::Choice,
       std::string("auto"),
       0,
       0,
       {"auto", "off", "key", "tempo", "all"},
       "what the agents follow in the live input (auto: all when an input exists)"},
      {"server.bind", Type::String, std::string("127.0.0.1"), 0, 0, {}, "address to listen on"},
      {"server.cpus",
       Type::String,
       std::string(),
       0,
       0,
       {},
       "CPUs for the network threads, e.g. 1 or 2-3; every other thread keeps off them (empty: "
       "no pinning)"},
      {"server.port",
       Type::Int,
       std::int64_t{8000},
       0,
       65535,
       {},
       "HTTP and WebSocket port (0: any free port)"},
      {"server.web_root",
       Type::String,
       std::string(),
       0,
       0,
       {},
       "directory of the web page (default: the built page next to the binary)"},
      {"server.control_token",
       Type::String,
       std::string(),
       0,
       0,
       {},
       "when set, control needs it (WebSocket ?token= or Authorization: Bearer)"},
      {"server.max_clients",
       Type::Int,
       std::int64_t{64},
       1,
       100000,
       {},
       "most WebSocket clients at once; one more gets HTTP 503"},
      {"server.listen_token",
       Type::String,
       std::string(),
       0,
       0,
       {},
       "when set, listening (GET, /ws audio) needs it or the control token"},
      {"server.protect_listening",
       Type::Bool,
       false,
       0,
       0,
       {},
       "listening needs a token (listen_token, else control_token)"},
      {"server.allowed_origins",
       Type::String,
       std::string(),
       0,
       0,
       {},
       "browser origins allowed besides the server's own, comma-separated (* any)"},
      {"server.max_connections_per_ip",
       Type::Int,
       std::int64_t{32},
       1,
       100000,
       {},
       "open connections per client address; more get HTTP 503"},
      {"server.limit_loopback_connections",
       Type::Bool,
       false,
       0,
       0,
       {},
       "apply max_connections_per_ip to loopback peers too (off: nginx, the host)"},
      {"server.header_timeout_seconds",
       Type::Int,
       std::int64_t{10},
       1,
       600,
       {},
       "request headers must arrive within it; also the idle keep-alive timeout"},
      {"server.body_timeout_seconds",
       Type::Int,
       std::int64_t{15},
       1,
       600,
       {},
       "request body deadline; an upload may stall at most this long"},
      {"server.upload_min_bytes_per_second",
       Type::Int,
       std::int64_t{1024},
       0,
       1000000000,
       {},
       "uploads slower than this on average (after body_timeout) are cut off; 0 off"},
      {"data_dir",
       Type::String,
       std::string(),
       0,
       0,
       {},
       "data directory (default: $XDG_DATA_HOME/auralis or ~/.local/share/auralis)"},
      {"log.format", Type::Choice, std::string("text"), 0, 0, {"text", "json"}, "log line format"},
      {"log.level",
       Type::Choice,
       std::string("info"),
       0,
       0,
       {"trace", "debug", "info", "warn", "error"},
       "least severe level logged"},
      {"music.key",
       Type::String,
       std::string("D minor"),
       0,
       0,
       {},
       "key, e.g. \"D minor\", \"F# dorian\""},
      {"music.bpm", Type::Double, 90.0, 40, 200, {}, "tempo in beats per minute"},
      {"music.intensity", Type::Double, 0.5, 0, 1, {}, "how busy and bright the ensemble plays"},
      {"music.seed", Type::Int, std::int64_t{1}, 0, 9.0e15, {}, "random seed of the ensemble"},
      {"master.ceiling_db", Type::Double, -1.0, -12, 0, {}, "limiter ceiling in dBFS"},
      {"master.loudness_lufs", Type::Double, -16.0, -36, -8, {}, "integrated loudness target"},
      {"ipc.socket",
       Type::String,
       std::string(),
       0,
       0,
       {},
       "Unix socket path (default: $XDG_RUNTIME_DIR/auralis.sock, else in the data directory; "
       "\"off\": none)"},
      {"voice.enabled", Type::Bool, true, 0, 0, {}, "listen to the input for voice commands"},
      {"voice.mode",
       Type::Choice,
       std::string("command"),
       0,
       0,
       {"command", "dictation"},
       "voice mode at start"},
      {"voice.min_confidence", Type::Double, 0.3, 0, 1, {}, "spoken commands below it are ignored"},
      {"recording.log_max_notes",
       Type::Int,
       std::int64_t{1000000},
       0,
       100000000,
       {},
       "notes kept since start for session-bundle replay (24 bytes each; 0: no replay log)"},
      {"uploads.max_bytes",
       Type::Int,
       std::int64_t{1073741824},
       1,
       1.0e15,
       {},
       "largest file POST /upload accepts, in bytes (larger: 413)"},
      {"obs.rss_sample_seconds",
       Type::Double,
       5.0,
       0.5,
       3600,
       {},
       "how often the leak watch samples resident memory"},
      {"obs.rss_window_seconds",
       Type::Double,
       600.0,
       10,
       86400,
       {},
       "the leak watch's regression window (auralis_rss_slope_bytes_per_second)"},
      {"icecast.url",
       Type::String,
       std::string(),
       0,
       0,
       {},
       "Icecast mount to push Ogg/Opus to, http://host:port/mount (empty: off)"},
      {"icecast.user", Type::String, std::string("source"), 0, 0, {}, "Icecast source user"},
      {"icecast.password", Type::String, std::string(), 0, 0, {}, "Icecast source password"},
      {"icecast.name", Type::String, std::string("Auralis"), 0, 0, {}, "stream name (ice-name)"},
      {"icecast.page_ms",
       Type::Int,
       std::int64_t{100},
       20,
       1000,
       {},
       "Ogg page length in ms of audio, a multiple of 20 (Icecast sends a listener a page at a "
       "time)"},
      {"lighting.artnet_targets",
       Type::String,
       std::string("127.0.0.1"),
       0,
       0,
       {},
       "Art-Net outputs, comma-separated HOST[:PORT][@DELAY_MS] (empty: none)"},
      {"lighting.sacn_targets",
       Type::String,
       std::string("127.0.0.1"),
       0,
       0,
       {},
       "sACN (E1.31) unicast outputs, comma-separated HOST[:PORT][@DELAY_MS] (empty: none)"},
      {"lighting.fps", Type::Double, 40.0, 1, 44, {}, "lighting frames per second"},
      {"lighting.universes",
       Type::Int,
       std::int64_t{1},
       1,
       64,
       {},
       "universes of the default patch (ignored with lighting.patch)"},
      {"lighting.patch",
       Type::String,
       std::string(),
       0,
       0,
       {},
       "patch file (JSON, docs/lighting.md)"},
      {"lighting.scene",
       Type::String,
       std::string(),
       0,
       0,
       {},
       "scene file (JSON, docs/lighting.md)"},
      {"lighting.artpoll_bind",
       Type::String,
       std::string("127.0.0.1:6454"),
       0,
       0,
       {},
       "where ArtPoll is answered (empty: not at all)"},
      {"lighting.send_unchanged",
       Type::Bool,
       true,
       0,
       0,
       {},
       "send every universe every frame (false: unchanged ones once a second as keepalive)"},
      {"osc.enabled", Type::Bool, true, 0, 0, {}, "listen for OSC and send events to osc.targets"},
      {"osc.bind",
       Type::String,
       std::string("127.0.0.1"),
       0,
       0,
       {},
       "address the OSC UDP socket binds"},
      {"osc.port",
       Type::Int,
       std::int64_t{9000},
       0,
       65535,
       {},
       "OSC UDP port (0: any free port); a port in use leaves OSC off with a warning"},
      {"osc.targets",
       Type::String,
       std::string(),
       0,
       0,
       {},
       "where OSC events go: host:port list, comma-separated or a TOML array (empty: none)"},
      {"events.enabled", Type::Bool, true, 0, 0, {}, "publish events to the shared-memory ring"},
      {"events.shm_name",
       Type::String,
       std::string("/auralis-events"),
       0,
       0,
       {},
       "POSIX shared-memory name of the event ring (one '/', then a name)"},
      {"events.capacity",
       Type::Int,
       std::int64_t{65536},
       16,
       16777216,
       {},
       "events the ring holds (a power of two; 32 bytes each)"},
      {"midi.out",
       Type::Choice,
       std::string("off"),
       0,
       0,
       {"off", "alsa", "jack"},
       "every agent's notes out to a MIDI port (ALSA sequencer or JACK MIDI)"},
      {"midi.port_name",
       Type::String,
       std::string("midi_out"),
       0,
       0,
       {},
       "name of the MIDI output port"},
      {"midi.clock",
       Type::Bool,
       true,
       0,
       0,
       {},
       "send MIDI clock (24 ppqn), song position, start/stop"},
      {"midi.in",
       Type::Choice,
       std::string("off"),
       0,
       0,
       {"off", "alsa", "jack"},
       "a MIDI input port the human plays into (ALSA sequencer or JACK MIDI)"},
      {"midi.in.port_name",
       Type::String,
       std::string("midi_in"),
       0,
       0,
       {},
       "name of the MIDI input port"},
      {"midi.in.play",
       Type::Bool,
       false,
       0,
       0,
       {},
       "sound MIDI input notes on the Response channel"},
      {"midi.in.cc_intensity",
       Type::Int,
       std::int64_t{-1},
       -1,
       127,
       {},
       "controller number mapped onto intensity (-1: none)"},
  };
  return schema;
}

Config::Config() {
  for (const auto& k : configSchema()) values_[k.name] = k.defaultValue;
}

Status Config::set(const ConfigKey& k, const ConfigValue& value, const std::string& source) {
  switch (k.type) {
    case Type::Int: {
      const auto* i = std::get_if<std::int64_t>(&value);
      if (i == nullptr) return badValue(k, valueText(value), source);
      if (!k.choices.empty()) {
        if (std::find(k.choices.begin(), k.choices.end(), std::to_string(*i)) == k.choices.end())
          return badValue(k, valueText(value), source);
      } else if (static_cast<double>(*i) < k.min || static_cast<double>(*i) > k.max) {
        return badValue(k, valueText(value), source);
      }
      break;
    }
    case Type::Double: {
      double d = 0;
      if (const auto* i = std::get_if<std::int64_t>(&value))
        d = static_cast<double>(*i);
      else if (const auto* x = std::get_if<double>(&value))
        d = *x;
      else
        return badValue(k, valueText(value), source);
      if (!std::isfinite(d) || d < k.min || d > k.max) return badValue(k, valueText(value), source);
      values_[k.name] = d;
      return Ok{};
    }
    case Type::Bool:
      if (!std::holds_alternative<bool>(value)) return badValue(k, valueText(value), source);
      break;
    case Type::String:
      if (!std::holds_alternative<std::string>(value)) return badValue(k, valueText(value), source);
      break;
    case Type::Choice: {
      const auto* s = std::get_if<std::string>(&value);
      if (s == nullptr || std::find(k.choices.begin(), k.choices.end(), *s) == k.choices.end())
        return badValue(k, valueText(value), source);
      break;
    }
  }
  values_[k.name] = value;
  return Ok{};
}

Status Config::setFromText(const std::string& key, const std::string& text,
                           const std::string& source) {
  const ConfigKey* k = findKey(key);
  if (k == nullptr) return makeError("unknown_config", source + ": unknown key '" + key + "'", key);
  switch (k->type) {
    case Type::Int: {
      std::int64_t v = 0;
      const auto* end = text.data() + text.size();
      const auto [p, ec] = std::from_chars(text.data(), end, v);
      if (ec != std::errc() || p != end || text.empty())
        return badValue(*k, "'" + text + "'", source);
      return set(*k, v, source);
    }
    case Type::Double: {
      double v = 0;
      const auto* end = text.data() + text.size();
      const auto [p, ec] = std::from_chars(text.data(), end, v);
      if (ec != std::errc() || p != end || text.empty())
        return badValue(*k, "'" + text + "'", source);
      return set(*k, v, source);
    }
    case Type::Bool: {
      std::string t = text;
      std::transform(t.begin(), t.end(), t.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      if (t == "true" || t == "1" || t == "yes" || t == "on") return set(*k, true, source);
      if (t == "false" || t == "0" || t == "no" || t == "off") return set(*k, false, source);
      return badValue(*k, "'" + text + "'", source);
    }
    case Type::String:
    case Type::Choice:
      return set(*k, text, source);
  }
  return Ok{};
}

Status Config::loadToml(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError("invalid_config", path + ": cannot be opened for reading", "config");
  std::ostringstream text;
  text << in.rdbuf();
  return loadTomlText(text.str(), path);
}

Status Config::loadTomlText(std::string_view document, const std::string& path) {
  toml::table table;
  try {
    table = toml::parse(document, path);
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << path << ":" << e.source().begin.line << ": " << e.description();
    return makeError("invalid_config", os.str(), "config");
  }
  const std::string source = "config file " + path;
  Status status = Ok{};
  // Flatten one level of sections: [audio] block = 256 -> "audio.block".
  auto visit = [&](const std::string& name, const toml::node& node) -> Status {
    const ConfigKey* k = findKey(name);
    if (k == nullptr)
      return makeError("unknown_config", source + ": unknown key '" + name + "'", name);
    if (auto v = node.value_exact<std::int64_t>()) return set(*k, *v, source);
    if (auto v = node.value_exact<double>()) return set(*k, *v, source);
    if (auto v = node.value_exact<bool>()) return set(*k, *v, source);
    if (auto v = node.value_exact<std::string>()) return set(*k, *v, source);
    if (const auto* list = node.as_array(); list != nullptr && k->type == Type::String) {
      // A list of strings (osc.targets = ["a:1", "b:2"]) is kept comma-separated.
      std::string joined;
      for (const auto& item : *list) {
        const auto text = item.value_exact<std::string>();
        if (!text)
          return makeError("invalid_config", source + ": " + name + " must list strings", name);
        joined += (joined.empty() ? "" : ",") + *text;
      }
      return set(*k, joined, source);
    }
    return makeError("invalid_config",
                     source + ": " + name + " has an unsupported type; expected " + rangeText(*k),
                     name);
  };
  for (const auto& [key, node] : table) {
    const std::string top(key.str());
    if (const auto* section = node.as_table()) {
      for (const auto& [sub, child] : *section) {
        auto r = visit(top + "." + std::string(sub.str()), child);
        if (!r) return r;
      }
    } else {
      auto r = visit(top, node);
      if (!r) return r;
    }
  }
  return status;
}

std::string Config::envName(const std::string& key) {
  std::string name = "AURALIS_";
  for (const char c : key)
    name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

Status Config::loadEnvironment(char** env) {
  for (char** e = env; e != nullptr && *e != nullptr; ++e) {
    const std::string entry(*e);
    if (entry.rfind("AURALIS_", 0) != 0) continue;
    const auto eq = entry.find('=');
    const std::string name = entry.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : entry.substr(eq + 1);
    const ConfigKey* match = nullptr;
    for (const auto& k : configSchema())
      if (envName(k.name) == name) match = &k;
    if (match == nullptr)
      return makeError("unknown_config", "environment: unknown variable " + name, name);
    auto r = setFromText(match->name, value, "environment " + name);
    if (!r) return r;
  }
  return Ok{};
}

std::int64_t Config::getInt(const std::string& key) const {
  return std::get<std::int64_t>(values_.at(key));
}
double Config::getDouble(const std::string& key) const {
  return std::get<double>(values_.at(key));
}
bool Config::getBool(const std::string& key) const {
  return std::get<bool>(values_.at(key));
}
std::string Config::getString(const std::string& key) const {
  return std::get<std::string>(values_.at(key));
}

std::string Config::describe() {
  std::ostringstream os;
  for (const auto& k : configSchema())
    os << "  " << k.name << " (" << envName(k.name) << ")\n      " << k.help << "; " << rangeText(k)
       << "; default " << (valueText(k.defaultValue).empty() ? "\"\"" : valueText(k.defaultValue))
       << "\n";
  return os.str();
}

}  // namespace auralis::app
