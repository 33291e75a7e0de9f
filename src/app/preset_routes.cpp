#include "app/preset_routes.hpp"

#include <string_view>

#include "app/recording_routes.hpp"

namespace auralis::app {

namespace {

constexpr std::string_view kPrefix = "/api/v1/presets";

net::HttpResponse fail(const Error& e) {
  return net::errorResponse(httpStatusFor(e), e);
}

net::HttpResponse create(PresetService& service, const net::HttpRequest& req) {
  const auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return fail(makeError("bad_json", "the body must be a JSON object"));
  for (const auto& [key, value] : body.items())
    if (key != "name" && key != "params" && key != "lighting")
      return fail(makeError("unknown_param", "unknown field '" + key + "'", key));
  if (!body.contains("name") || !body["name"].is_string())
    return fail(makeError("invalid_param", "name (a string) is required", "name"));
  const auto name = body["name"].get<std::string>();
  if (body.contains("lighting") && !body.contains("params"))
    return fail(
        makeError("invalid_param", "an imported preset needs params with its lighting", "params"));
  auto saved = body.contains("params")
                   ? service.import(name, body["params"], body.value("lighting", nlohmann::json()))
                   : service.saveCurrent(name);
  if (!saved) return fail(saved.error());
  return net::jsonResponse(201, saved.value());
}

}  // namespace

net::ExtraRoute presetRoutes(PresetService& service,
                             std::function<void(const nlohmann::json&)> onLoaded) {
  return {std::string(kPrefix),
          [&service, onLoaded](const net::HttpRequest& req) -> std::optional<net::HttpResponse> {
            const auto under = net::pathUnder(req, kPrefix);
            if (!under) return std::nullopt;
            std::string_view rest = *under;
            if (rest.empty() || rest == "/") {
              if (req.method == "GET") {
                auto all = service.list();
                if (!all) return fail(all.error());
                return net::jsonResponse(200, {{"presets", all.value()}});
              }
              if (req.method == "POST") return create(service, req);
              return fail(makeError("method_not_allowed", "use GET or POST"));
            }
            rest.remove_prefix(1);
            std::string_view action;
            if (rest.ends_with("/load")) {
              action = "load";
              rest.remove_suffix(5);
            }
            const auto decoded = net::Router::percentDecode(rest);
            if (!decoded) return fail(makeError("invalid_param", "malformed preset name", "name"));
            const std::string& name = *decoded;
            if (action == "load") {
              if (req.method != "POST") return fail(makeError("method_not_allowed", "use POST"));
              auto applied = service.load(name);
              if (!applied) return fail(applied.error());
              if (onLoaded) onLoaded(applied.value());
              return net::jsonResponse(200, {{"name", name}, {"params", applied.value()}});
            }
            if (req.method == "GET" || req.method == "HEAD") {
              auto doc = service.get(name);
              if (!doc) return fail(doc.error());
              return net::jsonResponse(200, doc.value());
            }
            if (req.method == "DELETE") {
              if (auto r = service.remove(name); !r) return fail(r.error());
              net::HttpResponse r;
              r.status = 204;
              return r;
            }
            return fail(makeError("method_not_allowed", "use GET, DELETE or POST .../load"));
          }};
}

}  // namespace auralis::app
