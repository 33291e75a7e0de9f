// JackBackend: a JACK client with stereo in and out. Rate and period are the
// server's; a period larger than the engine's block is rendered in slices.
// When the server goes away JACK calls on_shutdown (on its own thread): we only
// set a flag there; the AudioDriver notices and falls back to the clock.
#pragma once

#include <atomic>

#include "io/audio_backend.hpp"

typedef struct _jack_client jack_client_t;  // NOLINT: libjack's own spelling
typedef struct _jack_port jack_port_t;      // NOLINT

namespace auralis::io {

class JackBackend final : public AudioBackend {
 public:
  ~JackBackend() override;
  Status open(const BackendConfig& config) override;
  Status start(engine::Engine& engine) override;
  void stop() override;

  BackendKind kind() const override { return BackendKind::Jack; }
  double sampleRate() const override { return sampleRate_; }
  int blockFrames() const override { return blockFrames_; }
  bool lost() const override { return lost_.load(); }
  bool realtimeGranted() const override { return realtime_; }

 private:
  static int processCallback(unsigned int frames, void* self);
  static void shutdownCallback(void* self);
  static int bufferSizeCallback(unsigned int frames, void* self);
  int process(unsigned int frames) noexcept;
  void close();

  BackendConfig config_;
  jack_client_t* client_ = nullptr;
  jack_port_t* in_[2] = {nullptr, nullptr};
  jack_port_t* out_[2] = {nullptr, nullptr};
  engine::Engine* engine_ = nullptr;
  double sampleRate_ = 48000.0;
  std::atomic<int> blockFrames_{256};
  bool realtime_ = false;
  bool active_ = false;
  std::atomic<bool> lost_{false};
};

}  // namespace auralis::io
