#include "app/loudness_control.hpp"
#include "core/thread_name.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <exception>

namespace auralis::app {

namespace {
/// Metrics want finite numbers: silence reads as -100 LUFS / dBTP.
double finiteOr(double v, double fallback = -100.0) {
  return std::isfinite(v) ? v : fallback;
}
}  // namespace

engine::LoudnessTrimConfig loudnessTrimConfig(const Config& config) {
  engine::LoudnessTrimConfig c;
  c.targetLufs = config.getDouble("master.loudness_lufs");
  return c;
}

LoudnessFollower::LoudnessFollower(double sampleRate, const engine::LoudnessTrimConfig& config,
                                   double updateSeconds)
    : meter_(sampleRate, 2),
      law_(config),
      updateFrames_(std::max<std::int64_t>(1, std::llround(updateSeconds * sampleRate))),
      sampleRate_(sampleRate) {}

bool LoudnessFollower::feed(const engine::TapBlock& block, float& trimDb) {
  meter_.addInterleaved(block.samples, static_cast<std::size_t>(block.frames));
  framesSinceUpdate_ += block.frames;
  if (framesSinceUpdate_ < updateFrames_) return false;

  engine::LoudnessReading reading;
  reading.momentaryLufs = meter_.momentaryLufs();
  reading.shortTermLufs = meter_.shortTermLufs();
  reading.seconds = static_cast<double>(framesSinceUpdate_) / sampleRate_;
  framesSinceUpdate_ = 0;
  const auto trim = static_cast<float>(law_.update(reading));

  figures_.momentaryLufs.store(finiteOr(reading.momentaryLufs), std::memory_order_relaxed);
  figures_.shortTermLufs.store(finiteOr(reading.shortTermLufs), std::memory_order_relaxed);
  figures_.integratedLufs.store(finiteOr(meter_.integratedLufs()), std::memory_order_relaxed);
  figures_.truePeakDbtp.store(finiteOr(meter_.truePeakDbtp()), std::memory_order_relaxed);
  figures_.trimDb.store(static_cast<double>(trim), std::memory_order_relaxed);
  if (trim == lastSent_) return false;
  lastSent_ = trim;
  trimDb = trim;
  return true;
}

LoudnessControl::LoudnessControl(engine::Engine& engine, const engine::LoudnessTrimConfig& config)
    : engine_(engine), follower_(std::make_unique<LoudnessFollower>(engine.sampleRate(), config)) {
  engine_.tap(engine::TapId::MasterLoudness).setEnabled(true);
}

LoudnessControl::~LoudnessControl() {
  stop();
}

void LoudnessControl::start() {
  if (running_.exchange(true)) return;
  thread_ = std::thread([this] {
    core::nameThisThread("au-loudness");
    run();
  });
}

void LoudnessControl::stop() {
  running_.store(false);
  if (thread_.joinable()) thread_.join();
}

void LoudnessControl::run() {
  auto& tap = engine_.tap(engine::TapId::MasterLoudness);
  try {
    while (running_.load(std::memory_order_relaxed)) {
      bool any = false;
      while (const auto* block = tap.front()) {
        float trim = 0.0F;
        if (follower_->feed(*block, trim) && !engine_.postCommand(loudnessTrimCommand(trim)))
          spdlog::debug("loudness: command queue full, trim {:.2f} dB dropped", trim);
        tap.pop();
        any = true;
      }
      // Blocks arrive every few ms; 20 ms of latency is nothing for a loop
      // that moves at most 1 dB per second.
      if (!any) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  } catch (const std::exception& e) {
    spdlog::error("loudness side-chain stopped: {}", e.what());
  }
}

}  // namespace auralis::app
