#include "app/lighting_wiring.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <tuple>

namespace auralis::app {

namespace {

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

Result<nlohmann::json> readJsonFile(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  if (!in) return makeError("invalid_config", key + ": cannot read " + path, key);
  auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded())
    return makeError("invalid_config", key + ": " + path + " is not valid JSON", key);
  return j;
}

Error atKey(const Error& e, const std::string& key) {
  return makeError("invalid_config",
                   key + ": " + e.message + (e.field.empty() ? "" : " (at " + e.field + ")"), key);
}

nlohmann::json dmxTelemetry(const lighting::DmxFrame& frame, double fps) {
  // The first four universes: enough for the page's universe view without
  // sending 16 x 512 numbers ten times a second.
  nlohmann::json universes = nlohmann::json::array();
  for (int u = 0; u < std::min(frame.universes, 4); ++u) {
    const auto& d = frame.data[static_cast<std::size_t>(u)];
    universes.push_back({{"universe", u + 1}, {"slots", std::vector<int>(d.begin(), d.end())}});
  }
  return {{"fps", fps}, {"universeCount", frame.universes}, {"universes", std::move(universes)}};
}

}  // namespace

lighting::SoundLabel lightingLabel(analysis::SoundLabel label) {
  switch (label) {
    case analysis::SoundLabel::Music:
      return lighting::SoundLabel::Music;
    case analysis::SoundLabel::Speech:
      return lighting::SoundLabel::Speech;
    case analysis::SoundLabel::Silence:
      return lighting::SoundLabel::Silence;
    case analysis::SoundLabel::Noise:
      return lighting::SoundLabel::Noise;
  }
  return lighting::SoundLabel::Unknown;
}

LightingWiring::LightingWiring(engine::Engine& engine, control::EventBus& bus,
                               const control::Controller& controller)
    : engine_(engine), bus_(bus), controller_(controller), clock_(bus, engine.sampleRate()) {}

Result<std::unique_ptr<LightingWiring>> LightingWiring::create(
    const Config& config, engine::Engine& engine, control::EventBus& bus,
    const control::Controller& controller, obs::Registry& registry) {
  std::unique_ptr<LightingWiring> w(new LightingWiring(engine, bus, controller));
  lighting::FrameLoopConfig fc;
  fc.fps = config.getDouble("lighting.fps");
  fc.pollBind = config.getString("lighting.artpoll_bind");
  fc.sendUnchanged = config.getBool("lighting.send_unchanged");
  for (const auto& [key, protocol] :
       {std::pair{"lighting.artnet_targets", lighting::Protocol::ArtNet},
        std::pair{"lighting.sacn_targets", lighting::Protocol::Sacn}}) {
    for (const auto& spec : splitList(config.getString(key))) {
      auto target = lighting::parseOutputTarget(spec, protocol);
      if (!target) return atKey(target.error(), key);
      fc.targets.push_back(target.value());
    }
  }
  w->sceneJson_ = lighting::sceneToJson(lighting::defaultScene());
  if (fc.targets.empty()) return w;  // lighting off

  lighting::Patch patch =
      lighting::defaultPatch(static_cast<int>(config.getInt("lighting.universes")));
  if (const auto path = config.getString("lighting.patch"); !path.empty()) {
    auto j = readJsonFile(path, "lighting.patch");
    if (!j) return j.error();
    auto parsed = lighting::parsePatch(j.value());
    if (!parsed) return atKey(parsed.error(), "lighting.patch");
    patch = std::move(parsed.value());
  }
  lighting::Scene scene = lighting::defaultScene();
  if (const auto path = config.getString("lighting.scene"); !path.empty()) {
    auto j = readJsonFile(path, "lighting.scene");
    if (!j) return j.error();
    auto parsed = lighting::parseScene(j.value());
    if (!parsed) return atKey(parsed.error(), "lighting.scene");
    scene = std::move(parsed.value());
  }
  w->sceneJson_ = lighting::sceneToJson(scene);

  auto* raw = w.get();
  w->loop_ = std::make_unique<lighting::FrameLoop>(
      fc, lighting::SceneRenderer(std::move(patch), std::move(scene)),
      [raw] { return raw->features(); });
  std::vector<double> bounds = {0.005, 0.010,  0.015, 0.020, 0.0225, 0.024, 0.025,
                                0.026, 0.0275, 0.030, 0.035, 0.050,  0.100};
  w->interval_ = &registry.histogram("auralis_dmx_frame_interval_seconds",
                                     "Time between lighting frames (jitter around 1/fps)", bounds);
  auto* loop = w->loop_.get();
  const auto& stats = loop->stats();
  registry.counterFn("auralis_dmx_frames_total", "Lighting frames rendered and sent", {},
                     [&stats] { return static_cast<double>(stats.frames.load()); });
  registry.counterFn("auralis_dmx_packets_total", "Art-Net and sACN packets sent", {},
                     [&stats] { return static_cast<double>(stats.packets.load()); });
  registry.counterFn("auralis_dmx_send_errors_total", "Lighting packets the network refused", {},
                     [&stats] { return static_cast<double>(stats.sendErrors.load()); });
  registry.counterFn(
      "auralis_dmx_late_frames_total",
      "Lighting frames whose deadline passed by more than a frame (the grid restarted)", {},
      [&stats] { return static_cast<double>(stats.lateFrames.load()); });
  registry.counterFn("auralis_artnet_poll_replies_total", "ArtPollReply packets sent", {},
                     [&stats] { return static_cast<double>(stats.pollReplies.load()); });
  auto* histogram = w->interval_;
  loop->onInterval = [histogram](double s) { histogram->observe(s); };
  const double fps = loop->config().fps;
  loop->onSnapshot = [raw, fps](const lighting::DmxFrame& f) {
    raw->bus_.publish("dmx", dmxTelemetry(f, fps));
  };
  return w;
}

