// ClockBackend: the headless backend. One thread renders a block, then sleeps
// until the block's absolute deadline (start + n * period, computed from the
// block count, so rounding never accumulates into drift over hours).
#pragma once

#include <atomic>
#include <thread>

#include "io/audio_backend.hpp"

namespace auralis::io {

class ClockBackend final : public AudioBackend {
 public:
  ~ClockBackend() override { stop(); }
  Status open(const BackendConfig& config) override;
  Status start(engine::Engine& engine) override;
  void stop() override;

  BackendKind kind() const override { return BackendKind::Clock; }
  double sampleRate() const override { return config_.sampleRate; }
  int blockFrames() const override { return config_.blockFrames; }
  bool realtimeGranted() const override { return realtime_.load(); }
  /// Blocks the clock had to skip because the thread woke far too late (a
  /// stall of the whole machine); the sample clock is then re-anchored.
  std::uint64_t resyncs() const { return resyncs_.load(); }

 private:
  void run(engine::Engine& engine);

  BackendConfig config_;
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<bool> realtime_{false};
  std::atomic<std::uint64_t> resyncs_{0};
};

}  // namespace auralis::io
