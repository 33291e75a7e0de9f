// AnalysisSideChain: the live analysis of the input and the master.
//
// One thread drains two taps, engine.tap(TapId::Input) and
// engine.tap(TapId::MasterAnalysis) (it enables both in start()), every few
// milliseconds; a tap it cannot keep up with drops blocks on the audio side
// (counted in auralis_tap_drops_total), never waits. Each stream runs its own
// analysis::Analyzer. Out:
//   - event bus kinds `meters` and `spectrum` (each at most 30 per second),
//     and `analysis` (onset, beat, tempo, key events as they happen; pitch at
//     most 30 per second per source): docs/protocol.md;
//   - a FeatureSnapshot per source in a SeqLockCell that any thread may read
//     without waiting (lighting, classifier, agents);
//   - auralis_analysis_hop_seconds{source} (time per analysis hop).
#pragma once

#include <atomic>
#include <functional>
#include <span>
#include <thread>

#include "analysis/analyzer.hpp"
#include "analysis/features.hpp"
#include "analysis/level_meter.hpp"
#include "control/event_bus.hpp"
#include "core/seqlock.hpp"
#include "engine/engine.hpp"
#include "engine/tap_pacer.hpp"
#include "obs/metrics.hpp"

namespace auralis::app {

class AnalysisSideChain {
 public:
  enum class Source { Input, Master };

  /// Main thread, after engine.prepare(). Allocates the analyzers.
  AnalysisSideChain(engine::Engine& engine, control::EventBus& bus);
  ~AnalysisSideChain() { stop(); }
  AnalysisSideChain(const AnalysisSideChain&) = delete;
  AnalysisSideChain& operator=(const AnalysisSideChain&) = delete;

  /// Main thread, before start(): registers auralis_analysis_hop_seconds.
  void registerMetrics(obs::Registry& registry);
  /// Main thread, before start(). Receives every analysed block as mono (the
  /// sound classifier): called on the side-chain thread, so it must not block.
  using BlockSink = std::function<void(Source, std::span<const float>, std::int64_t samplePos)>;
  void setBlockSink(BlockSink sink) { blockSink_ = std::move(sink); }

  /// Main thread. Enables the two taps and starts the thread.
  void start();
  /// Main thread. Joins the thread and disables the taps; idempotent.
  void stop();

  /// Any thread; wait-free for the writer, a reader retries only while a
  /// write is in progress. The latest features of one source.
  analysis::FeatureSnapshot features(Source source) const noexcept {
    return source == Source::Input ? inputCell_.load() : masterCell_.load();
  }

 private:
  struct Stream {
    engine::TapId tap;
    const char* name;
    analysis::Analyzer analyzer;
    analysis::LevelMeter left;
    analysis::LevelMeter right;
    obs::Histogram* hopTime = nullptr;
    SeqLockCell<analysis::FeatureSnapshot>* cell = nullptr;
    std::int64_t lastPitchPublish = -1000000;
    bool fresh = false;  // analysed something since the last spectrum message
  };

  void run();
  /// Reads every block the stream's tap holds; `pacer` (if any) sees each.
  void drain(Stream& stream, engine::TapPacer* pacer);
  void publishEvents(Stream& stream);
  void publishMeters();
  void publishSpectrum(Stream& stream);

  engine::Engine& engine_;
  control::EventBus& bus_;
  double sampleRate_;
  Stream input_;
  Stream master_;
  std::vector<float> mono_;
  BlockSink blockSink_;
  SeqLockCell<analysis::FeatureSnapshot> inputCell_;
  SeqLockCell<analysis::FeatureSnapshot> masterCell_;
  std::thread thread_;
  std::atomic<bool> running_{false};
};

}  // namespace auralis::app
