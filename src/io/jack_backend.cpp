#include "io/jack_backend.hpp"

#include <jack/jack.h>

#include <algorithm>
#include <string>

#include "core/rt_guard.hpp"

namespace auralis::io {

JackBackend::~JackBackend() { close(); }

Status JackBackend::open(const BackendConfig& config) {
  config_ = config;
  jack_status_t status{};
  // JackNoStartServer: never spawn a server behind the user's back.
  client_ = jack_client_open(config.clientName.c_str(), JackNoStartServer, &status);
  if (client_ == nullptr)
    return makeError("backend_unavailable",
                     "no JACK server is running (jack_client_open status 0x" +
                         std::to_string(static_cast<unsigned>(status)) +
                         "); start jackd or choose --backend clock",
                     "backend");
  sampleRate_ = jack_get_sample_rate(client_);
  blockFrames_ = static_cast<int>(jack_get_buffer_size(client_));
  const char* names[2] = {"1", "2"};
  for (int c = 0; c < 2; ++c) {
    in_[c] = jack_port_register(client_, (std::string("in_") + names[c]).c_str(),
                                JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
    out_[c] = jack_port_register(client_, (std::string("out_") + names[c]).c_str(),
                                 JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    if (in_[c] == nullptr || out_[c] == nullptr) {
      close();
      return makeError("backend_unavailable", "could not register JACK ports", "backend");
    }
  }
  jack_set_process_callback(client_, &JackBackend::processCallback, this);
  jack_set_buffer_size_callback(client_, &JackBackend::bufferSizeCallback, this);
  jack_on_shutdown(client_, &JackBackend::shutdownCallback, this);
  return Ok{};
}

Status JackBackend::start(engine::Engine& engine) {
  engine_ = &engine;
  if (jack_activate(client_) != 0) return makeError("backend_unavailable", "jack_activate failed");
  active_ = true;
  realtime_ = jack_is_realtime(client_) != 0;
  if (config_.connectPorts) {
    // Best effort: a dummy or headless server may have no physical ports.
    if (const char** playback =
            jack_get_ports(client_, nullptr, JACK_DEFAULT_AUDIO_TYPE, JackPortIsPhysical | JackPortIsInput)) {
      for (int c = 0; c < 2 && playback[c] != nullptr; ++c)
        jack_connect(client_, jack_port_name(out_[c]), playback[c]);
      jack_free(playback);
    }
    if (const char** capture =
            jack_get_ports(client_, nullptr, JACK_DEFAULT_AUDIO_TYPE, JackPortIsPhysical | JackPortIsOutput)) {
      for (int c = 0; c < 2 && capture[c] != nullptr; ++c)
        jack_connect(client_, capture[c], jack_port_name(in_[c]));
      jack_free(capture);
    }
  }
  return Ok{};
}

void JackBackend::stop() { close(); }

void JackBackend::close() {
  if (client_ == nullptr) return;
  if (active_ && !lost_.load()) jack_deactivate(client_);
  active_ = false;
  jack_client_close(client_);
  client_ = nullptr;
}

int JackBackend::processCallback(unsigned int frames, void* self) {
  return static_cast<JackBackend*>(self)->process(frames);
}

void JackBackend::shutdownCallback(void* self) {
  static_cast<JackBackend*>(self)->lost_.store(true);
}

int JackBackend::bufferSizeCallback(unsigned int frames, void* self) {
  static_cast<JackBackend*>(self)->blockFrames_.store(static_cast<int>(frames));
  return 0;
}

int JackBackend::process(unsigned int frames) noexcept {
  rt::AudioCallbackScope scope;
  float* in[2];
  float* out[2];
  for (int c = 0; c < 2; ++c) {
    in[c] = static_cast<float*>(jack_port_get_buffer(in_[c], frames));
    out[c] = static_cast<float*>(jack_port_get_buffer(out_[c], frames));
  }
  // Periods larger than the engine's block are rendered in slices.
  const int maxBlock = engine_->maxBlockFrames();
  for (unsigned int done = 0; done < frames;) {
    const int n = std::min<int>(maxBlock, static_cast<int>(frames - done));
    const float* inSlice[2] = {in[0] + done, in[1] + done};
    float* outSlice[2] = {out[0] + done, out[1] + done};
    engine_->process(inSlice, 2, outSlice, n);
    done += static_cast<unsigned int>(n);
  }
  return 0;
}

}  // namespace auralis::io
