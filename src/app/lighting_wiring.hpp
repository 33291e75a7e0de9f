// Lighting in the server: builds the patch, scene and outputs from the
// configuration, feeds the frame loop with what is heard (the ensemble's plan
// through MusicClock, the engine's level), exports DMX metrics and publishes the
// `dmx` telemetry kind.
//
// Thread rules: construct, start() and stop() on the main thread.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <utility>

#include "analysis/features.hpp"
#include "analysis/sound_classifier.hpp"

#include "app/config.hpp"
#include "app/music_clock.hpp"
#include "control/controller.hpp"
#include "control/event_bus.hpp"
#include "core/result.hpp"
#include "engine/engine.hpp"
#include "lighting/frame_loop.hpp"
#include "obs/metrics.hpp"

namespace auralis::app {

/// The classifier's label in the lighting scenes' terms.
lighting::SoundLabel lightingLabel(analysis::SoundLabel label);

class LightingWiring {
 public:
  /// Reads lighting.* keys; errors name the key (exit 2 at start).
  static Result<std::unique_ptr<LightingWiring>> create(const Config& config,
                                                        engine::Engine& engine,
                                                        control::EventBus& bus,
                                                        const control::Controller& controller,
                                                        obs::Registry& registry);
  /// Main thread, before start(). Where live features come from: the analysis
  /// snapshots (bands, input onsets) and the classifier's label. Each is called on
  /// the lighting thread and must not block.
  struct FeatureSources {
    std::function<analysis::FeatureSnapshot()> master;
    std::function<analysis::FeatureSnapshot()> input;
    std::function<std::pair<lighting::SoundLabel, float>()> label;
  };
  void setFeatureSources(FeatureSources sources) { sources_ = std::move(sources); }

  /// Main thread, before start(). Called on the lighting thread with every
  /// rendered frame and the sample position heard when its features were read
  /// (session bundles' dmx.bin); must never wait. Ignored when lighting is off.
  void setFrameSink(std::function<void(std::int64_t heardSample, const lighting::DmxFrame&)> sink);
  /// The frame rate (config), 0 when lighting is off. Any thread.
  double fps() const { return loop_ ? loop_->config().fps : 0.0; }

  /// The scene now playing, in the file form (lighting::sceneToJson). Any
  /// non-real-time thread; kept (and changeable) even when lighting is off.
  nlohmann::json sceneJson() const;
  /// Validates `scene` (lighting::parseScene; errors `invalid_param` naming the
  /// field) and hands it to the frame loop, which takes it at its next frame
  /// without a jump (the smoothing carries over). The scene as now stored. Any
  /// non-real-time thread.
  Result<nlohmann::json> setScene(const nlohmann::json& scene);

  Status start();
  void stop();
  /// False when no target is configured (lighting off).
  bool enabled() const { return loop_ != nullptr; }
  std::string describe() const;

 private:
  LightingWiring(engine::Engine& engine, control::EventBus& bus,
                 const control::Controller& controller);
  lighting::LightingFeatures features();

  engine::Engine& engine_;
  control::EventBus& bus_;
  const control::Controller& controller_;
  MusicClock clock_;
  std::unique_ptr<lighting::FrameLoop> loop_;
  obs::Histogram* interval_ = nullptr;
  FeatureSources sources_;
  std::int64_t lastInputOnset_ = -1;
  std::int64_t lastHeard_ = 0;
  mutable std::mutex sceneMutex_;
  nlohmann::json sceneJson_;  // lighting thread: the position features() read
};

}  // namespace auralis::app
