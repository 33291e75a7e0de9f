// RtAudioBackend: ALSA or PulseAudio sound cards through RtAudio. Stereo out,
// stereo in where the device has it, non-interleaved float buffers.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "io/audio_backend.hpp"

class RtAudio;

namespace auralis::io {

struct AudioDeviceInfo {
  unsigned int id = 0;
  std::string api;
  std::string name;
  unsigned int outputChannels = 0;
  unsigned int inputChannels = 0;
  bool isDefaultOutput = false;
  std::vector<unsigned int> sampleRates;
};

/// Every device RtAudio can see, across the compiled APIs (control thread).
std::vector<AudioDeviceInfo> listAudioDevices();

class RtAudioBackend final : public AudioBackend {
 public:
  RtAudioBackend();
  ~RtAudioBackend() override;
  Status open(const BackendConfig& config) override;
  Status start(engine::Engine& engine) override;
  void stop() override;

  BackendKind kind() const override { return BackendKind::RtAudio; }
  double sampleRate() const override { return config_.sampleRate; }
  int blockFrames() const override { return blockFrames_; }
  bool lost() const override { return lost_.load(); }

  /// RtAudio's callback (audio thread). Public so the real-time guard test can
  /// drive this exact path without a sound card; `self` is the backend.
  static int callback(void* out, void* in, unsigned int frames, double time, unsigned int status,
                      void* self);
  /// For the guard test: bind an engine without opening a device.
  void attachForTest(engine::Engine& engine, unsigned int inputChannels) {
    engine_ = &engine;
    inputChannels_ = inputChannels;
  }

 private:

  BackendConfig config_;
  std::unique_ptr<RtAudio> audio_;
  engine::Engine* engine_ = nullptr;
  int blockFrames_ = 256;
  unsigned int inputChannels_ = 0;
  std::atomic<bool> lost_{false};
};

}  // namespace auralis::io
