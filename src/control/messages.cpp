#include "control/messages.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace auralis::control {
namespace {

// A string no client sends (it starts with NUL) standing in for a number that
// overflowed, so the message can still be parsed and the field named.
constexpr std::string_view kOverflowSentinel{"\0auralis:overflow", 17};

bool isNumberChar(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// Copies `text` to `out`, replacing every number token (outside strings) that
// overflows a double with the sentinel string. True when it replaced any.
bool replaceOverflowingNumbers(std::string_view text, std::string& out) {
  bool replaced = false;
  out.clear();
  out.reserve(text.size() + 32);
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '"') {  // copy a string literal as is, escapes included
      std::size_t j = i + 1;
      while (j < text.size() && text[j] != '"') j += text[j] == '\\' ? 2 : 1;
      j = std::min(j + 1, text.size());
      out.append(text.substr(i, j - i));
      i = j;
    } else if (text.substr(i).starts_with("NaN") || text.substr(i).starts_with("Infinity") ||
               text.substr(i).starts_with("-Infinity")) {
      // Not JSON at all, but what JavaScript's JSON.stringify-less senders and
      // Python's json.dumps emit for non-finite numbers: name the field too.
      const std::size_t len = text[i] == 'N' ? 3 : (text[i] == '-' ? 9 : 8);
      out += "\"\\u0000auralis:overflow\"";
      replaced = true;
      i += len;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      std::size_t j = i;
      while (j < text.size() && isNumberChar(text[j])) ++j;
      const std::string token(text.substr(i, j - i));
      errno = 0;
      const double v = std::strtod(token.c_str(), nullptr);
      if (errno == ERANGE && std::isinf(v)) {
        out += '"';
        out += "\\u0000auralis:overflow";
        out += '"';
        replaced = true;
      } else {
        out += token;
      }
      i = j;
    } else {
      out += c;
      ++i;
    }
  }
  return replaced;
}

// The dotted path of the first sentinel in `j`, or "" when there is none.
std::string findOverflow(const nlohmann::json& j, const std::string& path) {
  if (j.is_string() && j.get_ref<const std::string&>() == kOverflowSentinel) {
    return path.empty() ? std::string("value") : path;
  }
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      auto found = findOverflow(v, path.empty() ? k : path + "." + k);
      if (!found.empty()) return found;
    }
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) {
      auto found = findOverflow(j[i], path + "[" + std::to_string(i) + "]");
      if (!found.empty()) return found;
    }
  }
  return {};
}

// A room name: a string of at most kMaxRoomChars characters (UTF-8 code points).
Result<std::string> readRoom(const nlohmann::json& v) {
  if (!v.is_string()) {
    return makeError(codes::kInvalidParam, "room must be a string", "room");
  }
  const auto& s = v.get_ref<const std::string&>();
  const auto chars = std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // not a continuation byte
  });
  if (static_cast<std::size_t>(chars) > kMaxRoomChars) {
    return makeError(codes::kInvalidParam, "room must be at most 64 characters", "room");
  }
  return s;
}

Result<ClientRequest> parseSubscribe(const nlohmann::json& msg) {
  SubscribeRequest sub;
  if (auto it = msg.find("audio"); it != msg.end()) {
    if (!it->is_string()) {
      return makeError(codes::kInvalidParam, "audio must be \"opus\", \"pcm16\" or \"off\"",
                       "audio");
    }
    const auto& s = it->get_ref<const std::string&>();
    if (s == "opus") {
      sub.audio = AudioChoice::Opus;
    } else if (s == "pcm16") {
      sub.audio = AudioChoice::Pcm16;
    } else if (s == "off") {
      sub.audio = AudioChoice::Off;
    } else {
      return makeError(codes::kInvalidParam, "audio must be \"opus\", \"pcm16\" or \"off\"",
                       "audio");
    }
  }
  if (auto it = msg.find("telemetry"); it != msg.end()) {
    if (!it->is_array()) {
      return makeError(codes::kInvalidParam, "telemetry must be an array of kind names",
                       "telemetry");
    }
    std::vector<std::string> kinds;
    for (const auto& k : *it) {
      const auto& known = telemetryKinds();
      if (!k.is_string() ||
          std::find(known.begin(), known.end(), k.get<std::string>()) == known.end()) {
        std::string allowed;
        for (const auto& n : known) allowed += (allowed.empty() ? "" : ", ") + n;
        return makeError(codes::kInvalidParam, "unknown telemetry kind; allowed: " + allowed,
                         "telemetry");
      }
      kinds.push_back(k.get<std::string>());
    }
    sub.telemetry = std::move(kinds);
  }
  if (auto it = msg.find("resume"); it != msg.end()) {
    if (!it->is_number_unsigned() && !(it->is_number_integer() && it->get<std::int64_t>() >= 0)) {
      return makeError(codes::kInvalidParam,
                       "resume must be a non-negative integer (a sequence number)", "resume");
    }
    sub.resumeAfter = it->get<std::uint64_t>();
  }
  if (auto it = msg.find("room"); it != msg.end()) {
    auto room = readRoom(*it);
    if (!room.ok()) return room.error();
    sub.room = std::move(room).value();
  }
  if (auto it = msg.find("batchMs"); it != msg.end()) {
    const bool integral = it->is_number_unsigned() || it->is_number_integer();
    if (!integral || it->get<std::int64_t>() < 0 || it->get<std::int64_t>() > kMaxBatchMs) {
      return makeError(codes::kInvalidParam,
                       "batchMs must be an integer number of milliseconds in [0, 1000]", "batchMs");
    }
    sub.batchMs = it->get<int>();
  }
  return ClientRequest{std::move(sub)};
}

