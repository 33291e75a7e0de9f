// Loudness normalisation: the master is measured with libebur128 (EBU R128)
// and trimmed towards `master.loudness_lufs` by engine::LoudnessTrimLaw, the
// trim travelling to the audio thread as CommandType::LoudnessTrim (pre-limiter,
// ramped). The limiter holds `master.ceiling_db` as a true-peak ceiling.
//
//   LoudnessFollower  meter + law for one stream of master blocks: the shared
//                     core of the live loop and of `auralis render` (offline,
//                     deterministic: decisions fall on fixed frame counts).
//   LoudnessControl   the live side-chain thread: reads the engine's
//                     MasterLoudness tap, feeds a follower, posts the trim.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>

#include "analysis/loudness_meter.hpp"
#include "app/config.hpp"
#include "engine/engine.hpp"
#include "engine/loudness_trim.hpp"

namespace auralis::app {

/// The latest figures, for metrics: written by the follower's thread, read by any.
struct LoudnessFigures {
  std::atomic<double> momentaryLufs{-100.0};
  std::atomic<double> shortTermLufs{-100.0};
  std::atomic<double> integratedLufs{-100.0};
  std::atomic<double> trimDb{0.0};
  std::atomic<double> truePeakDbtp{-100.0};
};

class LoudnessFollower {
 public:
  /// Any non-audio thread. Allocates the meter (throws on bad arguments).
  LoudnessFollower(double sampleRate, const engine::LoudnessTrimConfig& config,
                   double updateSeconds = 0.1);

  /// The owner's thread. Feeds one master block; returns true when a reading
  /// was due and the trim changed, with the new trim in `trimDb`.
  bool feed(const engine::TapBlock& block, float& trimDb);

  const LoudnessFigures& figures() const noexcept { return figures_; }
  const engine::LoudnessTrimLaw& law() const noexcept { return law_; }

 private:
  analysis::LoudnessMeter meter_;
  engine::LoudnessTrimLaw law_;
  LoudnessFigures figures_;
  std::int64_t updateFrames_;
  std::int64_t framesSinceUpdate_ = 0;
  double sampleRate_;
  float lastSent_ = 0.0F;
};

/// The law's settings from `master.loudness_lufs` (the rest are the law's defaults).
engine::LoudnessTrimConfig loudnessTrimConfig(const Config& config);

/// The engine command that carries a trim.
inline engine::EngineCommand loudnessTrimCommand(float db) {
  return {engine::CommandType::LoudnessTrim, 0, 0, 0, db};
}

class LoudnessControl {
 public:
  /// Control thread, after engine.prepare(): enables the MasterLoudness tap.
  LoudnessControl(engine::Engine& engine, const engine::LoudnessTrimConfig& config);
  ~LoudnessControl();
  LoudnessControl(const LoudnessControl&) = delete;
  LoudnessControl& operator=(const LoudnessControl&) = delete;

  /// Control thread. Starts / joins the side-chain thread (idempotent).
  void start();
  void stop();

  /// Any thread (metrics scrape).
  const LoudnessFigures& figures() const noexcept { return follower_->figures(); }

 private:
  void run();

  engine::Engine& engine_;
  std::unique_ptr<LoudnessFollower> follower_;
  std::thread thread_;
  std::atomic<bool> running_{false};
};

}  // namespace auralis::app
