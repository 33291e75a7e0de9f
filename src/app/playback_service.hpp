// PlaybackService: uploaded sources played through the engine's SourcePlayer.
// Control threads call apply() with a validated control::PlaybackRequest: it
// checks the request against the registry (unknown sourceId → `not_found`) and
// the current state, queues it for the worker and answers at once with the
// state it leads to. The worker thread ("au-playback") opens the source,
// fills a free slot's ring ~1.5 s ahead, posts the start command (play and
// seek crossfade from the old slot), keeps every audible slot's ring topped up,
// wraps loops and notices the end of a source (state "ended").
//
// Thread rules: construct/start()/stop()/destroy on the main thread; apply(),
// state() and the figures from any non-real-time thread.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "app/playback_stream.hpp"
#include "control/event_bus.hpp"
#include "control/playback.hpp"
#include "core/result.hpp"
#include "engine/engine.hpp"
#include "store/database.hpp"

namespace auralis::app {

struct PlaybackConfig {
  double aheadSeconds = 1.5;      // decoded ahead of the playhead per slot
  double targetLufs = -16.0;      // sources are normalised to this loudness
  double maxNormalizeDb = 12.0;   // ... by at most this much either way
  float playFadeSeconds = 0.01F;  // play with no crossfade given
  float seekFadeSeconds = 0.02F;  // seek: a short crossfade, old position → new
  float stopFadeSeconds = 0.05F;  // stop with no crossfade given
};

class PlaybackService {
 public:
  /// `bus` may be null (no `playback` telemetry).
  PlaybackService(engine::Engine& engine, store::Database& db, std::filesystem::path dataDir,
                  PlaybackConfig config, control::EventBus* bus);
  ~PlaybackService();
  PlaybackService(const PlaybackService&) = delete;
  PlaybackService& operator=(const PlaybackService&) = delete;

  /// Main thread. Starts the worker.
  void start();
  /// Main thread. Fades playback out and joins the worker. Idempotent.
  void stop();

  /// Any control thread. Errors: `not_found` (field sourceId), `invalid_param`
  /// (position beyond the source; seek with nothing playing). The answer is the
  /// state the request leads to (see state()).
  Result<nlohmann::json> apply(const control::PlaybackRequest& request);
  /// Any thread: {"state":"stopped"|"playing"|"ended"|"error","sourceId","position",
  /// "duration","playing","loop","gain","gainDb","normalizationDb","underruns",
  /// "underrunFrames","bufferSeconds"[,"error"]}.
  nlohmann::json state() const;
  /// Any thread: seconds decoded ahead of the playhead of the current stream.
  double bufferSeconds() const { return bufferSeconds_.load(std::memory_order_relaxed); }
  std::uint64_t underruns() const { return engine_.sourcePlayer().underruns(); }

 private:
  struct Job {
    control::PlaybackRequest request;
    std::string path;            // play: the file
    double normalizationDb = 0;  // play: the source's gain to the target
  };
  struct Shown {
    std::string state = "stopped";
    std::string sourceId;
    std::string path;
    std::string error;
    double position = 0.0, duration = 0.0;
    bool loop = false;
    double gain = 1.0;
    double normalizationDb = 0.0;
  };
  void run();
  bool execute(const Job& job);  // false: no free slot yet, try again
  void tick();
  nlohmann::json stateLocked() const;
  void publish();

  engine::Engine& engine_;
  store::Database& db_;
  std::filesystem::path dataDir_;
  PlaybackConfig config_;
  control::EventBus* bus_;
  mutable std::mutex mutex_;  // guards status_ and jobs_
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  Shown status_;
  bool running_ = false;
  std::thread worker_;
  std::atomic<double> bufferSeconds_{0.0};
  // Worker only.
  std::array<std::unique_ptr<PlaybackStream>, engine::SourcePlayer::kSlots> streams_;
  int current_ = -1;
};

}  // namespace auralis::app
