// REST for presets, added through net::ServerHooks::extraRoutes:
//   GET    /api/v1/presets              -> 200
//   {"presets":[{"name","params","createdAt","updatedAt"}]} POST   /api/v1/presets {"name":N}   ->
//   201 the preset (saves the current state) POST   /api/v1/presets {"name":N,"params":{..}} -> 201
//   (import: validated like `control`) GET    /api/v1/presets/{name}       -> 200 the preset
//   (export) DELETE /api/v1/presets/{name}       -> 204 POST   /api/v1/presets/{name}/load  -> 200
//   {"params":{..applied state..}}
// A preset carries the lighting scene as "lighting":{"scene":{..}} when the server
// kept one (export shows it, import accepts it, load applies it).
// Names are percent-decoded from the path. Errors as {"error":{..}}: 400, 404.
// Thread rules: the handler runs on the server's io threads.
#pragma once

#include <functional>

#include "app/preset_service.hpp"
#include "net/router.hpp"

namespace auralis::app {

/// `onLoaded` is called after a load with the applied state (serve broadcasts status).
net::ExtraRoute presetRoutes(PresetService& service,
                             std::function<void(const nlohmann::json&)> onLoaded = {});

}  // namespace auralis::app
