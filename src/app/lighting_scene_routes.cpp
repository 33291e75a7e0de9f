#include "app/lighting_scene_routes.hpp"

#include <string_view>

#include "app/recording_routes.hpp"

namespace auralis::app {

namespace {

constexpr std::string_view kPath = "/api/v1/lighting/scene";

net::HttpResponse fail(const Error& e) {
  return net::errorResponse(httpStatusFor(e), e);
}

}  // namespace

net::ExtraRoute lightingSceneRoute(LightingWiring& lights) {
  return {std::string(kPath),
          [&lights](const net::HttpRequest& req) -> std::optional<net::HttpResponse> {
            const std::string_view path(req.target);
            if (path.substr(0, path.find('?')) != kPath) return std::nullopt;
            if (req.method == "GET" || req.method == "HEAD")
              return net::jsonResponse(200, lights.sceneJson());
            if (req.method != "PUT") return fail(makeError("method_not_allowed", "use GET or PUT"));
            const auto body = nlohmann::json::parse(req.body, nullptr, false);
            if (body.is_discarded() || !body.is_object())
              return fail(makeError("bad_json", "the body must be a scene (a JSON object)"));
            auto stored = lights.setScene(body);
            if (!stored) return fail(stored.error());
            return net::jsonResponse(200, stored.value());
          }};
}

}  // namespace auralis::app