// A finite number in [0, 1e7] (milliseconds: under three hours).
Result<double> readMillis(const nlohmann::json& msg, const char* field) {
  auto it = msg.find(field);
  if (it == msg.end()) {
    return makeError(codes::kInvalidParam, std::string("client_report needs ") + field, field);
  }
  if (!it->is_number() || !std::isfinite(it->get<double>()) || it->get<double>() < 0 ||
      it->get<double>() > 1e7) {
    return makeError(codes::kInvalidParam,
                     std::string(field) + " must be a number of milliseconds in [0, 10000000]",
                     field);
  }
  return it->get<double>();
}

Result<ClientRequest> parseClientReport(const nlohmann::json& msg) {
  static const char* const kFields[] = {"type",     "reqId",     "tier",      "pinned", "bufferMs",
                                        "jitterMs", "underruns", "latencyMs", "codec",  "room"};
  for (const auto& [name, value] : msg.items()) {
    if (std::none_of(std::begin(kFields), std::end(kFields),
                     [&name](const char* f) { return name == f; })) {
      return makeError(codes::kUnknownParam,
                       "unknown field '" + name +
                           "'; client_report has tier, pinned, bufferMs, jitterMs, underruns, "
                           "latencyMs, codec, room",
                       name);
    }
  }
  ClientReportRequest r;
  const auto& tiers = clientTiers();
  auto tier = msg.find("tier");
  if (tier == msg.end() || !tier->is_string() ||
      std::find(tiers.begin(), tiers.end(), tier->get<std::string>()) == tiers.end()) {
    return makeError(codes::kInvalidParam,
                     "tier must be \"minimal\", \"normal\", \"stable\" or \"defensive\"", "tier");
  }
  r.tier = static_cast<int>(std::find(tiers.begin(), tiers.end(), tier->get<std::string>()) -
                            tiers.begin());
  auto pinned = msg.find("pinned");
  if (pinned == msg.end() || !pinned->is_boolean()) {
    return makeError(codes::kInvalidParam, "pinned must be true or false", "pinned");
  }
  r.pinned = pinned->get<bool>();
  for (auto [field, dst] : {std::pair{"bufferMs", &r.bufferMs}, std::pair{"jitterMs", &r.jitterMs},
                            std::pair{"latencyMs", &r.latencyMs}}) {
    auto v = readMillis(msg, field);
    if (!v.ok()) return v.error();
    *dst = v.value();
  }
  auto under = msg.find("underruns");
  if (under == msg.end() || !under->is_number_integer() ||
      (!under->is_number_unsigned() && under->get<std::int64_t>() < 0)) {
    return makeError(codes::kInvalidParam,
                     "underruns must be a non-negative integer (the count since playback began)",
                     "underruns");
  }
  r.underruns = under->is_number_unsigned()
                    ? static_cast<std::int64_t>(std::min<std::uint64_t>(under->get<std::uint64_t>(),
                                                                        std::uint64_t{1} << 62))
                    : under->get<std::int64_t>();
  auto codec = msg.find("codec");
  if (codec == msg.end() || !codec->is_string() ||
      (codec->get<std::string>() != "opus" && codec->get<std::string>() != "pcm16")) {
    return makeError(codes::kInvalidParam, "codec must be \"opus\" or \"pcm16\"", "codec");
  }
  r.codec = codec->get<std::string>() == "opus" ? AudioChoice::Opus : AudioChoice::Pcm16;
  if (auto it = msg.find("room"); it != msg.end()) {
    auto room = readRoom(*it);
    if (!room.ok()) return room.error();
    r.room = std::move(room).value();
  }
  return ClientRequest{r};
}

}  // namespace

const std::vector<std::string>& telemetryKinds() {
  static const std::vector<std::string> kinds = {
      "meters",     "spectrum",          "analysis", "dmx", "ai_classifier_event",
      "transcript", "generation_update", "recording", "playback", "agent_plan", "midi_in"};
  return kinds;
}

const std::vector<std::string>& clientTiers() {
  static const std::vector<std::string> tiers = {"minimal", "normal", "stable", "defensive"};
  return tiers;
}

