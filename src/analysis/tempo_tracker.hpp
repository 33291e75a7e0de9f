// TempoTracker: tempo and beats from the onset detection function (odf).
//
// Tempo: every `updateHops` hops, the autocorrelation of the last
// `historySeconds` of odf (mean removed) is read through a comb, score(bpm) =
// sum_{m=1..4} r(m * lag(bpm)) / m, weighted by a broad log-normal prior
// around 120 bpm (people tap near it), and the best bpm in [minBpm, maxBpm]
// wins. A new tempo replaces the current one only when it is confirmed by two
// updates in a row (hysteresis: no flapping between rivals), otherwise it is
// followed smoothly.
// Beats: the phase that best lines up a comb of beat-spaced teeth with the
// recent odf; the next beat is predicted one period ahead and its time
// corrected halfway towards each new phase estimate (a first-order PLL).
//
// Thread rules: prepare() allocates; push() is real-time safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace auralis::analysis {

struct TempoConfig {
  double historySeconds = 8.0;
  double minBpm = 60.0;
  double maxBpm = 200.0;
  double updateSeconds = 0.5;
  double priorBpm = 120.0;
  double priorOctaves = 1.0;  // standard deviation of the prior, in octaves
};

struct TempoUpdate {
  bool tempoChanged = false;  // a new tempo (>1% away from the last reported)
  bool beat = false;          // a beat fell in this hop
  double beatHop = 0.0;       // fractional hop index of that beat
};

class TempoTracker {
 public:
  /// Non-audio thread. `hopsPerSecond` = sampleRate / hop.
  void prepare(double hopsPerSecond, const TempoConfig& config);
  void reset() noexcept;
  /// Real-time safe. Feeds the odf of the next hop.
  TempoUpdate push(float odf) noexcept;

  double bpm() const noexcept { return bpm_; }  // 0 until found
  double confidence() const noexcept { return confidence_; }
  /// 0..1 within the current beat (0 on the beat); 0 without a tempo.
  double beatPhase() const noexcept;
  /// Fractional hop of the latest beat (-1 none).
  double lastBeatHop() const noexcept { return lastBeat_; }

 private:
  void estimateTempo() noexcept;
  double estimatePhase(double period) const noexcept;  // hop of the latest beat
  float historyAt(std::int64_t hop) const noexcept;
  double acfAt(double lag) const noexcept;

  TempoConfig config_;
  double hopsPerSecond_ = 187.5;
  std::size_t length_ = 0;
  std::int64_t updateHops_ = 94;
  std::vector<float> history_;  // ring of odf by hop
  std::vector<float> linear_;   // the history in time order, mean removed
  std::vector<double> acf_;
  std::int64_t hop_ = 0;
  double bpm_ = 0.0;
  double reported_ = 0.0;
  double candidate_ = 0.0;  // a rival tempo waiting for confirmation
  double confidence_ = 0.0;
  double nextBeat_ = -1.0;
  double lastBeat_ = -1.0;
};

}  // namespace auralis::analysis
