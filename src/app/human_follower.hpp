// HumanFollower: the ensemble listens to the human. A small thread (20 Hz)
// reads the analysis side-chain's snapshot of the live input, turns it into
// ensemble::InputFeatures (key, tempo, level, onset density, the phrase being
// played: one pitch per onset, a phrase ending after 0.8 s without onsets)
// and queues them on the EnsembleRunner, whose LiveFollower decides what the
// agents follow. Config `live.follow`: off | key | tempo | all | auto (all
// when an input exists: an input file or a sound-card backend).
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <thread>

#include "analysis/features.hpp"
#include "app/config.hpp"
#include "ensemble/ensemble_runner.hpp"
#include "obs/metrics.hpp"

namespace auralis::app {

/// Builds InputFeatures from a stream of snapshots. Not thread-safe (the
/// follower thread); public so tests can feed it synthetic snapshots.
class PhraseTracker {
 public:
  static constexpr double kPhraseGapSeconds = 0.8;
  static constexpr double kDensityWindowSeconds = 2.0;

  explicit PhraseTracker(double sampleRate) : rate_(sampleRate) {}
  ensemble::InputFeatures step(const analysis::FeatureSnapshot& s);

 private:
  double rate_;
  std::int64_t lastOnset_ = -1;
  std::deque<double> onsets_;  // seconds, within the density window
  std::vector<ensemble::PhraseNote> phrase_;
  bool pitchPending_ = false;  // the newest note still waits for a voiced pitch
  std::uint64_t phraseId_ = 0;
};

/// The follow mode `live.follow` asks for; nullopt: do not follow.
/// `inputExists`: an input file or a backend with a real input. Main thread.
std::optional<ensemble::FollowMode> followMode(const Config& config, bool inputExists);

class HumanFollower {
 public:
  using Snapshot = std::function<analysis::FeatureSnapshot()>;
  /// Main thread. `snapshot` is called on the follower thread.
  HumanFollower(ensemble::EnsembleRunner& runner, Snapshot snapshot, double sampleRate);
  ~HumanFollower();  // stops and joins
  HumanFollower(const HumanFollower&) = delete;
  HumanFollower& operator=(const HumanFollower&) = delete;

  /// Main thread, at set-up: auralis_phrases_answered_total.
  void registerMetrics(obs::Registry& registry) const;
  /// Main thread, before start(): features that, when present, are handed to
  /// the ensemble instead of the audio analysis's (MIDI in while it is played).
  void setOverride(std::function<std::optional<ensemble::InputFeatures>()> override) {
    override_ = std::move(override);
  }
  /// Main thread.
  void start();
  void stop();

 private:
  void run();

  ensemble::EnsembleRunner& runner_;
  Snapshot snapshot_;
  std::function<std::optional<ensemble::InputFeatures>()> override_;
  PhraseTracker tracker_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace auralis::app
