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
