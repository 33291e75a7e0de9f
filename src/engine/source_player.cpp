#include "engine/source_player.hpp"

#include <algorithm>
#include <cmath>

namespace auralis::engine {

namespace {

// After an underrun the stream comes back over this many frames (~5 ms).
constexpr int kRecoverFrames = 256;
// A ring holding less than a block plus this margin is about to run dry: fade
// now, while there are still frames to fade over.
constexpr std::size_t kStarveMargin = 64;
// The last frames of a stream that ends are faded, so a file cut mid-wave
// does not click.
constexpr std::size_t kEndFadeFrames = 128;

}  // namespace

void SourcePlayer::prepare(double sampleRate, int maxBlockFrames, double ringSeconds) {
  sampleRate_ = sampleRate;
  maxFrames_ = std::max(1, maxBlockFrames);
  const auto ringFrames = static_cast<std::size_t>(std::max(1.0, ringSeconds) * sampleRate);
  for (auto& s : slots_) {
    s.ring.prepare(ringFrames);
    s.busy.store(false, std::memory_order_relaxed);
    s.playing = false;
    s.fade = s.fadeTarget = s.fadeStep = 0.0F;
    s.fadeRemaining = 0;
    s.starve = 1.0F;
  }
  gain_.prepare(sampleRate, 0.02);
  gain_.reset(1.0F);
  const auto n = static_cast<std::size_t>(maxFrames_);
  sumL_.assign(n, 0.0F);
  sumR_.assign(n, 0.0F);
  tmpL_.assign(n, 0.0F);
  tmpR_.assign(n, 0.0F);
}

std::uint16_t SourcePlayer::arm(int slot, float sourceGain) noexcept {
  Slot& s = slots_[index(slot)];
  s.ring.reset();
  s.armedGain.store(sourceGain, std::memory_order_relaxed);
  auto g = static_cast<std::uint16_t>(s.generation.load(std::memory_order_relaxed) + 1);
  if (g == 0) g = 1;  // 0 is never armed: a replayed session's start finds no stream
  s.generation.store(g, std::memory_order_relaxed);
  s.busy.store(true, std::memory_order_release);
  return g;
}

EngineCommand SourcePlayer::startCommand(int slot, std::uint16_t generation,
                                         float fadeSeconds) noexcept {
  return {CommandType::PlaybackStart, static_cast<std::uint8_t>(slot),
          static_cast<std::uint8_t>(generation & 0xFF), static_cast<std::uint8_t>(generation >> 8),
          fadeSeconds};
}
EngineCommand SourcePlayer::stopCommand(float fadeSeconds) noexcept {
  return {CommandType::PlaybackStop, 0, 0, 0, fadeSeconds};
}
EngineCommand SourcePlayer::gainCommand(float linear) noexcept {
  return {CommandType::PlaybackGain, 0, 0, 0, linear};
}

void SourcePlayer::fadeTo(Slot& s, float target, float seconds) noexcept {
  const float sec =
      std::clamp(std::isfinite(seconds) ? seconds : 0.0F, kMinFadeSeconds, kMaxFadeSeconds);
  const int n = std::max(1, static_cast<int>(std::lround(static_cast<double>(sec) * sampleRate_)));
  s.fadeTarget = target;
  s.fadeRemaining = n;
  s.fadeStep = (target - s.fade) / static_cast<float>(n);
}

void SourcePlayer::start(int slot, std::uint16_t generation, float fadeSeconds) noexcept {
  if (slot < 0 || slot >= kSlots) return;
  Slot& s = slots_[static_cast<std::size_t>(slot)];
  if (s.generation.load(std::memory_order_relaxed) != generation ||
      !s.busy.load(std::memory_order_relaxed)) {
    staleStarts_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  for (auto& other : slots_)
    if (&other != &s && other.playing) fadeTo(other, 0.0F, fadeSeconds);
  s.playing = true;
  s.sourceGain = s.armedGain.load(std::memory_order_relaxed);
  s.fade = 0.0F;
  s.starve = 1.0F;
  fadeTo(s, 1.0F, fadeSeconds);
}

void SourcePlayer::stop(float fadeSeconds) noexcept {
  for (auto& s : slots_)
    if (s.playing) fadeTo(s, 0.0F, fadeSeconds);
}

void SourcePlayer::setGain(float linear) noexcept {
  gain_.setTarget(std::clamp(std::isfinite(linear) ? linear : 0.0F, 0.0F, 16.0F));
}

void SourcePlayer::release(Slot& s) noexcept {
  s.playing = false;
  s.fade = 0.0F;
  s.fadeRemaining = 0;
  // Release: every read of the ring happened before the worker may reset it.
  s.busy.store(false, std::memory_order_release);
}

void SourcePlayer::renderSlot(Slot& s, int frames) noexcept {
  const auto want = static_cast<std::size_t>(frames);
  const std::size_t avail = s.ring.readable();
  const bool ended = s.ring.ended();
  const std::size_t n = std::min(avail, want);
  s.ring.read(tmpL_.data(), tmpR_.data(), n);
  if (n < want && !ended) {
    underruns_.fetch_add(1, std::memory_order_relaxed);
    underrunFrames_.fetch_add(want - n, std::memory_order_relaxed);
  }
  // Where the envelope starts falling: at once when the ring is about to run
  // dry, over the last frames when the stream ends in this block, else never.
  std::size_t fallFrom = n;
  if (!ended && avail < want + kStarveMargin)
    fallFrom = 0;
  else if (ended && avail <= want)
    fallFrom = n - std::min(n, kEndFadeFrames);
  const float recover = 1.0F / static_cast<float>(kRecoverFrames);
  for (std::size_t i = 0; i < n; ++i) {
    if (i >= fallFrom)
      s.starve -= s.starve / static_cast<float>(n - i);  // reaches 0 on the last frame
    else
      s.starve = std::min(1.0F, s.starve + recover);
    if (s.fadeRemaining > 0) {
      s.fade += s.fadeStep;
      if (--s.fadeRemaining == 0) s.fade = s.fadeTarget;
    }
    const float g = s.fade * s.starve * s.sourceGain;
    sumL_[i] += tmpL_[i] * g;
    sumR_[i] += tmpR_[i] * g;
  }
  // Frames with no data still advance the fade, so a stop during an underrun ends.
  for (std::size_t i = n; i < want && s.fadeRemaining > 0; ++i) {
    s.fade += s.fadeStep;
    if (--s.fadeRemaining == 0) s.fade = s.fadeTarget;
  }
  if (s.fadeRemaining == 0 && s.fadeTarget <= 0.0F)
    release(s);
  else if (ended && s.ring.readable() == 0)
    release(s);
}

void SourcePlayer::render(float* left, float* right, int frames) noexcept {
  frames = std::clamp(frames, 0, maxFrames_);
  bool any = false;
  for (auto& s : slots_) any = any || s.playing;
  if (!any) {
    // Keep the level's ramp moving so a gain set while stopped is in place at the next start.
    for (int i = 0; i < frames; ++i) gain_.next();
    return;
  }
  std::fill_n(sumL_.begin(), frames, 0.0F);
  std::fill_n(sumR_.begin(), frames, 0.0F);
  for (auto& s : slots_)
    if (s.playing) renderSlot(s, frames);
  for (int i = 0; i < frames; ++i) {
    const float g = gain_.next();
    const auto k = static_cast<std::size_t>(i);
    left[i] += sumL_[k] * g;
    right[i] += sumR_[k] * g;
  }
}

}  // namespace auralis::engine
