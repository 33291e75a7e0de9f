// The JSON Schema served at /api/v1/schema: every WebSocket message both ways and
// the control params, with the same ranges the validator enforces.
#include "control/messages.hpp"
#include "control/playback.hpp"
#include "net/router.hpp"

namespace auralis::net {
namespace {

using nlohmann::json;

json unit() {
  return {{"type", "number"}, {"minimum", 0}, {"maximum", 1}};
}

json reqId() {
  return {{"type", json::array({"string", "number"})}};
}

json millis() {
  return {{"type", "number"}, {"minimum", 0}, {"maximum", 1e7}};
}

json room() {
  return {{"type", "string"}, {"maxLength", control::kMaxRoomChars}};
}

json batchMs() {
  return {{"type", "integer"}, {"minimum", 0}, {"maximum", control::kMaxBatchMs}};
}

json message(const char* type, json properties, json required = json::array(),
             bool openEnded = true) {
  properties["type"] = {{"const", type}};
  required.push_back("type");
  json m = {{"type", "object"}, {"properties", std::move(properties)}, {"required", required}};
  if (!openEnded) m["additionalProperties"] = false;
  return m;
}

}  // namespace

json protocolSchema() {
  json agent = {{"type", "object"},
                {"additionalProperties", false},
                {"properties",
                 {{"enabled", {{"type", "boolean"}}},
                  {"level", unit()},
                  {"reverbSend", unit()},
                  {"delaySend", unit()}}}};
  json agents = {
      {"type", "object"}, {"additionalProperties", false}, {"properties", json::object()}};
  for (int i = 0; i < control::kAgentCount; ++i) {
    agents["properties"][std::string(control::agentName(static_cast<control::Agent>(i)))] = agent;
  }
  json params = {
      {"type", "object"},
      {"additionalProperties", false},
      {"properties",
       {{"key", {{"type", "string"}, {"description", "e.g. \"D minor\", \"F# dorian\""}}},
        {"mode", {{"type", "string"}, {"description", "overrides the key's mode"}}},
        {"bpm", {{"type", "number"}, {"minimum", control::kMinBpm}, {"maximum", control::kMaxBpm}}},
        {"intensity", unit()},
        {"masterVolume", unit()},
        {"agents", agents}}}};
  json codes = json::array(
      {control::codes::kBadJson, control::codes::kUnknownType, control::codes::kInvalidParam,
       control::codes::kUnknownParam, control::codes::kRateLimited, control::codes::kUnauthorized,
       control::codes::kTooManyClients, control::codes::kInternal, control::kNotFound});
  json client = json::array({
      message("control", {{"reqId", reqId()}, {"params", {{"$ref", "#/$defs/params"}}}},
              json::array({"params"})),
      message("ping", {{"reqId", reqId()}}),
      message("status_request", {{"reqId", reqId()}}),
      message("subscribe",
              {{"reqId", reqId()},
               {"audio", {{"enum", json::array({"opus", "pcm16", "off"})}}},
               {"telemetry", {{"type", "array"}, {"items", {{"enum", control::telemetryKinds()}}}}},
               {"resume", {{"type", "integer"}, {"minimum", 0}}},
               {"room", room()},
               {"batchMs", batchMs()}}),
      message("client_report",
              {{"reqId", reqId()},
               {"tier", {{"enum", control::clientTiers()}}},
               {"pinned", {{"type", "boolean"}}},
               {"bufferMs", millis()},
               {"jitterMs", millis()},
               {"underruns", {{"type", "integer"}, {"minimum", 0}}},
               {"latencyMs", millis()},
               {"codec", {{"enum", json::array({"opus", "pcm16"})}}},
               {"room", room()}},
              json::array(
                  {"tier", "pinned", "bufferMs", "jitterMs", "underruns", "latencyMs", "codec"}),
              false),
      // docs/security.md: a token presented on an open connection.
      message("auth", {{"reqId", reqId()}, {"token", {{"type", "string"}, {"minLength", 1}}}},
              json::array({"token"})),
      message(
          "playback",
          {{"reqId", reqId()},
           {"action", {{"enum", json::array({"play", "stop", "seek", "gain", "loop"})}}},
           {"sourceId", {{"type", "string"}, {"minLength", 1}}},
           {"position", {{"type", "number"}, {"minimum", 0}}},
           {"gain", {{"type", "number"}, {"minimum", 0}, {"maximum", control::kMaxPlaybackGain}}},
           {"gainDb",
            {{"type", "number"},
             {"minimum", control::kMinPlaybackGainDb},
             {"maximum", control::kMaxPlaybackGainDb}}},
           {"loop", {{"type", "boolean"}}},
           {"crossfade",
            {{"type", "number"}, {"minimum", 0}, {"maximum", control::kMaxPlaybackCrossfade}}}},
          json::array({"action"}), false),
      message("midi",
              {{"reqId", reqId()},
               {"events",
                {{"type", "array"},
                 {"minItems", 1},
                 {"maxItems", control::kMaxMidiEvents},
                 {"items",
                  {{"type", "object"},
                   {"additionalProperties", false},
                   {"required", json::array({"data"})},
                   {"properties",
                    {{"t", {{"type", "number"}, {"minimum", 0}}},
                     {"data",
                      {{"type", "array"},
                       {"minItems", 1},
                       {"maxItems", 3},
                       {"items", {{"type", "integer"}, {"minimum", 0}, {"maximum", 255}}}}}}}}}}}},
              json::array({"events"}), false),
  });
  json server = json::array({
      message(
          "status",
          {{"reqId", reqId()},
           {"params", {{"$ref", "#/$defs/params"}}},
           {"engine", {{"type", "object"}}},
           {"version", {{"type", "string"}}},
           {"stream",
            {{"type", "object"},
             {"properties",
              {{"codecs",
                {{"type", "array"}, {"items", {{"enum", json::array({"opus", "pcm16"})}}}}},
               {"sampleRate", {{"type", "integer"}}},
               {"channels", {{"type", "integer"}}}}}}},
           {"server",
            {{"type", "object"},
             {"properties",
              {{"clients", {{"type", "integer"}, {"minimum", 0}}},
               {"droppedClients", {{"type", "integer"}, {"minimum", 0}}},
               {"uptimeSeconds", {{"type", "number"}}}}}}},
           {"rooms",
            {{"type", "object"}, {"additionalProperties", {{"type", "integer"}, {"minimum", 1}}}}}},
          json::array({"params", "engine"})),
      message("ack", {{"reqId", reqId()}, {"applied", {{"$ref", "#/$defs/params"}}}}),
      message("authenticated",
              {{"reqId", reqId()},
               {"control", {{"type", "boolean"}}},
               {"listen", {{"type", "boolean"}}}},
              json::array({"control", "listen"})),
      message("pong",
              {{"reqId", reqId()},
               {"serverTime", {{"type", "number"}}},
               {"samplePosition", {{"type", "integer"}, {"minimum", 0}}},
               {"sampleRate", {{"type", "number"}, {"exclusiveMinimum", 0}}}},
              json::array({"serverTime"})),
      message("error",
              {{"reqId", reqId()},
               {"code", {{"enum", codes}}},
               {"message", {{"type", "string"}}},
               {"field", {{"type", "string"}}}},
              json::array({"code", "message"})),
      message("subscribed", {{"reqId", reqId()},
                             {"audio", {{"enum", json::array({"opus", "pcm16", "off"})}}},
                             {"telemetry", {{"type", "array"}}},
                             {"resume", {{"enum", json::array({"none", "resumed", "live"})}}},
                             {"firstSequence", {{"type", "integer"}}},
                             {"room", room()},
                             {"batchMs", batchMs()}}),
  });
  for (const auto& kind : control::telemetryKinds()) {
    server.push_back(message(kind.c_str(), json::object()));
  }
  return {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
          {"title", "Auralis WebSocket protocol"},
          {"$defs",
           {{"params", params},
            {"clientMessage", {{"oneOf", client}}},
            {"serverMessage", {{"oneOf", server}}},
            {"binaryAudioFrame",
             {{"description",
               "32-byte little-endian header: magic \"AUR1\", u8 codec (1 PCM16, 2 Opus), u8 "
               "channels, u16 reserved, u32 sample rate, u64 sequence, u64 sample position, "
               "u32 payload length; then the payload"}}}}},
          {"oneOf", json::array({{{"$ref", "#/$defs/clientMessage"}},
                                 {{"$ref", "#/$defs/serverMessage"}}})}};
}

}  // namespace auralis::net
