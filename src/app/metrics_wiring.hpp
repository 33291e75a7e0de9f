// Registers every figure the running server exports (GET /metrics and
// /api/v1/metrics). Each is read from its owner's atomics at scrape time.
#pragma once

#include "engine/engine.hpp"
#include "net/server.hpp"
#include "obs/metrics.hpp"
#include "stream/broadcaster.hpp"

namespace auralis::app {

void registerEngineMetrics(obs::Registry& registry, const engine::Engine& engine);
void registerServerMetrics(obs::Registry& registry, const net::Server& server,
                           const stream::Broadcaster* broadcaster);

}  // namespace auralis::app
