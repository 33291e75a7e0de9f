#include "app/recording_commands.hpp"

#include "control/messages.hpp"

namespace auralis::app {

namespace {

nlohmann::json refuse(const Error& e, const nlohmann::json& reqId) {
  return control::makeErrorMessage(e, reqId);
}

}  // namespace

nlohmann::json handleRecordingMessage(RecordingService& recordings, const nlohmann::json& m) {
  const nlohmann::json reqId = m.contains("reqId") ? m.at("reqId") : nlohmann::json();
  const auto& action = m.contains("action") ? m.at("action") : nlohmann::json();
  if (!action.is_string() || (action != "start" && action != "stop"))
    return refuse(
        makeError(control::codes::kInvalidParam, "action must be \"start\" or \"stop\"", "action"),
        reqId);
  nlohmann::json ack = {{"type", "ack"}};
  if (!reqId.is_null()) ack["reqId"] = reqId;
  if (action == "start") {
    RecordingRequest request;
    if (m.contains("format")) {
      if (!m.at("format").is_string())
        return refuse(
            makeError(control::codes::kInvalidParam, "format must be wav, flac or opus", "format"),
            reqId);
      request.format = m.at("format").get<std::string>();
    }
    for (auto [key, field] :
         {std::pair{"bundle", &request.bundle}, std::pair{"input", &request.input}}) {
      if (!m.contains(key)) continue;
      if (!m.at(key).is_boolean())
        return refuse(makeError(control::codes::kInvalidParam,
                                std::string(key) + " must be true or false", key),
                      reqId);
      *field = m.at(key).get<bool>();
    }
    auto id = recordings.start(request);
    if (!id) return refuse(id.error(), reqId);
    ack["recording"] = {{"id", id.value()}};
    return ack;
  }
  std::string id;
  if (m.contains("id")) {
    if (!m.at("id").is_string())
      return refuse(makeError(control::codes::kInvalidParam, "id must be a recording id", "id"),
                    reqId);
    id = m.at("id").get<std::string>();
  } else {
    // No id: the recording in progress, as a person saying "stop recording" means.
    auto rows = recordings.list();
    if (!rows) return refuse(rows.error(), reqId);
    for (const auto& row : rows.value())
      if (row.value("status", std::string()) == "recording") id = row.value("id", std::string());
    if (id.empty())
      return refuse(makeError("not_recording", "no recording is in progress", "id"), reqId);
  }
  auto row = recordings.stop(id);
  if (!row) return refuse(row.error(), reqId);
  ack["recording"] = row.value();
  return ack;
}

}  // namespace auralis::app

namespace auralis::app {

namespace {

Error oscArgError(const std::string& address, const std::string& what) {
  return makeError(control::codes::kInvalidParam, address + " " + what, address);
}

/// The `recording` message an OSC message stands for, or an error naming the address.
Result<nlohmann::json> recordingMessageFromOsc(const net::OscMessage& m, bool start) {
  nlohmann::json message = {{"type", "recording"}, {"action", start ? "start" : "stop"}};
  if (!start) {
    if (m.args.size() > 1 || (m.args.size() == 1 && !m.args[0].isText()))
      return oscArgError(m.address, "takes nothing or one string (the recording id)");
    if (m.args.size() == 1) message["id"] = std::get<std::string>(m.args[0].value);
    return message;
  }
  // Both optional and distinguishable by type: a string is the format, 0/1 or T/F the bundle.
  for (const auto& arg : m.args) {
    if (arg.isText() && !message.contains("format")) {
      message["format"] = std::get<std::string>(arg.value);
    } else if (arg.isBool() && !message.contains("bundle")) {
      message["bundle"] = std::get<bool>(arg.value);
    } else if (arg.isNumber() && !message.contains("bundle") &&
               (std::get<double>(arg.value) == 0.0 || std::get<double>(arg.value) == 1.0)) {
      message["bundle"] = std::get<double>(arg.value) == 1.0;
    } else {
      return oscArgError(m.address, "takes an optional format string and an optional bundle 0/1");
    }
  }
  return message;
}

net::OscCommand recordingCommand(RecordingService& recordings, bool start) {
  net::OscCommand c;
  c.info.address = start ? "/auralis/recording/start" : "/auralis/recording/stop";
  c.info.types = start ? "si" : "s";
  c.info.valueKind = "command";
  c.info.argNames =
      start ? std::vector<std::string>{"format", "bundle"} : std::vector<std::string>{"id"};
  c.info.description = start ? "start recording; optional format (wav, flac, opus) and bundle "
                               "(1: a session bundle); both may be left out"
                             : "stop the recording in progress, or the one with this id";
  c.handle = [&recordings, start](const net::OscMessage& m) -> Result<nlohmann::json> {
    auto message = recordingMessageFromOsc(m, start);
    if (!message) return message.error();
    const auto reply = handleRecordingMessage(recordings, message.value());
    if (reply.value("type", std::string()) == "error")
      return makeError(reply.value("code", std::string("internal")),
                       reply.value("message", std::string()), reply.value("field", std::string()));
    return reply.value("recording", nlohmann::json::object());
  };
  return c;
}

}  // namespace

std::vector<net::OscCommand> recordingOscCommands(RecordingService& recordings) {
  return {recordingCommand(recordings, true), recordingCommand(recordings, false)};
}

}  // namespace auralis::app
