// Engine: the render path. Knows no device: a backend (src/io) calls process()
// once per block on the audio thread; everything else talks to it through
// lock-free queues and atomics.
//
// Per block (process):
//   1. apply queued commands (block start is the one place they land);
//   2. move newly posted notes into the scheduler;
//   3. render the channels, split at every note start/release inside the block;
//   4. effects returns; master bus (NaN guard, gain and fades, DC, limiter);
//   5. copy the block to the taps; count, time and publish metrics.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "core/mpsc_queue.hpp"
#include "core/rt_annotations.hpp"
#include "core/spsc_ring.hpp"
#include "dsp/onset_detector.hpp"
#include "engine/channel_strip.hpp"
#include "engine/effects_bus.hpp"
#include "engine/engine_command.hpp"
#include "engine/engine_metrics.hpp"
#include "engine/event_scheduler.hpp"
#include "engine/input_source.hpp"
#include "engine/master_bus.hpp"
#include "engine/source_player.hpp"
#include "engine/tap.hpp"
#include "music/note_event.hpp"

namespace auralis::engine {

struct EngineConfig {
  double sampleRate = 48000.0;
  int maxBlockFrames = 1024;  // largest block a backend may ask for (<= kMaxBlockFrames)
  /// The instruments to build: one instance per (channel, kind).
  std::vector<std::pair<music::Channel, music::InstrumentKind>> instruments;
  /// Builds each instrument; empty means makeInstrument. Tests inject doubles here.
  std::function<std::unique_ptr<Instrument>(music::InstrumentKind)> instrumentFactory;
  MasterBusConfig master;
  std::size_t noteQueueCapacity = 8192;
  std::size_t commandQueueCapacity = 1024;
  std::size_t schedulerCapacity = 8192;
  std::size_t tapCapacityBlocks = 256;
  /// Seconds of decoded audio each SourcePlayer slot can hold ahead of the playhead.
  double playbackRingSeconds = 2.0;
  /// The low-latency path: an input onset starts `response` (a drum accent by
  /// default) on the Response channel at the onset's sample, in the same block.
  bool respondToOnsets = false;
  music::NoteEvent response{
      0, 4800, music::Channel::Response, music::InstrumentKind::Snare, 40, 0, 0.9F, 0.0F};
};

/// Test instruments on every channel: what the engine plays before an ensemble exists.
EngineConfig testToneConfig(double sampleRate, int maxBlockFrames);
/// Every instrument each agent's channel may choose (what the ensemble plays on).
EngineConfig ensembleEngineConfig(double sampleRate, int maxBlockFrames);

class Engine {
 public:
  Engine();
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Control thread, before the backend starts. Allocates everything the
  /// render path will ever use. May be called again (device rate change) while stopped.
  void prepare(const EngineConfig& config);

  /// Audio thread only. Renders `frames` (<= maxBlockFrames) of stereo output.
  /// `input` may be null (no input); `output` has two channels.
  void process(const float* const* input, int inputChannels, float* const* output,
               int frames) noexcept AURALIS_NONBLOCKING;

  /// Control thread, before the backend starts (or while it is stopped): the
  /// input pulled when the backend passes none. Null: no such source.
  void setInputSource(InputSource* source) noexcept {
    inputSource_.store(source, std::memory_order_release);
  }
  /// Frames an input onset may lag its attack before the detector fires.
  static constexpr int onsetWindowFrames() noexcept { return dsp::OnsetDetector::windowFrames(); }

  /// Non-real-time producers (ensemble, MIDI, tests). False when the queue is full.
  bool postNote(const music::NoteEvent& note);
  bool postCommand(const EngineCommand& command) { return commands_->tryPush(command); }

  /// The applied-command log, off by default. One non-real-time reader (a
  /// session log) pops commands in the order the audio thread applied them,
  /// stamped with their block; when it falls behind, entries are dropped and
  /// counted, never waited for.
  void setCommandLog(bool on) noexcept { logCommands_.store(on, std::memory_order_relaxed); }
  bool popAppliedCommand(AppliedCommand& out) noexcept { return appliedCommands_->tryPop(out); }
  std::uint64_t commandLogDrops() const noexcept {
    return commandLogDrops_.load(std::memory_order_relaxed);
  }

  /// Any thread: samples rendered so far (the start of the next block).
  std::int64_t position() const noexcept { return position_.load(std::memory_order_acquire); }
  double sampleRate() const noexcept { return config_.sampleRate; }
  int maxBlockFrames() const noexcept { return config_.maxBlockFrames; }
  /// Frames the master bus delays the signal by (limiter look-ahead).
  int latencyFrames() const noexcept { return master_.latencyFrames(); }
  bool fadedOut() const noexcept { return master_.fadedOut(); }

  EngineMetrics& metrics() noexcept { return metrics_; }
  const EngineMetrics& metrics() const noexcept { return metrics_; }
  /// Any thread (after prepare). Each side-chain enables and reads its own tap.
  Tap& tap(TapId id) noexcept { return *taps_[static_cast<std::size_t>(id)]; }
  const Tap& tap(TapId id) const noexcept { return *taps_[static_cast<std::size_t>(id)]; }
  Tap& masterTap() noexcept { return tap(TapId::Master); }
  /// The uploaded-source player: its rings for the playback worker, its counters for
  /// any thread (see source_player.hpp for who may call what).
  SourcePlayer& sourcePlayer() noexcept { return player_; }
  const SourcePlayer& sourcePlayer() const noexcept { return player_; }
  Tap& inputTap() noexcept { return tap(TapId::Input); }
  const Tap& masterTap() const noexcept { return tap(TapId::Master); }
  const Tap& inputTap() const noexcept { return tap(TapId::Input); }

 private:
  void applyCommand(const EngineCommand& c) noexcept;
  void drainNotes(std::int64_t blockStart, std::int64_t blockEnd) noexcept;
  void fire(const ScheduledEvent& e) noexcept;
  /// Any thread: the instrument a note names, or null when its channel or kind is unknown.
  Instrument* instrumentFor(const music::NoteEvent& note) noexcept;
  void renderSegment(int offset, int frames) noexcept;
  void detectAndRespond(const float* inL, const float* inR, int frames,
                        std::int64_t blockStart) noexcept;

  EngineConfig config_;
  std::unique_ptr<MpscQueue<music::NoteEvent>> notes_;
  std::unique_ptr<MpscQueue<EngineCommand>> commands_;
  std::unique_ptr<SpscRing<AppliedCommand>> appliedCommands_;
  std::atomic<bool> logCommands_{false};
  std::atomic<std::uint64_t> commandLogDrops_{0};
  EventScheduler scheduler_;
  std::array<ChannelStrip, music::kChannelCount> channels_;
  EffectsBus effects_;
  MasterBus master_;
  SourcePlayer player_;
  StereoBus mix_, reverbSend_, delaySend_;
  std::vector<float> silence_;
  std::vector<float> inputL_, inputR_;  // a pulled InputSource block
  std::atomic<InputSource*> inputSource_{nullptr};
  dsp::OnsetDetector onsets_;
  bool respond_ = false;
  std::array<std::unique_ptr<Tap>, kTapCount> taps_;
  std::atomic<std::int64_t> position_{0};
  std::uint32_t nextNoteId_ = 1;
  EngineMetrics metrics_;
};

}  // namespace auralis::engine
