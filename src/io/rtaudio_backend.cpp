#include "io/rtaudio_backend.hpp"

#include <rtaudio/RtAudio.h>

#include <algorithm>

#include "core/rt_guard.hpp"

namespace auralis::io {

std::vector<AudioDeviceInfo> listAudioDevices() {
  std::vector<AudioDeviceInfo> devices;
  std::vector<RtAudio::Api> apis;
  RtAudio::getCompiledApi(apis);
  for (const auto api : apis) {
    if (api == RtAudio::UNIX_JACK) continue;  // JACK is its own backend
    try {
      RtAudio audio(api);
      audio.showWarnings(false);
      const unsigned int count = audio.getDeviceCount();
      for (unsigned int i = 0; i < count; ++i) {
        const auto info = audio.getDeviceInfo(i);
        if (!info.probed) continue;
        devices.push_back({i, RtAudio::getApiName(api), info.name, info.outputChannels,
                           info.inputChannels, info.isDefaultOutput, info.sampleRates});
      }
    } catch (const RtAudioError&) {
      // An API that cannot start here (no PulseAudio daemon, no ALSA cards) lists nothing.
    }
  }
  return devices;
}

RtAudioBackend::RtAudioBackend() = default;

RtAudioBackend::~RtAudioBackend() { stop(); }

Status RtAudioBackend::open(const BackendConfig& config) {
  config_ = config;
  try {
    audio_ = std::make_unique<RtAudio>();
    audio_->showWarnings(false);
    const unsigned int count = audio_->getDeviceCount();
    if (count == 0)
      return makeError("backend_unavailable", "RtAudio found no sound card ('auralis devices' lists them)",
                       "backend");
    unsigned int device = audio_->getDefaultOutputDevice();
    if (!config.device.empty()) {
      bool found = false;
      for (unsigned int i = 0; i < count && !found; ++i) {
        const auto info = audio_->getDeviceInfo(i);
        if (info.probed && (info.name == config.device || std::to_string(i) == config.device)) {
          device = i;
          found = true;
        }
      }
      if (!found)
        return makeError("invalid_param", "no sound card named '" + config.device + "'", "device");
    }
    const auto info = audio_->getDeviceInfo(device);
    RtAudio::StreamParameters out;
    out.deviceId = device;
    out.nChannels = 2;
    RtAudio::StreamParameters in;
    in.deviceId = device;
    inputChannels_ = std::min(2U, info.inputChannels);
    in.nChannels = inputChannels_;
    RtAudio::StreamOptions options;
    options.flags = RTAUDIO_NONINTERLEAVED | RTAUDIO_MINIMIZE_LATENCY | RTAUDIO_SCHEDULE_REALTIME;
    options.streamName = config.clientName;
    auto frames = static_cast<unsigned int>(config.blockFrames);
    audio_->openStream(&out, inputChannels_ > 0 ? &in : nullptr, RTAUDIO_FLOAT32,
                       static_cast<unsigned int>(config.sampleRate), &frames,
                       &RtAudioBackend::callback, this, &options);
    blockFrames_ = static_cast<int>(frames);
  } catch (const RtAudioError& e) {
    audio_.reset();
    return makeError("backend_unavailable", std::string("RtAudio: ") + e.getMessage(), "backend");
  }
  return Ok{};
}

Status RtAudioBackend::start(engine::Engine& engine) {
  engine_ = &engine;
  try {
    audio_->startStream();
  } catch (const RtAudioError& e) {
    return makeError("backend_unavailable", std::string("RtAudio: ") + e.getMessage(), "backend");
  }
  return Ok{};
}

void RtAudioBackend::stop() {
  if (!audio_) return;
  try {
    if (audio_->isStreamRunning()) audio_->stopStream();
    if (audio_->isStreamOpen()) audio_->closeStream();
  } catch (const RtAudioError&) {
    lost_.store(true);
  }
  audio_.reset();
}

int RtAudioBackend::callback(void* out, void* in, unsigned int frames, double /*time*/,
                             unsigned int status, void* self) {
  auto* me = static_cast<RtAudioBackend*>(self);
  rt::AudioCallbackScope scope;
  if ((status & RTAUDIO_OUTPUT_UNDERFLOW) != 0U)
    me->engine_->metrics().underruns.fetch_add(1, std::memory_order_relaxed);
  auto* outBuf = static_cast<float*>(out);
  auto* inBuf = static_cast<float*>(in);
  const int maxBlock = me->engine_->maxBlockFrames();
  for (unsigned int done = 0; done < frames;) {
    const int n = std::min<int>(maxBlock, static_cast<int>(frames - done));
    float* o[2] = {outBuf + done, outBuf + frames + done};
    const float* i[2] = {inBuf != nullptr ? inBuf + done : nullptr,
                         inBuf != nullptr && me->inputChannels_ > 1 ? inBuf + frames + done : nullptr};
    me->engine_->process(inBuf != nullptr ? i : nullptr, static_cast<int>(me->inputChannels_), o, n);
    done += static_cast<unsigned int>(n);
  }
  return 0;
}

}  // namespace auralis::io
