// LiveFollower: the conductor's ear for a human player. It reads a stream of
// InputFeatures and decides what the ensemble follows:
// - key: a detected key is adopted only when its confidence is above a
//   threshold and the same key has persisted for `keyHoldSeconds` (4 s); any
//   other evidence (a different key, or low confidence) restarts the wait, so
//   alternating evidence never moves the ensemble and nothing flaps;
// - tempo: likewise, a bpm within `tempoTolerance` of the candidate for
//   `tempoHoldBars` bars (2) at the candidate tempo;
// - dynamics: the ensemble's intensity drifts toward the human's level;
// - space: the busier the human plays (onsets per second), the more room the
//   agents leave (EnsembleParams::space, weighted per agent by `fill`);
// - call and response: a phrase the human finished is handed out once, for the
//   melody to answer (Ensemble::queueAnswer).
// Thread rules: not thread-safe; the ensemble thread owns it (EnsembleRunner).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "ensemble/ensemble.hpp"
#include "ensemble/input_features.hpp"

namespace auralis::ensemble {

enum class FollowMode : std::uint8_t { Off, Key, Tempo, All };

/// "off", "key", "tempo", "all"; nullopt for anything else. Any thread.
std::optional<FollowMode> parseFollowMode(std::string_view text);

struct FollowConfig {
  FollowMode mode = FollowMode::All;
  float keyConfidence = 0.5F;
  double keyHoldSeconds = 4.0;
  float tempoConfidence = 0.5F;
  double tempoHoldBars = 2.0;
  double tempoTolerance = 0.04;    // relative
  double dynamicsPerSecond = 0.3;  // share of the gap to the human's level closed per second
  double denseOnsets = 2.0;        // onsets/s where the agents start to thin out
  double fullSpaceOnsets = 8.0;    // onsets/s where they leave the most room
  double minPhraseNotes = 2;       // shorter calls are not answered
};

class LiveFollower {
 public:
  explicit LiveFollower(FollowConfig config = {}) : config_(config) {}

  /// Ensemble thread. Feed every snapshot, in time order.
  void update(const InputFeatures& features);
  /// The parameters the ensemble should play: `base` (the user's) with the
  /// followed key, tempo, intensity, space and human level laid over it.
  EnsembleParams shape(const EnsembleParams& base) const;
  /// A phrase the human finished and nobody answered yet (once per phrase).
  std::optional<std::vector<PhraseNote>> takeCall();

  std::optional<music::Key> key() const { return key_; }
  std::optional<double> bpm() const { return bpm_; }
  double space() const { return space_; }
  std::uint64_t keyChanges() const { return keyChanges_; }
  std::uint64_t tempoChanges() const { return tempoChanges_; }

 private:
  void followKey(const InputFeatures& f);
  void followTempo(const InputFeatures& f);
  bool follows(FollowMode what) const {
    return config_.mode == FollowMode::All || config_.mode == what;
  }

  FollowConfig config_;
  double lastTime_ = -1.0;
  int keyCandidate_ = -1;
  double keySince_ = 0.0;
  std::optional<music::Key> key_;
  double bpmCandidate_ = 0.0;
  double bpmSince_ = 0.0;
  std::optional<double> bpm_;
  double level_ = -1.0;  // smoothed human level; < 0 until heard
  double space_ = 0.0;
  std::uint64_t keyChanges_ = 0, tempoChanges_ = 0;
  std::uint64_t answeredPhrase_ = 0;
  std::optional<std::vector<PhraseNote>> call_;
};

}  // namespace auralis::ensemble
