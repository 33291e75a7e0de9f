#include "control/messages.hpp"

#include <algorithm>

namespace auralis::control {
namespace {

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
  return ClientRequest{std::move(sub)};
}

}  // namespace

const std::vector<std::string>& telemetryKinds() {
  static const std::vector<std::string> kinds = {
      "meters",     "spectrum",         "analysis", "dmx", "ai_classifier_event",
      "transcript", "generation_update"};
  return kinds;
}

ParsedMessage parseClientMessage(std::string_view text) {
  // allow_exceptions=false: a parse failure yields a discarded value, no throw.
  nlohmann::json msg = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (msg.is_discarded()) {
    return {nullptr, makeError(codes::kBadJson, "message is not valid JSON")};
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
  return {reqId, makeError(codes::kUnknownType,
                           "unknown message type '" + type +
                               "'; known: control, ping, status_request, subscribe",
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
