// OnsetDetector: note onsets from spectral flux.
//
// Per hop it takes a magnitude spectrum and computes the detection function
//   odf = mean_k max(0, log(1 + g|X_k|) - maxfilter3(log(1 + g|X'_k|)))
// where X' is the spectrum `lag` hops earlier: log compression makes a soft
// note beside a loud one count, and the 3-bin maximum filter on the older
// frame keeps vibrato and slides from reading as new notes (the SuperFlux
// idea). A hop is an onset when its odf is the local maximum of the
// surrounding hops, exceeds an adaptive threshold over the window W of the last
// `medianHops` and the next `lookaheadHops` hops
//   median(W) * ratio + mean(W) * meanWeight + delta,
// and comes at least `minGapHops` after the previous onset. When the energy
// `lookaheadHops` later has fallen under minEnergyRatio of that `lagHops` earlier,
// the hop is a note ending, whose spectral splatter can look like flux: it is never
// an onset. Deciding needs
// `lookaheadHops` of the future, so an onset is reported that many hops late;
// the caller converts the returned hop back to a sample position.
//
// The median follows a slowly rising background (a pad swelling); the mean term
// rises with dense, loud activity (a drum kit's ringing hats and toms), so the
// decaying tail of one hit does not read as the next, while a sparse, soft
// mixture keeps a low threshold and its soft attacks are found.
//
// Thread rules: prepare() allocates; process() is real-time safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace auralis::analysis {

struct OnsetConfig {
  float compression = 1.0e4F;  // g in log(1 + g|X|), |X| normalised to full scale = 1
  int lagHops = 2;             // flux against the spectrum this many hops back
  int medianHops = 24;         // past hops in the threshold's median and mean
  int lookaheadHops = 2;       // future hops (reporting delay)
  // Tuned on fluidsynth renders of four seeds (tests/integration/fixtures,
  // bench/analysis) for a 2048-sample frame at a 256-sample hop: a high g makes
  // the flux nearly level-independent, so one delta suits quiet and loud input.
  float ratio = 0.8F;  // threshold = median * ratio + mean * meanWeight + delta
  float meanWeight = 0.3F;
  float delta = 0.0049F;
  int minGapHops = 8;           // minimum inter-onset gap (43 ms at 48 kHz)
  float minEnergyRatio = 0.7F;  // see above: a falling level means no onset
};

struct OnsetResult {
  bool onset = false;
  std::int64_t hop = 0;   // index of the hop that holds the onset
  float strength = 0.0F;  // odf minus threshold at that hop
};

class OnsetDetector {
 public:
  /// Non-audio thread. `bins` magnitudes per hop; `magnitudeScale` maps a
  /// bin's magnitude to full scale = 1.
  void prepare(std::size_t bins, float magnitudeScale, const OnsetConfig& config);
  /// Real-time safe. Forgets all history.
  void reset() noexcept;
  /// Real-time safe. Feeds the next hop's magnitudes (hop index = number of
  /// calls so far); returns a decided onset, if any (lookaheadHops back).
  OnsetResult process(std::span<const float> magnitudes) noexcept;
  /// The detection function of the latest hop.
  float lastOdf() const noexcept { return lastOdf_; }
  std::int64_t hops() const noexcept { return hop_; }
  const OnsetConfig& config() const noexcept { return config_; }

 private:
  float odfAt(std::int64_t hop) const noexcept;

  OnsetConfig config_;
  float scale_ = 1.0F;
  std::size_t bins_ = 0;
  std::vector<float> logHistory_;  // (lagHops + 1) rows of bins_, ring by hop
  std::vector<float> odf_;         // ring of odf values
  std::vector<float> level_;       // ring of frame energies (same indexing)
  std::vector<float> scratch_;     // median workspace
  std::int64_t hop_ = 0;
  std::int64_t lastOnset_ = -1000000;
  float lastOdf_ = 0.0F;
};

}  // namespace auralis::analysis
