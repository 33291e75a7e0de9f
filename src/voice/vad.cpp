#include "voice/vad.hpp"

#include <algorithm>
#include <cmath>

namespace auralis::voice {

float Vad::levelDb(const float* x, int n) noexcept {
  double sum = 0.0;
  for (int i = 0; i < n; ++i) sum += static_cast<double>(x[i]) * static_cast<double>(x[i]);
  const double ms = n > 0 ? sum / n : 0.0;
  return ms > 1e-12 ? static_cast<float>(10.0 * std::log10(ms)) : -120.0F;
}

void Vad::reset() noexcept {
  floorDb_ = -70.0F;
  inSpeech_ = false;
  speechRun_ = 0;
  quietRun_ = 0;
  speechFrames_ = 0;
}

VadEvent Vad::push(const float* frame, const float* echo) noexcept {
  const float level = levelDb(frame, kVadFrame);
  const float echoLevel = echo != nullptr ? levelDb(echo, kVadFrame) : -120.0F;
  const bool loud = level > floorDb_ + config_.marginDb && level > config_.absoluteFloorDb;
  const bool echoLike = loud && level < echoLevel + config_.echoMarginDb;
  if (echoLike) ++echoGated_;
  const bool speechLike = loud && !echoLike;

  if (!inSpeech_) {
    // Quiet frames pull the floor down fast, louder ones raise it slowly (about 3 dB/s), so
    // a steady hum becomes the floor while a word does not.
    const float rate = level < floorDb_ ? 0.2F : 0.003F;
    floorDb_ += (level - floorDb_) * rate;
    floorDb_ = std::clamp(floorDb_, -100.0F, -10.0F);
  }

  if (speechLike) {
    ++speechRun_;
    quietRun_ = 0;
    if (inSpeech_) ++speechFrames_;
  } else {
    speechRun_ = 0;
    ++quietRun_;
  }
  if (!inSpeech_ && speechRun_ >= config_.onsetFrames) {
    inSpeech_ = true;
    speechFrames_ = speechRun_;
    return VadEvent::SpeechStart;
  }
  if (inSpeech_ && quietRun_ >= config_.hangoverFrames) {
    inSpeech_ = false;
    return VadEvent::SpeechEnd;
  }
  return VadEvent::None;
}

}  // namespace auralis::voice
