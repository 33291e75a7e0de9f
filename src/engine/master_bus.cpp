#include "engine/master_bus.hpp"

#include <algorithm>
#include <cmath>

#include "core/units.hpp"

namespace auralis::engine {

void MasterBus::prepare(double sampleRate, const MasterBusConfig& config) {
  dc_.prepare(sampleRate);
  limiter_.prepare(sampleRate, dbToGain(Db(config.ceilingDb)), config.limiterLookaheadFrames,
                   config.limiterReleaseSeconds, config.truePeak);
  gain_.prepare(sampleRate, 0.02);
  gain_.reset(1.0F);
  trim_.prepare(sampleRate, config.trimRampSeconds);
  trim_.reset(1.0F);
  trimDb_ = 0.0F;
  fadeStep_ = static_cast<float>(1.0 / std::max(1.0, config.fadeSeconds * sampleRate));
  fade_ = 0.0F;
  fadeTarget_ = 0.0F;
}

void MasterBus::reset() noexcept {
  dc_.reset();
  limiter_.reset();
}

void MasterBus::fadeIn() noexcept {
  fadeTarget_ = 1.0F;
  fadedOut_.store(false, std::memory_order_release);
}

void MasterBus::fadeOut() noexcept {
  fadeTarget_ = 0.0F;
}

void MasterBus::setTrimDb(float db) noexcept {
  // The loop bounds the trim; this clamp only keeps a stray command harmless.
  trimDb_ = std::clamp(db, -24.0F, 24.0F);
  trim_.setTarget(static_cast<float>(dbToGain(Db(static_cast<double>(trimDb_)))));
}

bool MasterBus::process(float* left, float* right, int frames) noexcept {
  bool finite = true;
  for (int i = 0; i < frames; ++i)
    finite = finite && std::isfinite(left[i]) && std::isfinite(right[i]);
  if (!finite) {
    std::fill(left, left + frames, 0.0F);
    std::fill(right, right + frames, 0.0F);
    reset();
  }

  for (int i = 0; i < frames; ++i) {
    if (fade_ < fadeTarget_)
      fade_ = std::min(fadeTarget_, fade_ + fadeStep_);
    else if (fade_ > fadeTarget_)
      fade_ = std::max(fadeTarget_, fade_ - fadeStep_);
    const float g = gain_.next() * trim_.next() * fade_;
    left[i] *= g;
    right[i] *= g;
  }
  if (fadeTarget_ == 0.0F && fade_ == 0.0F) fadedOut_.store(true, std::memory_order_release);

  dc_.process(left, right, frames);
  limiter_.process(left, right, frames);
  return finite;
}

}  // namespace auralis::engine
