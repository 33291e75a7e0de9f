// MidiWiring: every agent's notes out to a MIDI port (io::MidiOut: ALSA
// sequencer or JACK MIDI, config midi.out), with MIDI clock (24 ppqn) and
// song position so drum machines follow the ensemble's tempo.
//
// A non-real-time thread follows the event bus's `generation_update` notes
// (published when planned, ahead of the playhead, with their start sample),
// holds each note-on/off in a bounded queue ordered by sample and sends it
// when the engine's playhead reaches it (1 ms polling). The clock starts at
// the first downbeat it hears of (Song Position 0, then Start) and re-phases
// at each tempo change. Channels: harmony 1, bass 2, melody 3, percussion 10,
// response 5 (wire channels 0, 1, 2, 9, 4).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "app/config.hpp"
#include "control/controller.hpp"
#include "control/event_bus.hpp"
#include "engine/engine.hpp"
#include "io/midi_out.hpp"
#include "obs/metrics.hpp"

namespace auralis::app {

class MidiWiring {
 public:
  /// Main thread. midi.out = off: nothing runs. A port that cannot open (no
  /// sequencer device, no JACK server) is a warning: MIDI stays off.
  static std::unique_ptr<MidiWiring> start(const Config& config, const engine::Engine& engine,
                                           control::EventBus& bus,
                                           const control::Controller& controller, double sampleRate,
                                           obs::Registry& registry);
  ~MidiWiring();
  /// Main thread. Sends note-offs and Stop, then joins. Idempotent.
  void stop();
  /// One line for the start-up banner.
  std::string describe() const { return describe_; }

  struct State;

 private:
  MidiWiring() = default;
  void run();

  std::unique_ptr<State> state_;
  std::string describe_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> sent_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::thread thread_;
};

}  // namespace auralis::app
