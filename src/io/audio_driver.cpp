#include "io/audio_driver.hpp"

#include <chrono>

#include "core/thread_name.hpp"
#include "io/clock_backend.hpp"
#include "io/jack_backend.hpp"
#include "io/rtaudio_backend.hpp"

namespace auralis::io {

std::string_view backendName(BackendKind kind) {
  switch (kind) {
    case BackendKind::Clock:
      return "clock";
    case BackendKind::Jack:
      return "jack";
    case BackendKind::RtAudio:
      return "rtaudio";
  }
  return "unknown";
}

std::unique_ptr<AudioBackend> makeBackend(BackendKind kind) {
  switch (kind) {
    case BackendKind::Clock:
      return std::make_unique<ClockBackend>();
    case BackendKind::Jack:
      return std::make_unique<JackBackend>();
    case BackendKind::RtAudio:
      return std::make_unique<RtAudioBackend>();
  }
  return nullptr;
}

Status AudioDriver::start(const DriverConfig& config,
                          const std::function<void(double, int)>& prepareEngine, Notice notice) {
  config_ = config;
  notice_ = std::move(notice);
  state_ = DriverState{};
  state_.requested = config.kind;

  auto backend = makeBackend(config.kind);
  auto opened = backend->open(config.backend);
  if (!opened) {
    if (config.kind == BackendKind::Clock || !config.fallbackToClock) return opened.error();
    prepareEngine(config.backend.sampleRate, config.backend.blockFrames);
    auto started = startClock(opened.error().message);
    if (!started) return started;
    stopping_ = false;
    watchdog_ = std::thread([this] {
      core::nameThisThread("au-watchdog");
      watch();
    });
    return Ok{};
  }
  prepareEngine(backend->sampleRate(), backend->blockFrames());
  auto started = backend->start(engine_);
  if (!started) return started.error();
  {
    std::lock_guard lock(mutex_);
    backend_ = std::move(backend);
    state_.active = config.kind;
    state_.sampleRate = backend_->sampleRate();
    state_.blockFrames = backend_->blockFrames();
  }
  stopping_ = false;
  watchdog_ = std::thread([this] {
    core::nameThisThread("au-watchdog");
    watch();
  });
  return Ok{};
}

Status AudioDriver::startClock(const std::string& reason) {
  auto clock = std::make_unique<ClockBackend>();
  BackendConfig bc = config_.backend;
  bc.sampleRate = engine_.sampleRate();
  bc.blockFrames = std::min(bc.blockFrames, engine_.maxBlockFrames());
  (void)clock->open(bc);
  auto started = clock->start(engine_);
  if (!started) return started;
  std::lock_guard lock(mutex_);
  backend_ = std::move(clock);
  state_.active = BackendKind::Clock;
  state_.sampleRate = bc.sampleRate;
  state_.blockFrames = bc.blockFrames;
  state_.degraded = config_.kind != BackendKind::Clock;
  state_.reason = reason;
  return Ok{};
}

void AudioDriver::watch() {
  std::unique_lock wakeLock(wakeMutex_);
  while (!stopping_) {
    wake_.wait_for(wakeLock, std::chrono::milliseconds(100));
    if (stopping_) break;
    bool lost = false;
    {
      std::lock_guard lock(mutex_);
      if (backend_) state_.realtime = backend_->realtimeGranted();
      lost = backend_ && backend_->lost();
    }
    if (!lost) continue;
    std::unique_ptr<AudioBackend> old;
    {
      std::lock_guard lock(mutex_);
      old = std::move(backend_);
    }
    const std::string reason =
        std::string(backendName(old->kind())) + " device lost; playing on the clock backend";
    old->stop();
    old.reset();
    if (!config_.fallbackToClock) {
      std::lock_guard lock(mutex_);
      state_.degraded = true;
      state_.reason = "device lost; audio stopped (fallback to clock disabled)";
    } else {
      (void)startClock(reason);
    }
    if (notice_) notice_(state());
  }
}

void AudioDriver::stop() {
  {
    std::lock_guard wakeLock(wakeMutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
  std::unique_ptr<AudioBackend> backend;
  {
    std::lock_guard lock(mutex_);
    backend = std::move(backend_);
  }
  if (backend) backend->stop();
}

DriverState AudioDriver::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

}  // namespace auralis::io
