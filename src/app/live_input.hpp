// Live input wiring for `auralis serve`: `--input-file` (audio.input_file,
// audio.input_loop) plays a file as the engine's live input, paced by the
// audio clock; `live.respond_to_onsets` switches the engine's low-latency
// answer to input onsets. Exports the input and response figures.
#pragma once

#include <memory>

#include "app/config.hpp"
#include "core/result.hpp"
#include "engine/engine.hpp"
#include "io/file_input.hpp"
#include "obs/metrics.hpp"

namespace auralis::app {

class LiveInput {
 public:
  /// Main thread, after the engine is prepared and running. Error
  /// "invalid_param" (field audio.input_file) when the file cannot be read.
  static Result<std::unique_ptr<LiveInput>> create(const Config& config, engine::Engine& engine);
  /// Detaches the file from the engine (waiting for the audio thread to let
  /// go of it) before the worker stops.
  ~LiveInput();
  LiveInput(const LiveInput&) = delete;
  LiveInput& operator=(const LiveInput&) = delete;

  /// Main thread, at set-up: auralis_response_latency_samples (histogram),
  /// auralis_input_onsets_total, auralis_responses_total,
  /// auralis_input_starved_frames_total.
  void registerMetrics(obs::Registry& registry) const;

 private:
  explicit LiveInput(engine::Engine& engine) : engine_(engine) {}
  engine::Engine& engine_;
  std::unique_ptr<io::FileInput> file_;
};

}  // namespace auralis::app
