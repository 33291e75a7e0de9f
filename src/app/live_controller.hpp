// LiveController: the app's implementation of control::Controller. It holds
// the applied parameter state and routes a validated patch to where each part
// lives: musical parameters (key, mode, bpm, intensity, agent switches) to the
// ensemble runner, which lands them at the next bar; mix parameters (levels,
// sends, master volume) to the engine as smoothed commands at the next block.
#pragma once

#include <functional>
#include <mutex>

#include "control/controller.hpp"
#include "engine/engine.hpp"
#include "ensemble/ensemble_runner.hpp"
#include "io/audio_driver.hpp"

namespace auralis::app {

class LiveController final : public control::Controller {
 public:
  LiveController(engine::Engine& engine, ensemble::EnsembleRunner& runner, io::AudioDriver& driver,
                 control::ControlParams initial);

  control::ControlParams apply(const control::ControlPatch& patch) override;
  control::ControlParams current() const override;
  nlohmann::json engineStatus() const override;

  /// Sends the whole state to the engine and the ensemble (at start).
  void pushAll();

  /// Called after every apply, under the controller's lock (so in apply order), on the
  /// applying thread, with the new state and the engine position read just before the
  /// engine commands were posted: the session log (app/recording_session_log.hpp). Set before
  /// control surfaces start; must be cheap and must not call back into the controller.
  /// What engineStatus() reports as `realtime` ({"granted","reason","memoryLocked",...}).
  /// Any thread (the main thread, at start).
  void setRealtimeReport(nlohmann::json report) {
    std::lock_guard lock(mutex_);
    realtime_ = std::move(report);
  }
  void setApplyObserver(std::function<void(const control::ControlParams&, std::int64_t)> observer) {
    applyObserver_ = std::move(observer);
  }

 private:
  void pushMix(const control::ControlParams& p);
  void pushMusic(const control::ControlParams& p);

  engine::Engine& engine_;
  ensemble::EnsembleRunner& runner_;
  io::AudioDriver& driver_;
  mutable std::mutex mutex_;
  control::ControlParams params_;
  std::function<void(const control::ControlParams&, std::int64_t)> applyObserver_;
  nlohmann::json realtime_;  // guarded by mutex_
};

/// The engine commands a parameter state implies (levels, switches, sends, master volume,
/// the tempo-synced delay). Live and `render --replay` both use it. Control thread.
void postMixCommands(engine::Engine& engine, const control::ControlParams& p);

/// The ensemble's view of control parameters. Agent levels stay at unity
/// there: the engine's channel strips apply them, smoothed and at once.
ensemble::EnsembleParams toEnsembleParams(const control::ControlParams& p,
                                          const ensemble::EnsembleParams& base);
/// Control parameters from the ensemble's start-up parameters.
control::ControlParams fromEnsembleParams(const ensemble::EnsembleParams& p);

}  // namespace auralis::app
