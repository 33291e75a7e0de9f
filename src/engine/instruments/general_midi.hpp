// GeneralMidiInstrument: a General MIDI SoundFont (FluidR3_GM) through
// libfluidsynth, kept off the audio thread.
//
// fluidsynth allocates inside fluid_synth_write_float (measured: one
// malloc/free per call) and locks its API mutex, so the audio thread never
// calls it. Instead:
//   audio thread  pushes note events into an SPSC ring (wait-free, counted
//                 when full) and pops rendered stereo frames from a second
//                 SPSC ring; a shortfall is played as silence and counted.
//   worker thread owns the fluid_synth_t: applies the events, renders
//                 kChunkFrames at a time while the audio ring holds less than
//                 the lookahead, then sleeps for as long as playback takes to
//                 eat one chunk into it.
// The cost is a fixed extra latency of about kLookaheadFrames (~8 ms at
// 48 kHz) on this instrument; the ensemble plans notes ahead, so the engine
// can send GM notes that much early if it needs them tight.
//
// Thread rules: prepare() and the destructor on the control thread (start and
// join the worker); the Instrument calls on the audio thread, RT-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "core/spsc_ring.hpp"
#include "engine/instrument.hpp"

namespace auralis::engine::instruments {

class GeneralMidiInstrument : public Instrument {
 public:
  static constexpr int kChunkFrames = 64;
  static constexpr int kLookaheadFrames = 384;

  /// Control thread. `soundFont` is loaded in prepare().
  explicit GeneralMidiInstrument(std::string soundFont = kDefaultSoundFont);
  ~GeneralMidiInstrument() override;

  void prepare(const RenderSpec& spec) override;
  void noteOn(const NoteStart& note) noexcept override;
  void noteOff(std::uint32_t noteId) noexcept override;
  void allNotesOff() noexcept override;
  void reset() noexcept override;
  void render(float* left, float* right, int frames) noexcept override;
  int activeVoices() const noexcept override;
  std::uint64_t voicesStolen() const noexcept override { return 0; }

  /// Any thread: frames the audio thread had to fill with silence.
  std::uint64_t underruns() const noexcept { return underruns_.load(std::memory_order_relaxed); }
  /// Any thread: note events dropped because the event ring was full.
  std::uint64_t droppedEvents() const noexcept { return dropped_.load(std::memory_order_relaxed); }
  /// Control thread: true once the SoundFont loaded (false means silence).
  bool loaded() const noexcept { return loaded_; }

  static constexpr const char* kDefaultSoundFont = "/usr/share/sounds/sf2/FluidR3_GM.sf2";

 private:
  struct Event {
    enum Type : std::uint8_t { kOn, kOff, kAllOff, kReset } type = kOn;
    std::uint8_t pitch = 0, program = 0, velocity = 0;
    std::uint32_t noteId = 0;
  };
  struct Frame {
    float l, r;
  };
  struct Fluid;  // the fluidsynth handles, worker-owned after prepare()

  void workerLoop();
  void stop();

  std::string soundFont_;
  double rate_ = 48000.0;  // set in prepare(), before the worker starts
  std::unique_ptr<Fluid> fluid_;
  std::unique_ptr<SpscRing<Event>> events_;
  std::unique_ptr<SpscRing<Frame>> audio_;
  std::thread worker_;
  std::atomic<bool> running_{false};
  std::atomic<int> voices_{0};
  std::atomic<std::uint64_t> underruns_{0};
  std::atomic<std::uint64_t> dropped_{0};
  bool loaded_ = false;
};

}  // namespace auralis::engine::instruments