lighting::LightingFeatures LightingWiring::features() {
  lighting::LightingFeatures f;
  // What is heard now: the block being rendered minus the master's look-ahead.
  const auto heard = engine_.position() - engine_.latencyFrames();
  lastHeard_ = heard;
  const auto music = clock_.at(heard, controller_.current().bpm);
  f.beatIndex = music.beatIndex;
  f.beatPhase = music.beatPhase;
  f.chordRoot = music.chordRoot;
  f.chordMinor = music.chordMinor;
  f.section = music.section;
  f.onset = music.kick;
  f.intensity = static_cast<float>(controller_.current().intensity);
  if (sources_.master) {
    // Three broad bands from the analysis' log-spaced ones, -60..0 dBFS as 0..1.
    const auto m = sources_.master();
    const int n = std::clamp(m.bandCount, 0, analysis::kMaxBands);
    auto band = [&](int from, int to) {
      if (to <= from) return 0.0F;
      float sum = 0.0F;
      for (int b = from; b < to; ++b) sum += m.bandsDb[static_cast<std::size_t>(b)];
      return std::clamp((sum / static_cast<float>(to - from) + 60.0F) / 60.0F, 0.0F, 1.0F);
    };
    f.low = band(0, n / 3);
    f.mid = band(n / 3, 2 * n / 3);
    f.high = band(2 * n / 3, n);
  }
  if (sources_.input) {
    // A live player's onsets flash too (the ensemble's own hits come from its plan).
    const auto in = sources_.input();
    if (in.lastOnsetPos > lastInputOnset_ && lastInputOnset_ >= 0) f.onset = true;
    lastInputOnset_ = std::max(lastInputOnset_, in.lastOnsetPos);
    if (lastInputOnset_ < 0) lastInputOnset_ = 0;
  }
  if (sources_.label) std::tie(f.label, f.labelConfidence) = sources_.label();
  const float peak = engine_.metrics().peakLinear.load(std::memory_order_relaxed);
  const float peakDb = peak > 1e-6F ? 20.0F * std::log10(peak) : -120.0F;
  f.level = std::clamp((peakDb + 36.0F) / 36.0F, 0.0F, 1.0F);
  return f;
}

void LightingWiring::setFrameSink(
    std::function<void(std::int64_t, const lighting::DmxFrame&)> sink) {
  if (!loop_) return;
  if (!sink) {
    loop_->onFrame = nullptr;
    return;
  }
  loop_->onFrame = [this, sink = std::move(sink)](const lighting::DmxFrame& f) {
    sink(lastHeard_, f);
  };
}

nlohmann::json LightingWiring::sceneJson() const {
  std::lock_guard lock(sceneMutex_);
  return sceneJson_;
}

Result<nlohmann::json> LightingWiring::setScene(const nlohmann::json& scene) {
  auto parsed = lighting::parseScene(scene);
  if (!parsed)
    // The stable code of every control surface; the field says which part of the scene.
    return makeError("invalid_param", "scene: " + parsed.error().message,
                     parsed.error().field.empty() ? "scene" : parsed.error().field);
  auto normal = lighting::sceneToJson(parsed.value());
  std::lock_guard lock(sceneMutex_);
  if (loop_) loop_->setScene(std::move(parsed.value()));
  sceneJson_ = normal;
  return normal;
}

Status LightingWiring::start() {
  return loop_ ? loop_->start() : Status{Ok{}};
}

void LightingWiring::stop() {
  if (loop_) loop_->stop();
}

std::string LightingWiring::describe() const {
  if (!loop_) return "lighting: off (no Art-Net or sACN target)";
  const auto& c = loop_->config();
  std::string targets;
  for (const auto& t : c.targets) {
    if (!targets.empty()) targets += ", ";
    targets += (t.protocol == lighting::Protocol::ArtNet ? "artnet " : "sacn ") + t.host + ":" +
               std::to_string(t.port);
  }
  return "lighting: " + std::to_string(static_cast<int>(c.fps)) + " FPS to " + targets;
}

}  // namespace auralis::app
