#include "app/recording_routes.hpp"

#include <string_view>

namespace auralis::app {

namespace {

constexpr std::string_view kPrefix = "/api/v1/recordings";

net::HttpResponse fail(const Error& e) {
  return net::errorResponse(httpStatusFor(e), e);
}

std::string contentTypeFor(const std::string& path) {
  if (path.ends_with(".wav")) return "audio/wav";
  if (path.ends_with(".flac")) return "audio/flac";
  if (path.ends_with(".opus")) return "audio/ogg; codecs=opus";
  return "application/octet-stream";
}

/// Ids are made of [a-z0-9-]; anything else is refused before it reaches a path.
bool validId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

net::HttpResponse start(RecordingService& service, const net::HttpRequest& req) {
  RecordingRequest request;
  if (!req.body.empty()) {
    const auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return fail(makeError("bad_json", "the body must be a JSON object"));
    for (const auto& [key, value] : body.items()) {
      if (key == "format") {
        if (!value.is_string())
          return fail(makeError("invalid_param", "format must be wav, flac or opus", "format"));
        request.format = value.get<std::string>();
      } else if (key == "bundle" || key == "input") {
        if (!value.is_boolean())
          return fail(makeError("invalid_param", key + " must be true or false", key));
        (key == "bundle" ? request.bundle : request.input) = value.get<bool>();
      } else {
        return fail(makeError("unknown_param", "unknown field '" + key + "'", key));
      }
    }
  }
  auto id = service.start(request);
  if (!id) return fail(id.error());
  return net::jsonResponse(201, {{"id", id.value()}});
}

}  // namespace

int httpStatusFor(const Error& e) {
  if (e.code == "invalid_param" || e.code == "bad_json" || e.code == "unknown_param") return 400;
  if (e.code == "not_found") return 404;
  if (e.code == "method_not_allowed") return 405;
  if (e.code == "busy" || e.code == "not_recording") return 409;
  if (e.code == "disk_full") return 507;
  return 500;
}

net::ExtraRoute recordingRoutes(RecordingService& service) {
  return {std::string(kPrefix),
          [&service](const net::HttpRequest& req) -> std::optional<net::HttpResponse> {
            const auto under = net::pathUnder(req, kPrefix);
            if (!under) return std::nullopt;
            std::string_view rest = *under;
            if (rest.empty() || rest == "/") {
              if (req.method == "GET") {
                auto all = service.list();
                if (!all) return fail(all.error());
                return net::jsonResponse(200, {{"recordings", all.value()}});
              }
              if (req.method == "POST") return start(service, req);
              return fail(makeError("method_not_allowed", "use GET or POST"));
            }
            rest.remove_prefix(1);
            const auto slash = rest.find('/');
            const std::string id(rest.substr(0, slash));
            const std::string_view action =
                slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
            if (!validId(id)) return fail(makeError("not_found", "no such recording", "id"));
            if (action.empty() && (req.method == "GET" || req.method == "HEAD")) {
              auto row = service.get(id);
              if (!row) return fail(row.error());
              return net::jsonResponse(200, row.value());
            }
            if (action == "stop" && req.method == "POST") {
              auto row = service.stop(id);
              if (!row) return fail(row.error());
              return net::jsonResponse(200, row.value());
            }
            if (action == "audio" && (req.method == "GET" || req.method == "HEAD")) {
              auto file = service.audioFile(id);
              if (!file) return fail(file.error());
              return net::fileResponse(req, file.value(), contentTypeFor(file.value()));
            }
            return fail(makeError("not_found", "no such endpoint"));
          }};
}

}  // namespace auralis::app
