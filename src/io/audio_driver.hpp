// AudioDriver: owns the running backend and keeps audio going when a device
// goes away. A watchdog thread polls the backend; when it reports lost (the
// JACK server quit, the sound card vanished) the driver closes it and carries
// on with the clock backend at the same rate, reporting why.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "io/audio_backend.hpp"

namespace auralis::io {

struct DriverConfig {
  BackendKind kind = BackendKind::Clock;
  BackendConfig backend;
  bool fallbackToClock = true;  // on a missing or lost device, play on the clock instead
};

struct DriverState {
  BackendKind requested = BackendKind::Clock;
  BackendKind active = BackendKind::Clock;
  double sampleRate = 48000.0;
  int blockFrames = 256;
  bool degraded = false;    // running on something other than what was asked for
  std::string reason;       // why, when degraded
  bool realtime = false;    // the audio thread has SCHED_FIFO
};

class AudioDriver {
 public:
  /// Called (from the watchdog thread) when the driver changes backend.
  using Notice = std::function<void(const DriverState&)>;

  explicit AudioDriver(engine::Engine& engine) : engine_(engine) {}
  ~AudioDriver() { stop(); }

  /// Control thread. Opens the backend, prepares the engine for its rate and
  /// period (via `prepareEngine`), and starts it. With fallbackToClock a
  /// missing device starts the clock instead and reports degraded.
  Status start(const DriverConfig& config,
               const std::function<void(double sampleRate, int blockFrames)>& prepareEngine,
               Notice notice = {});
  void stop();
  DriverState state() const;

 private:
  void watch();
  Status startClock(const std::string& reason);

  engine::Engine& engine_;
  DriverConfig config_;
  Notice notice_;
  std::unique_ptr<AudioBackend> backend_;
  mutable std::mutex mutex_;
  DriverState state_;
  std::thread watchdog_;
  std::mutex wakeMutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace auralis::io
