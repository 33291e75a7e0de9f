// VoicePipeline: the whole voice side-chain after the taps, the same for a live input and
// for `auralis listen --file`:
//
//   input (any rate, interleaved) ─ mono ─ resample 16 kHz ─┐
//   echo reference (engine output) ─ mono ─ resample ───────┴─ NLMS echo canceller ─ VAD
//   ─ (speech only, with 300 ms pre-roll) recognizer ─ partial every 500 ms of speech,
//     final at VAD end ─ StableText ─ PhantomFilter ─ transcript sink
//                                             └─ command parse (command mode) ─ command sink
//
// Times (t0, t1) are seconds of stream time: input frames fed so far / input rate.
//
// Thread rules: one side-chain thread calls everything except stats() (any thread).
// Never on the audio thread: it allocates and the recognizer takes milliseconds.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "voice/command_grammar.hpp"
#include "voice/echo_canceller.hpp"
#include "voice/recognizer.hpp"
#include "voice/resampler.hpp"
#include "voice/transcript.hpp"
#include "voice/vad.hpp"

namespace auralis::voice {

struct PipelineConfig {
  double inputRate = 48000.0;
  double partialInterval = 0.5;  // seconds of speech between partials
  double minConfidence = 0.3;    // commands below it are not applied (the final still goes out)
  double maxUtterance = 12.0;    // seconds; a longer one is finalised and a new one starts
  bool echoCancel = true;
  VadConfig vad;
};

/// Counters since prepare(); read from any thread.
struct PipelineStats {
  std::uint64_t utterances = 0;
  std::uint64_t partials = 0;
  std::uint64_t finals = 0;
  std::uint64_t commands = 0;
  std::uint64_t droppedHypotheses = 0;  // empty, phantom or repeated
  std::uint64_t lowConfidence = 0;      // commands ignored below the threshold
  std::uint64_t echoGatedFrames = 0;    // loud frames the echo estimate explained
};

class VoicePipeline {
 public:
  using TranscriptSink = std::function<void(const TranscriptEvent&)>;
  using CommandSink = std::function<void(const CommandIntent&, const TranscriptEvent&)>;

  VoicePipeline(Recognizer& recognizer, PipelineConfig config, TranscriptSink onTranscript,
                CommandSink onCommand);

  /// Side-chain thread, once before feed(). Allocates every buffer.
  Status prepare();
  /// Side-chain thread. `echo` (may be null) is the engine's output over the same frames.
  void feed(const float* input, int frames, int channels, const float* echo, int echoChannels);
  /// Side-chain thread. End of the stream: finishes an utterance in progress.
  void finish();
  /// Any thread. Takes effect between utterances (at once when none is in progress).
  void requestMode(RecognizerMode mode) { requestedMode_.store(static_cast<int>(mode)); }
  /// Any thread. The mode in effect.
  RecognizerMode mode() const { return static_cast<RecognizerMode>(activeMode_.load()); }
  /// Any thread.
  PipelineStats stats() const;
  /// Side-chain thread. Seconds of stream fed so far.
  double time() const { return static_cast<double>(inputFrames_) / config_.inputRate; }

 private:
  void processFrame(const float* frame, const float* echoFrame);
  void startUtterance();
  void emitPartial();
  void endUtterance(double speechEnd);
  void applyRequestedMode();
  double frameTime() const { return static_cast<double>(frames16_) / kSpeechRate; }

  Recognizer& recognizer_;
  PipelineConfig config_;
  TranscriptSink onTranscript_;
  CommandSink onCommand_;
  Resampler inputResampler_;
  Resampler echoResampler_;
  EchoCanceller canceller_;
  Vad vad_;
  StableText stable_;
  PhantomFilter phantoms_;

  std::vector<float> mono_, monoEcho_, in16_, echo16_;  // resampled, not yet framed
  std::vector<float> residual_, estimate_;
  std::vector<std::int16_t> pcm_;
  std::vector<std::int16_t> preroll_;  // ring of the last kPrerollFrames frames
  std::size_t prerollPos_ = 0;
  bool haveEcho_ = false;

  std::int64_t inputFrames_ = 0;
  std::int64_t frames16_ = 0;  // 16 kHz samples processed
  bool inUtterance_ = false;
  double utteranceStart_ = 0.0;
  double lastPartial_ = 0.0;
  double decodeSeconds_ = 0.0;

  std::atomic<int> requestedMode_{0};
  std::atomic<int> activeMode_{0};
  std::atomic<std::uint64_t> utterances_{0}, partials_{0}, finals_{0}, commands_{0}, dropped_{0},
      lowConfidence_{0}, echoGated_{0};
};

}  // namespace auralis::voice
