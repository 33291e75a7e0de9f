// ClassifierSideChain: labels the input and the master as music / speech /
// silence / noise, on its own thread, from the mono blocks the analysis
// side-chain hands over through bounded SPSC rings (full → the block is dropped
// and counted: a slow model never holds up analysis, let alone audio). Out:
//   - `ai_classifier_event` on the event bus, once per hop (0.5 s) per source:
//     {"source","label","confidence","probabilities":{..},"t0","t1"} — never audio;
//   - the latest label per source, readable from any thread (lighting scenes,
//     ducking);
//   - auralis_classifier_inference_seconds, auralis_classifier_drops_total{source}.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <thread>

#include "analysis/sound_classifier.hpp"
#include "control/event_bus.hpp"
#include "core/spsc_ring.hpp"
#include "engine/tap.hpp"
#include "obs/metrics.hpp"

namespace auralis::app {

class ClassifierSideChain {
 public:
  enum class Source : std::uint8_t { Input, Master };

  struct Latest {
    analysis::SoundLabel label = analysis::SoundLabel::Silence;
    float confidence = 0.0F;
    bool valid = false;
  };

  ClassifierSideChain(control::EventBus& bus, double sampleRate);
  ~ClassifierSideChain() { stop(); }
  ClassifierSideChain(const ClassifierSideChain&) = delete;
  ClassifierSideChain& operator=(const ClassifierSideChain&) = delete;

  void registerMetrics(obs::Registry& registry);
  void start();
  void stop();

  /// The analysis thread (one producer). Copies the block; drops it (counted)
  /// when the classifier is behind. Never blocks.
  void offer(Source source, std::span<const float> mono, std::int64_t samplePos) noexcept;

  /// Any thread.
  Latest latest(Source source) const noexcept;

 private:
  struct Block {
    std::int64_t samplePos = 0;
    std::int32_t frames = 0;
    float samples[engine::kMaxBlockFrames];
  };
  struct Stream {
    explicit Stream(double rate) : features(rate), ring(256) {}
    analysis::SoundFeatures features;
    SpscRing<Block> ring;
    std::atomic<std::uint64_t> drops{0};
    std::atomic<std::uint32_t> latest{0};  // packed label | confidence << 8 | valid << 31
    std::int64_t position = 0;
  };
  void run();
  void drain(Stream& stream, const char* name);

  control::EventBus& bus_;
  double sampleRate_;
  analysis::SoundClassifier classifier_;
  std::unique_ptr<Stream> input_, master_;
  obs::Histogram* inference_ = nullptr;
  std::thread thread_;
  std::atomic<bool> running_{false};
};

}  // namespace auralis::app
