#include "ensemble/live_follower.hpp"

#include <algorithm>
#include <cmath>

namespace auralis::ensemble {

namespace {
constexpr double kAudibleLevel = 0.1;  // -54 dBFS on the -60..0 dB scale
}  // namespace

std::optional<FollowMode> parseFollowMode(std::string_view text) {
  if (text == "off") return FollowMode::Off;
  if (text == "key") return FollowMode::Key;
  if (text == "tempo") return FollowMode::Tempo;
  if (text == "all") return FollowMode::All;
  return std::nullopt;
}

void LiveFollower::update(const InputFeatures& f) {
  const double dt = lastTime_ < 0.0 ? 0.0 : std::clamp(f.time - lastTime_, 0.0, 1.0);
  lastTime_ = f.time;
  if (config_.mode == FollowMode::Off) return;
  if (follows(FollowMode::Key)) followKey(f);
  if (follows(FollowMode::Tempo)) followTempo(f);
  if (config_.mode != FollowMode::All) return;

  // Dynamics and space drift (never jump): one loud hit is not a crescendo.
  const double k = 1.0 - std::exp(-config_.dynamicsPerSecond * dt);
  const double level = std::clamp(static_cast<double>(f.level), 0.0, 1.0);
  // Silence is no dynamic: while nobody plays, the user's intensity stands.
  if (level >= kAudibleLevel) level_ = level_ < 0.0 ? level : level_ + (level - level_) * k;
  const double dense = std::clamp((f.onsetDensity - config_.denseOnsets) /
                                      std::max(config_.fullSpaceOnsets - config_.denseOnsets, 1e-6),
                                  0.0, 1.0);
  space_ += (dense - space_) * std::min(1.0, 1.5 * dt);

  if (f.phraseEnded && f.phraseId != answeredPhrase_ &&
      static_cast<double>(f.phrase.size()) >= config_.minPhraseNotes) {
    answeredPhrase_ = f.phraseId;
    call_ = f.phrase;
  }
}

void LiveFollower::followKey(const InputFeatures& f) {
  const bool confident = f.key >= 0 && f.keyConfidence >= config_.keyConfidence;
  if (!confident || f.key != keyCandidate_) {
    // Any contrary evidence restarts the wait: alternating keys never win.
    keyCandidate_ = confident ? f.key : -1;
    keySince_ = f.time;
    return;
  }
  const auto candidate = keyFromIndex(keyCandidate_);
  if (candidate && f.time - keySince_ >= config_.keyHoldSeconds && key_ != candidate) {
    key_ = candidate;
    ++keyChanges_;
  }
}

void LiveFollower::followTempo(const InputFeatures& f) {
  const bool confident =
      f.bpm >= 40.0 && f.bpm <= 200.0 && f.bpmConfidence >= config_.tempoConfidence;
  const bool same = confident && bpmCandidate_ > 0.0 &&
                    std::fabs(f.bpm - bpmCandidate_) <= config_.tempoTolerance * bpmCandidate_;
  if (!same) {
    bpmCandidate_ = confident ? f.bpm : 0.0;
    bpmSince_ = f.time;
    return;
  }
  // Track slow drift inside the tolerance without restarting the wait.
  bpmCandidate_ += (f.bpm - bpmCandidate_) * 0.1;
  const double hold = config_.tempoHoldBars * 4.0 * 60.0 / bpmCandidate_;
  const bool differs = !bpm_ || std::fabs(*bpm_ - bpmCandidate_) > config_.tempoTolerance * *bpm_;
  if (f.time - bpmSince_ >= hold && differs) {
    bpm_ = std::round(bpmCandidate_ * 10.0) / 10.0;
    ++tempoChanges_;
  }
}

EnsembleParams LiveFollower::shape(const EnsembleParams& base) const {
  EnsembleParams p = base;
  if (config_.mode == FollowMode::Off) return p;
  if (key_ && follows(FollowMode::Key)) p.key = *key_;
  if (bpm_ && follows(FollowMode::Tempo)) p.bpm = *bpm_;
  if (config_.mode == FollowMode::All && level_ >= 0.0) {
    // Half the user's intensity, half the human's: the human steers, the
    // user's setting still matters.
    p.intensity = std::clamp(0.5 * base.intensity + 0.5 * level_, 0.0, 1.0);
    p.humanLevel = level_;
    p.space = space_;
  }
  return p;
}

std::optional<std::vector<PhraseNote>> LiveFollower::takeCall() {
  auto c = std::move(call_);
  call_.reset();
  return c;
}

}  // namespace auralis::ensemble
