#include "app/human_follower.hpp"
#include "core/thread_name.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace auralis::app {

namespace {
constexpr float kVoicedConfidence = 0.5F;
constexpr double kPitchWaitSeconds = 0.15;  // a note's pitch is taken within this of its onset
}  // namespace

ensemble::InputFeatures PhraseTracker::step(const analysis::FeatureSnapshot& s) {
  ensemble::InputFeatures f;
  f.time = static_cast<double>(s.samplePos) / rate_;
  f.key = s.key;
  f.keyConfidence = s.keyConfidence;
  f.bpm = s.bpm;
  f.bpmConfidence = s.bpmConfidence;
  f.level = std::clamp((s.rmsDb + 60.0F) / 60.0F, 0.0F, 1.0F);

  const bool voiced = s.pitchHz > 0.0F && s.pitchConfidence >= kVoicedConfidence;
  const int pitch = voiced ? static_cast<int>(std::lround(
                                 69.0 + 12.0 * std::log2(static_cast<double>(s.pitchHz) / 440.0)))
                           : -1;
  if (s.lastOnsetPos >= 0 && s.lastOnsetPos != lastOnset_) {
    lastOnset_ = s.lastOnsetPos;
    const double at = static_cast<double>(s.lastOnsetPos) / rate_;
    onsets_.push_back(at);
    if (!phrase_.empty() && at - phrase_.back().time > kPhraseGapSeconds) phrase_.clear();
    if (phrase_.empty()) ++phraseId_;
    if (!phrase_.empty()) phrase_.back().duration = at - phrase_.back().time;
    phrase_.push_back({pitch, at, 0.25});
    pitchPending_ = pitch < 0;
  } else if (pitchPending_ && voiced && !phrase_.empty()) {
    phrase_.back().pitch = pitch;
    pitchPending_ = false;
  }
  if (pitchPending_ && !phrase_.empty() && f.time - phrase_.back().time > kPitchWaitSeconds) {
    phrase_.pop_back();  // unpitched (a drum hit, a click): not part of a melody
    pitchPending_ = false;
  }
  while (!onsets_.empty() && f.time - onsets_.front() > kDensityWindowSeconds) onsets_.pop_front();
  f.onsetDensity = static_cast<double>(onsets_.size()) / kDensityWindowSeconds;

  f.phraseId = phraseId_;
  for (const auto& n : phrase_)
    if (n.pitch >= 0) f.phrase.push_back(n);
  f.phraseEnded = !phrase_.empty() && f.time - phrase_.back().time > kPhraseGapSeconds;
  return f;
}

std::optional<ensemble::FollowMode> followMode(const Config& config, bool inputExists) {
  const std::string mode = config.getString("live.follow");
  if (mode == "auto") return inputExists ? std::optional(ensemble::FollowMode::All) : std::nullopt;
  auto parsed = ensemble::parseFollowMode(mode);
  if (!parsed || *parsed == ensemble::FollowMode::Off) return std::nullopt;
  return parsed;
}

HumanFollower::HumanFollower(ensemble::EnsembleRunner& runner, Snapshot snapshot, double sampleRate)
    : runner_(runner), snapshot_(std::move(snapshot)), tracker_(sampleRate) {}

HumanFollower::~HumanFollower() {
  stop();
}

void HumanFollower::registerMetrics(obs::Registry& registry) const {
  const ensemble::EnsembleRunner* runner = &runner_;
  registry.counterFn("auralis_phrases_answered_total",
                     "Phrases the human played that the melody answered (call and response)", {},
                     [runner] { return static_cast<double>(runner->answersPlayed()); });
}

void HumanFollower::start() {
  if (thread_.joinable()) return;
  stop_.store(false);
  thread_ = std::thread([this] {
    core::nameThisThread("au-follower");
    run();
  });
}

void HumanFollower::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

void HumanFollower::run() {
  std::int64_t lastPos = -1;
  while (!stop_.load()) {
    if (override_) {
      if (auto f = override_()) {
        runner_.pushInputFeatures(std::move(*f));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        continue;
      }
    }
    const analysis::FeatureSnapshot s = snapshot_();
    // Only new analysis counts: a paused input must not look like a long phrase end.
    if (s.samplePos != lastPos) {
      lastPos = s.samplePos;
      runner_.pushInputFeatures(tracker_.step(s));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace auralis::app
