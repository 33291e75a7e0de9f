// Client messages (WebSocket text frames, Unix-socket lines) parsed into typed
// requests, and the server's replies built in one place so every surface speaks
// the same wire format (docs/protocol.md).
//
// Public interface
//   parseClientMessage(text) -> ParsedMessage { reqId, Result<ClientRequest> }
//   makeStatus / makeAck / makePong / makeErrorMessage -> JSON objects
//
// Thread rules: pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "control/midi_request.hpp"
#include "control/params.hpp"
#include "core/result.hpp"

namespace auralis::control {

/// The stable error codes of the contract.
namespace codes {
inline constexpr const char* kBadJson = "bad_json";
inline constexpr const char* kUnknownType = "unknown_type";
inline constexpr const char* kInvalidParam = "invalid_param";
inline constexpr const char* kUnknownParam = "unknown_param";
inline constexpr const char* kRateLimited = "rate_limited";
inline constexpr const char* kUnauthorized = "unauthorized";
inline constexpr const char* kTooManyClients = "too_many_clients";
inline constexpr const char* kInternal = "internal";
}  // namespace codes

/// Which audio a client wants on its binary frames.
enum class AudioChoice : std::uint8_t { Off, Pcm16, Opus };

/// {"type":"control","params":{...}}
struct ControlRequest {
  ControlPatch patch;
};
/// {"type":"ping"}
struct PingRequest {};
/// {"type":"status_request"}
struct StatusRequest {};
/// {"type":"subscribe","audio":"opus"|"pcm16"|"off","telemetry":[...],"resume":N,
///  "room":"..","batchMs":N}
/// Fields left out leave that part of the subscription unchanged.
struct SubscribeRequest {
  std::optional<AudioChoice> audio;
  std::optional<std::vector<std::string>> telemetry;
  /// The last audio sequence number the client played; frames after it are resent
  /// when still in the server's window.
  std::optional<std::uint64_t> resumeAfter;
  /// A listening room the client joins (<= 64 characters); "" leaves its room.
  std::optional<std::string> room;
  /// Milliseconds of audio per binary message (0-1000; 0 = one frame per message).
  std::optional<int> batchMs;
};
/// {"type":"client_report","tier":..,"pinned":..,"bufferMs":..,"jitterMs":..,
///  "underruns":..,"latencyMs":..,"codec":..,"room"?:..}: a page's playback health.
struct ClientReportRequest {
  int tier = 0;  // index into clientTiers()
  bool pinned = false;
  double bufferMs = 0;
  double jitterMs = 0;
  std::int64_t underruns = 0;  // cumulative since the page started playing
  double latencyMs = 0;
  AudioChoice codec = AudioChoice::Opus;
  std::optional<std::string> room;
};

using ClientRequest = std::variant<ControlRequest, PingRequest, StatusRequest, SubscribeRequest,
                                   ClientReportRequest, MidiRequest>;

/// The outcome of parsing one message. `reqId` is the client's value (string or
/// number) copied exactly, or null when absent; it is kept even when the request
/// is refused, so the error can echo it.
struct ParsedMessage {
  nlohmann::json reqId;
  Result<ClientRequest> request;
};

/// The telemetry kinds a client may subscribe to.
const std::vector<std::string>& telemetryKinds();
/// The playback tiers a client_report may name: minimal, normal, stable, defensive.
const std::vector<std::string>& clientTiers();
/// The longest room name, in characters.
inline constexpr std::size_t kMaxRoomChars = 64;
/// The largest `batchMs` a subscribe may ask for (one second of audio per message).
inline constexpr int kMaxBatchMs = 1000;

/// Parses JSON text into `out`. Unlike a plain parse, a number that overflows a
/// double (1e309) is not a syntax error: the message is refused as invalid_param
/// naming the field that holds it ("bpm", "params.agents.bass.level" minus the
/// leading "params."). Other failures are bad_json. Any thread.
Status parseJsonText(std::string_view text, nlohmann::json& out);

/// Parses one client message. Errors: bad_json (not JSON, not an object),
/// unknown_type (missing or unknown `type`), invalid_param / unknown_param (bad
/// fields, including a `reqId` that is neither string nor number). Any thread.
ParsedMessage parseClientMessage(std::string_view text);

/// {"type":"status","params":{...},"engine":{...}} plus `extra` fields merged in.
nlohmann::json makeStatus(const ControlParams& params, const nlohmann::json& engine,
                          const nlohmann::json& reqId = nullptr);
/// {"type":"ack","reqId":..,"applied":{...full params...}}
nlohmann::json makeAck(const nlohmann::json& reqId, const ControlParams& applied);
/// {"type":"pong","reqId":..,"serverTime":seconds}
nlohmann::json makePong(const nlohmann::json& reqId, double serverTimeSeconds);
/// {"type":"pong","reqId":..,"serverTime":seconds,"samplePosition":n,"sampleRate":r}
nlohmann::json makePong(const nlohmann::json& reqId, double serverTimeSeconds,
                        std::int64_t samplePosition, double sampleRate);
/// {"type":"error","code":..,"message":..,"field":..,"reqId":..}; field and reqId
/// appear only when set.
nlohmann::json makeErrorMessage(const Error& error, const nlohmann::json& reqId = nullptr);
/// {"error":{"code":..,"message":..,"field":..}} — the HTTP error body.
nlohmann::json makeHttpError(const Error& error);

}  // namespace auralis::control
