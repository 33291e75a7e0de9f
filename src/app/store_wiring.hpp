// The storage features wired into `auralis serve`: the SQLite database in the
// data directory (opened and migrated at start; locked or corrupt -> exit 1
// with a message), the recordings service and the presets service, and their
// REST routes. serve_command.cpp holds a StoreServices for the server's life.
//
// Thread rules: construct and destroy on the main thread; the services are
// thread-safe (see each).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "app/dmx_capture.hpp"
#include "app/lighting_wiring.hpp"
#include "app/preset_service.hpp"
#include "app/recording_service.hpp"
#include "app/recording_session_log.hpp"
#include "control/controller.hpp"
#include "control/event_bus.hpp"
#include "net/router.hpp"
#include "obs/realtime_probe.hpp"
#include "obs/rss_watch.hpp"
#include "store/database.hpp"

namespace auralis::app {

/// What a bundle's manifest says about this server's session (seed, rates, block, start state).
SessionInfo makeSessionInfo(const Config& config, double sampleRate, int blockFrames,
                            int engineMaxBlock, const std::string& backend,
                            const control::ControlParams& start);

/// Operations probes: the real-time report (logged, and in status as engine.realtime) and
/// the RSS leak watch (auralis_rss_slope_bytes_per_second). Main thread, after the driver started.
struct OpsProbes {
  OpsProbes(const Config& config, bool realtimeGranted, obs::Registry& registry);
  obs::RealtimeReport realtime;
  obs::RssWatch rss;
  nlohmann::json realtimeJson() const;
};

/// `<dataDir>/auralis.db`, opened, migrated; rows left "recording" by a crash marked failed.
Result<std::unique_ptr<store::Database>> openStore(const std::string& dataDir);

struct StoreServices {
  StoreServices(store::Database& db, engine::Engine& engine, control::Controller& controller,
                control::EventBus& bus, const SessionLog& log, const std::string& dataDir,
                SessionInfo info);
  /// The REST routes (/api/v1/recordings, /api/v1/presets) for ServerHooks::extraRoutes.
  std::vector<net::ExtraRoute> routes();
  /// Main thread, before the lighting starts and the HTTP server is built:
  /// bundles capture its frames (dmx.bin), presets keep its scene, and the
  /// scene becomes a parameter (GET/PUT /api/v1/lighting/scene, the returned route).
  std::vector<net::ExtraRoute> attachLighting(LightingWiring& lights);

  DmxCapture dmx;  // before `recordings`: it outlives the recording that uses it
  RecordingService recordings;
  PresetService presets;
  control::EventBus& bus;
  control::Controller& controller;
};

}  // namespace auralis::app
