// SourcePlayer: uploaded sources played as a mixer source. The audio-thread
// side only copies: a disk worker (app/playback_service) decodes and resamples
// each stream into a slot's PlaybackRing ahead of the playhead, then posts a
// PlaybackStart command naming the slot and the generation it armed; the
// engine applies it at a block start like any command.
//
//   start:      the slot fades in; every other audible slot fades out over the
//               same time (a crossfade; a seek is a short crossfade from the
//               old position to the new one, so it never clicks).
//   stop:       every slot fades out.
//   gain:       the player's level, smoothed (no zipper noise).
//   underrun:   a ring running dry fades to zero over the frames it still has,
//               plays silence for the rest (counted) and fades back in when the
//               worker catches up: never a crackle.
//   end:        a ring the worker marked ended plays out (the last frames
//               faded) and the slot becomes idle.
//
// Thread rules: prepare() on a control thread while the engine is stopped;
// ring()/busy()/arm()/disarm() on the one playback worker; start()/stop()/
// setGain()/render() on the audio thread (noexcept, no allocation); the
// counters from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

#include "dsp/smoothed_value.hpp"
#include "engine/engine_command.hpp"
#include "engine/playback_ring.hpp"

namespace auralis::engine {

class SourcePlayer {
 public:
  /// Slots: one playing, one fading in over it, one still fading out.
  static constexpr int kSlots = 3;
  /// The shortest fade any start, stop or seek gets (seconds): no clicks.
  static constexpr float kMinFadeSeconds = 0.005F;
  /// The longest crossfade or fade a command may ask for (seconds).
  static constexpr float kMaxFadeSeconds = 10.0F;

  /// Control thread, engine stopped. Rings of `ringSeconds` per slot.
  void prepare(double sampleRate, int maxBlockFrames, double ringSeconds);

  // ---- the playback worker ------------------------------------------------
  /// The slot's ring (0 <= slot < kSlots).
  PlaybackRing& ring(int slot) noexcept { return slots_[index(slot)].ring; }
  const PlaybackRing& ring(int slot) const noexcept { return slots_[index(slot)].ring; }
  /// True from arm() until the audio thread lets the slot go (faded out or
  /// played to its end); an idle slot's ring is the worker's to reset.
  bool busy(int slot) const noexcept {
    return slots_[index(slot)].busy.load(std::memory_order_acquire);
  }
  /// Claims an idle slot for a new stream: empties its ring and records the
  /// stream's own gain (loudness normalisation). Returns the generation the
  /// start command must carry.
  std::uint16_t arm(int slot, float sourceGain) noexcept;
  /// Gives back an armed slot whose start command could not be posted.
  void disarm(int slot) noexcept {
    slots_[index(slot)].busy.store(false, std::memory_order_release);
  }

  /// The commands the worker posts (Engine::postCommand).
  static EngineCommand startCommand(int slot, std::uint16_t generation, float fadeSeconds) noexcept;
  static EngineCommand stopCommand(float fadeSeconds) noexcept;
  static EngineCommand gainCommand(float linear) noexcept;

  // ---- the audio thread ----------------------------------------------------
  /// Applies a PlaybackStart; ignored when `generation` is not the slot's.
  void start(int slot, std::uint16_t generation, float fadeSeconds) noexcept;
  void stop(float fadeSeconds) noexcept;
  void setGain(float linear) noexcept;
  /// Adds `frames` of the player's output into left/right.
  void render(float* left, float* right, int frames) noexcept;

  // ---- any thread ----------------------------------------------------------
  /// Blocks in which an audible slot ran dry, and the frames it left silent.
  std::uint64_t underruns() const noexcept { return underruns_.load(std::memory_order_relaxed); }
  std::uint64_t underrunFrames() const noexcept {
    return underrunFrames_.load(std::memory_order_relaxed);
  }
  /// Start commands ignored because their generation was stale.
  std::uint64_t staleStarts() const noexcept {
    return staleStarts_.load(std::memory_order_relaxed);
  }
  double sampleRate() const noexcept { return sampleRate_; }

 private:
  struct Slot {
    PlaybackRing ring;
    std::atomic<bool> busy{false};
    std::atomic<std::uint16_t> generation{0};
    std::atomic<float> armedGain{1.0F};
    // Audio thread only.
    bool playing = false;
    float sourceGain = 1.0F;
    float fade = 0.0F, fadeTarget = 0.0F, fadeStep = 0.0F;
    int fadeRemaining = 0;
    float starve = 1.0F;  // the underrun envelope
  };
  static std::size_t index(int slot) noexcept {
    return static_cast<std::size_t>(slot < 0 ? 0 : (slot >= kSlots ? kSlots - 1 : slot));
  }
  void fadeTo(Slot& s, float target, float seconds) noexcept;
  void renderSlot(Slot& s, int frames) noexcept;
  void release(Slot& s) noexcept;

  std::array<Slot, kSlots> slots_;
  double sampleRate_ = 48000.0;
  int maxFrames_ = 0;
  dsp::SmoothedValue gain_;
  std::vector<float> sumL_, sumR_, tmpL_, tmpR_;
  std::atomic<std::uint64_t> underruns_{0};
  std::atomic<std::uint64_t> underrunFrames_{0};
  std::atomic<std::uint64_t> staleStarts_{0};
};

}  // namespace auralis::engine
