// RecordingService: starts and stops recordings for every surface (REST here;
// WebSocket, OSC, the Unix socket and voice commands call the same three
// methods). It owns the recorder side-chain (io::Recorder), the recordings
// index (store::RecordingsRepo) and the session bundles.
//
// One recording at a time (the MasterRecord tap has one consumer). A bundle is
// `<data>/recordings/<id>-bundle/` with `audio.<ext>`, `manifest.json` (seed,
// start parameters, sample rate, block size, first recorded sample),
// `notes.jsonl` (every note since the server started, sample-stamped) and
// `commands.jsonl` (every applied control state, sample-stamped): what
// `auralis render --replay` reads — and, with lighting on, `dmx.bin` (every
// lighting frame, app/dmx_capture.hpp). Without a bundle the audio is
// `<data>/recordings/<id>.<ext>`.
//
// A write error (disk full, unwritable) ends the recording as `failed`: the
// file keeps what was written (valid headers), the bus gets an `error` event
// {"code":"recording_failed","message":..,"recordingId":..}, the audio plays on.
//
// Thread rules: every public method from any non-real-time thread (a mutex
// serializes them; start/stop hold it while files open and close).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/dmx_capture.hpp"
#include "app/recording_session_log.hpp"
#include "control/event_bus.hpp"
#include "core/result.hpp"
#include "engine/engine.hpp"
#include "io/recorder.hpp"
#include "store/recordings_repo.hpp"

namespace auralis::app {

/// What a bundle's manifest records about how the session was started.
struct SessionInfo {
  std::uint64_t seed = 1;
  double sampleRate = 48000.0;
  int blockFrames = 256;      // the backend's block: replay renders with the same split
  int engineMaxBlock = 1024;  // EngineConfig::maxBlockFrames
  double ceilingDb = -1.0;
  double loudnessLufs = -16.0;  // the loudness loop's target
  std::string backend;
  bool liveInput = false;      // a backend with input: the replay cannot reproduce it
  nlohmann::json startParams;  // control::toJson of the state at start
};

struct RecordingRequest {
  std::string format = "wav";
  bool bundle = false;
  bool input = false;  // also record the live input (InputRecord tap)
};

class RecordingService {
 public:
  RecordingService(engine::Engine& engine, store::Database& db, std::string dataDir,
                   control::EventBus* bus, const SessionLog* log, SessionInfo info);
  ~RecordingService();  // stops a running recording

  /// Starts a recording; its id. Errors: invalid_param (format), busy (one is
  /// running), io_error / disk_full (cannot create the files).
  Result<std::string> start(const RecordingRequest& request);
  /// Stops recording `id`; its row as JSON. Errors: not_found, not_recording.
  Result<nlohmann::json> stop(const std::string& id);
  /// Every recording, newest first, as JSON rows.
  Result<nlohmann::json> list();
  /// One recording's row, or not_found.
  Result<nlohmann::json> get(const std::string& id);
  /// Absolute path of a recording's master audio file, or not_found.
  Result<std::string> audioFile(const std::string& id);

  /// Main thread, before the first start(): bundles capture the lighting frames
  /// (dmx.bin) when `dmx` is attached. Null: no dmx.bin.
  void setDmxCapture(DmxCapture* dmx) { dmx_ = dmx; }
  /// The session's sample rate. Any thread.
  double sampleRate() const { return info_.sampleRate; }

  /// The row as the REST API shows it.
  static nlohmann::json toJson(const store::RecordingRow& row);

 private:
  struct Active {
    store::RecordingRow row;
    std::unique_ptr<io::Recorder> recorder;
    std::string bundleDir;  // absolute; empty when none
    bool dmx = false;       // capturing dmx.bin
    std::string dmxError;   // why there is no (complete) dmx.bin
    DmxCapture::Summary dmxSummary;
  };
  /// Stops the recorder, writes the bundle, updates the row. Holds mutex_.
  store::RecordingRow finish(Active& active);
  Status writeBundle(const Active& active, const store::RecordingRow& row);
  /// Joins a recorder that failed on its own (called with mutex_ held).
  void reapFailed();

  engine::Engine& engine_;
  store::RecordingsRepo repo_;
  std::string dataDir_;
  control::EventBus* bus_;
  const SessionLog* log_;
  SessionInfo info_;
  DmxCapture* dmx_ = nullptr;
  std::mutex mutex_;
  std::unique_ptr<Active> active_;
};

}  // namespace auralis::app
