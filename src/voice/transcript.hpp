// Transcript events and the two filters between the recognizer and the world:
// StableText splits each hypothesis into a committed prefix (never retracted) and a
// tentative tail; PhantomFilter drops the phrases a recognizer invents from noise.
//
// Thread rules: plain values; one side-chain thread per instance.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "voice/recognizer.hpp"

namespace auralis::voice {

enum class Stage : std::uint8_t { Partial, Final };

struct TranscriptEvent {
  Stage stage = Stage::Partial;
  std::string text;       // committed + tentative
  std::string committed;  // words that later events of this utterance keep
  std::string tentative;  // words that may still change
  double t0 = 0.0;        // utterance start, seconds of stream time
  double t1 = 0.0;        // end of the audio this hypothesis covers (final: speech end)
  double confidence = 0.0;
  RecognizerMode mode = RecognizerMode::Command;
  double decodeSeconds = 0.0;  // recognizer time spent producing this event
};

/// Commits a word once two consecutive hypotheses agree on it (and on every word before it).
/// Once committed, a word stays: later hypotheses that disagree keep the committed prefix and
/// only their tail beyond it is shown.
class StableText {
 public:
  void reset();
  /// Splits `hypothesis`; at the final, everything is committed. Without `commitEarly`
  /// (command mode) partials commit nothing: a grammar decode may still replace its first
  /// words, and a command only acts on the final, so early commitment would only lock in
  /// errors.
  void update(const std::string& hypothesis, bool final, TranscriptEvent& event,
              bool commitEarly = true);

 private:
  std::vector<std::string> committed_;
  std::vector<std::string> previous_;
};

/// Drops finals that are most likely invented: too little speech behind them, or the same
/// short phrase repeated from low-energy noise within a few seconds.
class PhantomFilter {
 public:
  /// true when the final should be dropped.
  bool isPhantom(const TranscriptEvent& event, int speechFrames);
  std::uint64_t dropped() const { return dropped_; }

 private:
  struct Recent {
    std::string text;
    double t1;
  };
  std::deque<Recent> recent_;
  std::uint64_t dropped_ = 0;
};

}  // namespace auralis::voice
