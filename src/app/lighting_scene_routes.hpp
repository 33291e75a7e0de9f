// The lighting scene as a parameter, added through net::ServerHooks::extraRoutes:
//   GET /api/v1/lighting/scene  -> 200 the scene now playing (docs/lighting.md form)
//   PUT /api/v1/lighting/scene  (a scene)  -> 200 the scene as stored; it takes over at
//       the next lighting frame without a jump. Errors {"error":{code,message,field}}:
//       400 bad_json / invalid_param (field names the part of the scene, e.g.
//       "rules[0].source"), 405 for other methods.
// Thread rules: the handler runs on the server's io threads.
#pragma once

#include "app/lighting_wiring.hpp"
#include "net/router.hpp"

namespace auralis::app {

/// Main thread, while building ServerHooks. `lights` outlives the server.
net::ExtraRoute lightingSceneRoute(LightingWiring& lights);

}  // namespace auralis::app