Status parseJsonText(std::string_view text, nlohmann::json& out) {
  // allow_exceptions=false: a parse failure yields a discarded value, no throw.
  out = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (!out.is_discarded()) return Ok{};
  std::string patched;
  if (replaceOverflowingNumbers(text, patched)) {
    out = nlohmann::json::parse(patched, nullptr, false);
    if (!out.is_discarded()) {
      std::string field = findOverflow(out, "");
      if (field.starts_with("params.")) field = field.substr(7);  // as parseControlParams names it
      return makeError(codes::kInvalidParam,
                       field + " is not a finite number (NaN, Infinity or beyond a double)", field);
    }
  }
  return makeError(codes::kBadJson, "message is not valid JSON");
}

ParsedMessage parseClientMessage(std::string_view text) {
  nlohmann::json msg;
  if (auto parsed = parseJsonText(text, msg); !parsed.ok()) {
    // The reqId is echoed even here when the rest of the message parsed.
    nlohmann::json reqId = nullptr;
    if (msg.is_object()) {
      if (auto it = msg.find("reqId"); it != msg.end() && (it->is_string() || it->is_number())) {
        reqId = *it;
      }
    }
    return {reqId, parsed.error()};
  }
  if (!msg.is_object()) {
    return {nullptr, makeError(codes::kBadJson, "message must be a JSON object with a type")};
  }
  nlohmann::json reqId = nullptr;
  if (auto it = msg.find("reqId"); it != msg.end()) {
    if (!it->is_string() && !it->is_number()) {
      return {nullptr,
              makeError(codes::kInvalidParam, "reqId must be a string or a number", "reqId")};
    }
    reqId = *it;
  }
  auto typeIt = msg.find("type");
  if (typeIt == msg.end() || !typeIt->is_string()) {
    return {reqId, makeError(codes::kUnknownType, "message needs a string field type", "type")};
  }
  const auto& type = typeIt->get_ref<const std::string&>();
  if (type == "control") {
    auto paramsIt = msg.find("params");
    if (paramsIt == msg.end()) {
      return {reqId, makeError(codes::kInvalidParam, "control needs a params object", "params")};
    }
    auto patch = parseControlParams(*paramsIt);
    if (!patch.ok()) return {reqId, patch.error()};
    return {reqId, ClientRequest{ControlRequest{std::move(patch).value()}}};
  }
  if (type == "ping") return {reqId, ClientRequest{PingRequest{}}};
  if (type == "status_request") return {reqId, ClientRequest{StatusRequest{}}};
  if (type == "subscribe") return {reqId, parseSubscribe(msg)};
  if (type == "client_report") return {reqId, parseClientReport(msg)};
  if (type == "midi") {
    auto midi = parseMidiRequest(msg);
    if (!midi) return {reqId, midi.error()};
    return {reqId, ClientRequest{std::move(midi).value()}};
  }
  return {reqId, makeError(codes::kUnknownType,
                           "unknown message type '" + type +
                               "'; known: control, ping, status_request, subscribe, client_report, midi",
                           "type")};
}

nlohmann::json makeStatus(const ControlParams& params, const nlohmann::json& engine,
                          const nlohmann::json& reqId) {
  nlohmann::json j = {{"type", "status"}, {"params", toJson(params)}, {"engine", engine}};
  if (!reqId.is_null()) j["reqId"] = reqId;
  return j;
}

nlohmann::json makeAck(const nlohmann::json& reqId, const ControlParams& applied) {
  nlohmann::json j = {{"type", "ack"}, {"applied", toJson(applied)}};
  if (!reqId.is_null()) j["reqId"] = reqId;
  return j;
}

nlohmann::json makePong(const nlohmann::json& reqId, double serverTimeSeconds) {
  nlohmann::json j = {{"type", "pong"}, {"serverTime", serverTimeSeconds}};
  if (!reqId.is_null()) j["reqId"] = reqId;
  return j;
}

nlohmann::json makePong(const nlohmann::json& reqId, double serverTimeSeconds,
                        std::int64_t samplePosition, double sampleRate) {
  nlohmann::json j = makePong(reqId, serverTimeSeconds);
  j["samplePosition"] = samplePosition;
  j["sampleRate"] = sampleRate;
  return j;
}

nlohmann::json makeErrorMessage(const Error& error, const nlohmann::json& reqId) {
  nlohmann::json j = {{"type", "error"}, {"code", error.code}, {"message", error.message}};
  if (!error.field.empty()) j["field"] = error.field;
  if (!reqId.is_null()) j["reqId"] = reqId;
  return j;
}

nlohmann::json makeHttpError(const Error& error) {
  nlohmann::json e = {{"code", error.code}, {"message", error.message}};
  if (!error.field.empty()) e["field"] = error.field;
  return {{"error", std::move(e)}};
}

}  // namespace auralis::control
