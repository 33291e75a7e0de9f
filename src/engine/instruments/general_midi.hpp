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
// An instrument with nothing to play goes quiet: once no voice sounds and its
// output has stayed below kQuietLevel for kQuietFrames, the worker stops
// rendering and the audio thread stops popping (what is left in the ring is
// silence, kept for the restart). The worker then sleeps until expectNotes()
// (Engine::postNote, when a note for it is posted, ahead of its time) or at
// most kQuietPoll, a backstop for events that came another way. Woken, it
// refills the lookahead before the audio thread reads again, and stays awake
// for kWakeHold so the posted note (the ensemble plans 0.25 s ahead) finds it
// rendering: a note after a pause has the usual latency. The engine holds a GM
// instrument per channel whether the ensemble uses it or not: three idle ones
// had cost 2,100 wake-ups a second rendering silence.
// The cost is a fixed extra latency of about kLookaheadFrames (~8 ms at
// 48 kHz) on this instrument; the ensemble plans notes ahead, so the engine
// can send GM notes that much early if it needs them tight.
//
// Thread rules: prepare() and the destructor on the control thread (start and
// join the worker); the Instrument calls on the audio thread, RT-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/spsc_ring.hpp"
#include "engine/instrument.hpp"

namespace auralis::engine::instruments {

class GeneralMidiInstrument : public Instrument {
 public:
  static constexpr int kChunkFrames = 64;
  static constexpr int kLookaheadFrames = 384;
  static constexpr float kQuietLevel = 3.2e-5F;  // -90 dBFS
  static constexpr int kQuietFrames = 4800;      // 100 ms at 48 kHz
  static constexpr auto kQuietPoll = std::chrono::milliseconds(50);
  static constexpr double kWakeHoldSeconds = 2.0;

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
  void expectNotes() noexcept override;
  std::uint64_t voicesStolen() const noexcept override { return 0; }

  /// Any thread: frames the audio thread had to fill with silence.
  std::uint64_t underruns() const noexcept { return underruns_.load(std::memory_order_relaxed); }
  /// Any thread: note events dropped because the event ring was full.
  std::uint64_t droppedEvents() const noexcept { return dropped_.load(std::memory_order_relaxed); }
  /// Any thread: true while the instrument has nothing to play and renders nothing.
  bool quiet() const noexcept { return quiet_.load(std::memory_order_acquire); }
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
  /// Worker: applies every pending note event; true when there was one.
  bool applyEvents();
  void stop();

  std::string soundFont_;
  double rate_ = 48000.0;  // set in prepare(), before the worker starts
  std::unique_ptr<Fluid> fluid_;
  std::unique_ptr<SpscRing<Event>> events_;
  std::unique_ptr<SpscRing<Frame>> audio_;
  std::thread worker_;
  std::atomic<bool> running_{false};
  // Worker-set: the audio thread leaves the ring alone while it is true.
  std::atomic<bool> quiet_{true};
  // expectNotes() -> the worker (never the audio thread: it locks). The mutex is
  // only for the quiet worker's wait; the flag is read without it.
  std::atomic<bool> wakeRequested_{false};
  std::mutex wakeMutex_;
  std::condition_variable wakeCv_;
  std::atomic<int> voices_{0};
  std::atomic<std::uint64_t> underruns_{0};
  std::atomic<std::uint64_t> dropped_{0};
  bool loaded_ = false;
};

}  // namespace auralis::engine::instruments
