// Analyzer: every analysis of one mono stream, hop by hop: level, band
// spectrum and centroid, onsets, pitch (YIN), tempo and beats, key. It turns
// blocks of samples into AnalysisEvents (each stamped with its sample
// position) and keeps a FeatureSnapshot of the latest values.
//
// The same code runs offline (`auralis analyze`) and live (the analysis
// side-chain), so both report the same things.
//
// Usage
//   Analyzer a;  a.prepare(config);              // allocates everything
//   a.process(block, samplePos);                 // any block size
//   for (auto& e : a.events()) ...;              // this call's events
//   a.features();                                // latest snapshot
//
// Thread rules: prepare() allocates (non-audio thread). After it, process(),
// events(), features() and reset() never allocate, lock or wait: safe on any
// single thread, the audio thread included. One thread at a time per instance.
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "analysis/features.hpp"
#include "analysis/key_estimator.hpp"
#include "analysis/onset_detector.hpp"
#include "analysis/pitch_yin.hpp"
#include "analysis/real_fft.hpp"
#include "analysis/spectrum.hpp"
#include "analysis/tempo_tracker.hpp"

namespace auralis::analysis {

struct AnalyzerConfig {
  double sampleRate = 48000.0;
  int hop = 256;                     // samples per analysis hop
  std::size_t onsetFrame = 2048;     // FFT for the onset detector (23 Hz bins: a semitone
                                     // step of a flute escapes the flux's maximum filter)
  std::size_t spectrumFrame = 2048;  // FFT for bands, chroma; also the pitch frame
  int spectrumEvery = 2;             // hops per band/chroma update
  int pitchEvery = 1;                // hops per pitch estimate
  int bandCount = 24;
  double bandLoHz = 40.0;
  double bandHiHz = 16000.0;
  double keyUpdateSeconds = 1.0;  // how often a key change may be reported
  float keyMinConfidence = 0.05F;
  std::size_t maxBlockFrames = 8192;  // largest block process() gets (sizes the event buffer)
  OnsetConfig onset;
  PitchConfig pitch;
  TempoConfig tempo;
  KeyConfig key;
};

class Analyzer {
 public:
  Analyzer();
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  /// Non-audio thread. Allocates every buffer; throws std::invalid_argument
  /// on a bad configuration.
  void prepare(const AnalyzerConfig& config);
  /// Owner thread; real-time safe. Forgets all history.
  void reset() noexcept;

  /// Owner thread; real-time safe. Analyses `mono` whose first sample has
  /// position `samplePos`. A jump forward of up to one second (dropped
  /// blocks) is filled with silence; a larger jump or a jump back resets.
  /// Events of this call replace the previous call's in events().
  void process(std::span<const float> mono, std::int64_t samplePos) noexcept;

  /// Owner thread. The events found by the latest process() call, in order.
  std::span<const AnalysisEvent> events() const noexcept { return {events_.data(), eventCount_}; }
  /// Owner thread. Latest features.
  const FeatureSnapshot& features() const noexcept { return features_; }
  /// Owner thread. Events lost because one process() call produced more than
  /// the buffer holds (blocks larger than maxBlockFrames).
  std::uint64_t droppedEvents() const noexcept { return droppedEvents_; }
  /// Owner thread. The chroma integrated so far (for a whole-file key).
  const KeyEstimator& keyEstimator() const noexcept { return key_; }
  const TempoTracker& tempoTracker() const noexcept { return tempo_; }
  const AnalyzerConfig& config() const noexcept { return config_; }
  /// The band edges in Hz (features().bandCount + 1 of them).
  const std::vector<float>& bandEdgesHz() const noexcept { return bands_.edgesHz(); }
  /// Samples between an onset and the sample the detector reports it from
  /// (already subtracted from onset event positions).
  std::int64_t onsetLatency() const noexcept { return onsetLatency_; }

 private:
  void feed(std::span<const float> mono) noexcept;
  void runHop() noexcept;
  void emit(AnalysisEventType type, std::int64_t pos, float value, float confidence) noexcept;
  std::int64_t hopEnd(double hop) const noexcept;

  AnalyzerConfig config_;
  std::unique_ptr<RealFft> onsetFft_;
  std::unique_ptr<RealFft> spectrumFft_;
  std::vector<float> onsetWindow_;
  std::vector<float> spectrumWindow_;
  std::vector<float> frame_;  // the last spectrumFrame samples, oldest first
  std::vector<float> windowed_;
  std::vector<std::complex<float>> bins_;
  std::vector<float> magnitudes_;
  std::vector<float> power_;
  BandSpectrum bands_;
  OnsetDetector onset_;
  PitchYin pitch_;
  TempoTracker tempo_;
  KeyEstimator key_;
  std::vector<AnalysisEvent> events_;
  std::size_t eventCount_ = 0;
  std::uint64_t droppedEvents_ = 0;
  FeatureSnapshot features_;

  std::int64_t origin_ = 0;  // sample position of the first sample after reset
  std::int64_t next_ = 0;    // position expected next
  bool started_ = false;
  int fill_ = 0;           // samples of the current hop received
  std::int64_t hops_ = 0;  // hops completed
  std::int64_t onsetLatency_ = 0;
  int hopsSinceKey_ = 0;
  int keyCandidate_ = -1;
  int keyReported_ = -1;
};

}  // namespace auralis::analysis
