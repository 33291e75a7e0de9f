#include "app/store_wiring.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>

#include "app/lighting_scene_routes.hpp"
#include "app/preset_routes.hpp"
#include "app/recording_routes.hpp"
#include "control/messages.hpp"
#include "store/migrations.hpp"
#include "store/recordings_repo.hpp"

namespace auralis::app {

SessionInfo makeSessionInfo(const Config& config, double sampleRate, int blockFrames,
                            int engineMaxBlock, const std::string& backend,
                            const control::ControlParams& start) {
  SessionInfo info;
  info.seed = static_cast<std::uint64_t>(config.getInt("music.seed"));
  info.sampleRate = sampleRate;
  info.blockFrames = blockFrames;
  info.engineMaxBlock = engineMaxBlock;
  info.ceilingDb = config.getDouble("master.ceiling_db");
  info.loudnessLufs = config.getDouble("master.loudness_lufs");
  info.backend = backend;
  // Only the clock backend is certain to have no live input.
  info.liveInput = backend != "clock";
  info.startParams = control::toJson(start);
  return info;
}

OpsProbes::OpsProbes(const Config& config, bool realtimeGranted, obs::Registry& registry)
    : realtime(obs::probeRealtime(config.getBool("audio.realtime"), realtimeGranted,
                                  config.getBool("audio.realtime"))),
      rss(std::chrono::duration<double>(config.getDouble("obs.rss_sample_seconds")),
          std::chrono::duration<double>(config.getDouble("obs.rss_window_seconds"))) {
  if (realtime.granted)
    spdlog::info("audio: real-time scheduling granted (SCHED_FIFO)");
  else
    spdlog::warn("audio: no real-time scheduling: {}", realtime.reason);
  if (!realtime.memoryLocked && config.getBool("audio.realtime"))
    spdlog::warn("audio: memory not locked: {}", realtime.memoryReason);
  rss.registerMetrics(registry);
  rss.start();
}

nlohmann::json OpsProbes::realtimeJson() const {
  nlohmann::json j = {{"granted", realtime.granted}, {"memoryLocked", realtime.memoryLocked}};
  if (!realtime.granted) j["reason"] = realtime.reason;
  if (!realtime.memoryLocked) j["memoryReason"] = realtime.memoryReason;
  return j;
}

Result<std::unique_ptr<store::Database>> openStore(const std::string& dataDir) {
  const auto path = (std::filesystem::path(dataDir) / "auralis.db").string();
  auto db = store::Database::open(path);
  if (!db) return db.error();
  if (auto r = store::migrate(*db.value()); !r) return r.error();
  if (auto r = store::RecordingsRepo(*db.value()).markInterrupted(); !r) return r.error();
  return db;
}

StoreServices::StoreServices(store::Database& db, engine::Engine& engine, control::Controller& ctl,
                             control::EventBus& eventBus, const SessionLog& log,
                             const std::string& dataDir, SessionInfo info)
    : recordings(engine, db, dataDir, &eventBus, &log, std::move(info)),
      presets(db, ctl),
      bus(eventBus),
      controller(ctl) {}

std::vector<net::ExtraRoute> StoreServices::routes() {
  // A loaded preset changes the parameters like a control message: everyone hears of it.
  auto onLoaded = [this](const nlohmann::json&) {
    bus.publish("status", control::makeStatus(controller.current(), controller.engineStatus()));
  };
  return {recordingRoutes(recordings), presetRoutes(presets, onLoaded)};
}

std::vector<net::ExtraRoute> StoreServices::attachLighting(LightingWiring& lights) {
  if (lights.enabled()) {
    dmx.attach(recordings.sampleRate(), lights.fps());
    auto* capture = &dmx;
    lights.setFrameSink([capture](std::int64_t heard, const lighting::DmxFrame& frame) {
      capture->offer(heard, frame);
    });
    recordings.setDmxCapture(&dmx);
  }
  auto* wiring = &lights;
  presets.setSceneAccess(
      {[wiring] { return wiring->sceneJson(); },
       [wiring](const nlohmann::json& scene) { return wiring->setScene(scene); }});
  return {lightingSceneRoute(lights)};
}

}  // namespace auralis::app
