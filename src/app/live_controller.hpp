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

 private:
  void pushMix(const control::ControlParams& p);
  void pushMusic(const control::ControlParams& p);

  engine::Engine& engine_;
  ensemble::EnsembleRunner& runner_;
  io::AudioDriver& driver_;
  mutable std::mutex mutex_;
  control::ControlParams params_;
};

/// The ensemble's view of control parameters. Agent levels stay at unity
/// there: the engine's channel strips apply them, smoothed and at once.
ensemble::EnsembleParams toEnsembleParams(const control::ControlParams& p,
                                          const ensemble::EnsembleParams& base);
/// Control parameters from the ensemble's start-up parameters.
control::ControlParams fromEnsembleParams(const ensemble::EnsembleParams& p);

}  // namespace auralis::app
