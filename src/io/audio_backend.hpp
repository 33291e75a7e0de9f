// AudioBackend: what drives the engine. Every backend calls Engine::process on
// its own audio thread, one block at a time; the engine never knows which.
//   clock    headless, paces blocks at real time on absolute deadlines
//   jack     a JACK client: follows the server's rate and period
//   rtaudio  ALSA/PulseAudio sound cards through RtAudio
// (offline rendering is OfflineRenderer: it has no thread and no pacing.)
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "engine/engine.hpp"

namespace auralis::io {

enum class BackendKind { Clock, Jack, RtAudio };
std::string_view backendName(BackendKind kind);

struct BackendConfig {
  double sampleRate = 48000.0;  // requested; JACK imposes its own
  int blockFrames = 256;        // requested; JACK imposes its own
  std::string device;           // rtaudio: device name or index; empty = default
  std::string clientName = "auralis";  // jack
  bool connectPorts = true;     // jack: connect to the physical ports
  bool realtimePriority = true; // ask for SCHED_FIFO where the system allows it
};

class AudioBackend {
 public:
  virtual ~AudioBackend() = default;

  /// Control thread. Opens the device and settles the real rate and period
  /// (readable afterwards); does not start calling the engine yet.
  virtual Status open(const BackendConfig& config) = 0;
  /// Control thread. Starts calling engine.process(); the engine must already
  /// be prepared for sampleRate() and blockFrames().
  virtual Status start(engine::Engine& engine) = 0;
  /// Control thread. Stops the audio thread; returns when it no longer runs.
  virtual void stop() = 0;

  virtual BackendKind kind() const = 0;
  virtual double sampleRate() const = 0;
  virtual int blockFrames() const = 0;
  /// Any thread. True when the device went away (e.g. the JACK server quit).
  virtual bool lost() const { return false; }
  /// Any thread. Whether the audio thread got real-time scheduling.
  virtual bool realtimeGranted() const { return false; }
};

std::unique_ptr<AudioBackend> makeBackend(BackendKind kind);

}  // namespace auralis::io
