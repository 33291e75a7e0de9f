#include "app/playback_surfaces.hpp"

#include <string_view>

#include "app/recording_routes.hpp"
#include "control/messages.hpp"
#include "control/playback.hpp"

namespace auralis::app {

namespace {

constexpr std::string_view kPrefix = "/api/v1/playback";

/// The one path every surface takes: validate, then apply.
Result<nlohmann::json> validateAndApply(PlaybackService& service, const nlohmann::json& fields) {
  auto request = control::parsePlaybackRequest(fields);
  if (!request) return request.error();
  return service.apply(request.value());
}

Error oscArgs(const std::string& address, const std::string& what) {
  return makeError(control::codes::kInvalidParam, address + " " + what, address);
}

net::OscCommand oscCommand(PlaybackService& service, std::string action, std::string types,
                           std::vector<std::string> argNames, std::string description) {
  net::OscCommand c;
  c.info.address = "/auralis/playback/" + action;
  c.info.types = types;
  c.info.valueKind = "command";
  c.info.argNames = argNames;
  c.info.description = std::move(description);
  c.handle = [&service, action, argNames](const net::OscMessage& m) -> Result<nlohmann::json> {
    nlohmann::json fields = {{"action", action}};
    // play takes a sourceId and an optional start position; the others one value or none.
    const std::size_t required = action == "stop" ? 0 : 1;
    if (m.args.size() < required || m.args.size() > argNames.size())
      return oscArgs(m.address, "takes " + std::to_string(argNames.size()) + " argument(s)");
    for (std::size_t i = 0; i < m.args.size(); ++i) {
      const auto& a = m.args[i];
      const auto& name = argNames[i];
      if (name == "sourceId") {
        if (!a.isText()) return oscArgs(m.address, "takes the sourceId as a string");
        fields[name] = std::get<std::string>(a.value);
      } else if (name == "loop") {
        if (a.isBool())
          fields[name] = std::get<bool>(a.value);
        else if (a.isNumber())
          fields[name] = std::get<double>(a.value) != 0.0;
        else
          return oscArgs(m.address, "takes 1 or 0 (T or F)");
      } else {
        // Numbers: the range check (and non-finite refusal) is the shared validator's.
        if (!a.isNumber()) return oscArgs(m.address, "takes a number for " + name);
        fields[name] = std::get<double>(a.value);
      }
    }
    return validateAndApply(service, fields);
  };
  return c;
}

}  // namespace

nlohmann::json handlePlaybackMessage(PlaybackService& service, const nlohmann::json& message) {
  const nlohmann::json reqId = message.contains("reqId") ? message.at("reqId") : nlohmann::json();
  auto applied = validateAndApply(service, message);
  if (!applied) return control::makeErrorMessage(applied.error(), reqId);
  nlohmann::json ack = {{"type", "ack"}, {"playback", applied.value()}};
  if (!reqId.is_null()) ack["reqId"] = reqId;
  return ack;
}

net::ExtraRoute playbackRoute(PlaybackService& service) {
  return {std::string(kPrefix),
          [&service](const net::HttpRequest& req) -> std::optional<net::HttpResponse> {
            const auto under = net::pathUnder(req, kPrefix);
            if (!under || !under->empty()) return std::nullopt;
            if (req.method == "GET" || req.method == "HEAD")
              return net::jsonResponse(200, service.state());
            if (req.method != "POST")
              return net::errorResponse(405, makeError("method_not_allowed", "use GET or POST"));
            nlohmann::json body;
            if (auto parsed = control::parseJsonText(req.body, body); !parsed)
              return net::errorResponse(httpStatusFor(parsed.error()), parsed.error());
            if (!body.is_object())
              return net::errorResponse(
                  400, makeError(control::codes::kBadJson, "the body must be a JSON object"));
            auto applied = validateAndApply(service, body);
            if (!applied)
              return net::errorResponse(httpStatusFor(applied.error()), applied.error());
            return net::jsonResponse(200, {{"playback", applied.value()}});
          }};
}

std::vector<net::OscCommand> playbackOscCommands(PlaybackService& service) {
  return {
      oscCommand(service, "play", "sf", {"sourceId", "position"},
                 "play an uploaded source (crossfading from what plays), optionally from a "
                 "position in seconds"),
      oscCommand(service, "stop", "", {}, "fade playback out"),
      oscCommand(service, "seek", "f", {"position"}, "move the playing source to seconds"),
      oscCommand(service, "gain", "f", {"gain"}, "playback level, linear 0..4"),
      oscCommand(service, "loop", "i", {"loop"}, "loop the playing source: 1 on, 0 off"),
  };
}

PlaybackConfig playbackConfig(const Config& config) {
  PlaybackConfig c;
  c.targetLufs = config.getDouble("master.loudness_lufs");
  return c;
}

void registerPlaybackMetrics(obs::Registry& registry, const PlaybackService& service) {
  registry.counterFn(
      "auralis_playback_underruns_total",
      "Blocks in which a playing source's read-ahead ring ran dry (faded to silence)", {},
      [&service] { return static_cast<double>(service.underruns()); });
  registry.gaugeFn("auralis_playback_buffer_seconds",
                   "Seconds of the playing source decoded ahead of the playhead", {},
                   [&service] { return service.bufferSeconds(); });
}

}  // namespace auralis::app
