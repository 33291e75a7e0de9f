// Recorder: the recording side-chain. A thread of its own reads the engine's
// MasterRecord tap (and InputRecord when asked) and writes the blocks to
// files; the audio thread only copies blocks into the tap, so a slow disk
// costs dropped tap blocks (counted, and the gap filled with silence so the
// file keeps time), never an audio glitch.
//
// A write error (disk full, I/O error) stops the recording at once: the files
// are closed with valid headers, the taps disabled, and `onError` is called on
// the recorder thread with the reason. The audio keeps playing.
//
// Thread rules: start()/stop() on one owner thread (a control thread); the
// figures (startSample, frames, ...) from any thread. One Recorder per tap at
// a time: it is the tap's only consumer.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.hpp"
#include "engine/engine.hpp"
#include "io/recorder_file.hpp"

namespace auralis::io {

struct RecorderConfig {
  RecordFormat format = RecordFormat::Wav;
  std::string masterPath;  // the master output
  std::string inputPath;   // the live input; empty: not recorded
  int sampleRate = 48000;
};

class Recorder {
 public:
  using ErrorHandler = std::function<void(const Error&)>;

  /// Opens the files and starts the thread. Control thread. An error here
  /// (unwritable directory, ...) starts nothing.
  static Result<std::unique_ptr<Recorder>> start(engine::Engine& engine, RecorderConfig config,
                                                 ErrorHandler onError);
  ~Recorder();  // stops
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  /// Writes what the tap holds up to now, finalizes the files, joins. Owner thread.
  void stop();

  /// Engine sample position of the first recorded frame (-1 before the first block). Any thread.
  std::int64_t startSample() const { return startSample_.load(std::memory_order_acquire); }
  /// Frames written to the master file so far. Any thread.
  std::int64_t frames() const { return frames_.load(std::memory_order_relaxed); }
  /// Frames of silence written in place of dropped tap blocks. Any thread.
  std::int64_t gapFrames() const { return gapFrames_.load(std::memory_order_relaxed); }
  /// True once a write failed; error() says why. Any thread.
  bool failed() const { return failed_.load(std::memory_order_acquire); }
  Error error() const;

 private:
  struct Track {
    engine::TapId tap;
    std::unique_ptr<RecorderFile> file;
    std::int64_t expected = -1;  // sample position the next block should start at
  };

  Recorder(engine::Engine& engine, RecorderConfig config, ErrorHandler onError);
  void run();
  /// Moves every ready block of `track` to its file; false on a write error.
  bool drain(Track& track, bool master);
  void fail(const Error& error);

  engine::Engine& engine_;
  RecorderConfig config_;
  ErrorHandler onError_;
  Track master_{engine::TapId::MasterRecord, nullptr};
  Track input_{engine::TapId::InputRecord, nullptr};
  std::int64_t firstPosition_ = 0;  // blocks before it are stale leftovers
  std::thread thread_;
  std::atomic<bool> stopRequested_{false};
  std::atomic<bool> failed_{false};
  std::atomic<std::int64_t> startSample_{-1};
  std::atomic<std::int64_t> frames_{0};
  std::atomic<std::int64_t> gapFrames_{0};
  mutable std::mutex errorMutex_;
  Error error_;
};

}  // namespace auralis::io
