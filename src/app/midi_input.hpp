// MidiInput: MIDI played by a human, from a JACK MIDI or ALSA sequencer port
// (config `midi.in` = off | alsa | jack; RtMidi) and from the web page (the
// WebSocket `midi` message, Web MIDI), handled as one stream:
//   - every note and control goes to the `midi_in` telemetry kind;
//   - note-ons feed a MidiFeatureTracker whose features the HumanFollower hands
//     the ensemble instead of the audio analysis while MIDI is being played
//     (key, tempo, dynamics, phrases -> call and response);
//   - with `midi.in.play = true` each note-on also sounds on the Response
//     channel (Keys) through the engine's note queue: it goes through the
//     session log, so recordings (notes.jsonl, SMF) and replays include it;
//   - `midi.in.cc_intensity = N` maps controller N (0..127) onto `intensity`.
//
// Thread rules: feed()/accept() from any thread (RtMidi's input thread, the
// network's io threads): they parse nothing heavier than a few bytes and push
// into a bounded queue (full: dropped and counted) and wake the worker thread
// ("au-midi-in"), which sleeps until then and does everything else. features() on
// any thread (a mutex held for a copy). Never the audio thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>

#include "app/config.hpp"
#include "app/midi_features.hpp"
#include "control/controller.hpp"
#include "control/event_bus.hpp"
#include "control/midi_request.hpp"
#include "core/mpsc_queue.hpp"
#include "engine/engine.hpp"
#include "ensemble/ensemble.hpp"
#include "io/midi_in.hpp"
#include "music/midi_message.hpp"
#include "obs/metrics.hpp"

namespace auralis::app {

class MidiInput {
 public:
  enum class Source : std::uint8_t { Port, Web };

  /// Main thread. `liveSink` takes the notes played live (the session log in
  /// front of the engine). A port that cannot open is a warning: the server
  /// runs and Web MIDI still works.
  static std::unique_ptr<MidiInput> start(const Config& config, const engine::Engine& engine,
                                          ensemble::NoteSink& liveSink,
                                          control::Controller& controller, control::EventBus& bus,
                                          double sampleRate, obs::Registry& registry);
  ~MidiInput();
  /// Main thread. Closes the port and joins the worker. Idempotent.
  void stop();

  /// Any thread. Queues decoded messages; false when some were dropped.
  bool feed(std::span<const music::MidiMessage> messages, Source source);
  /// Io thread: a validated WebSocket `midi` message; returns how many were taken.
  Result<std::size_t> accept(const control::MidiRequest& request);
  /// Any thread: the MIDI-derived features while MIDI was heard in the last
  /// kActiveSeconds, else nullopt (the audio analysis leads then).
  std::optional<ensemble::InputFeatures> features() const;
  /// Whether a MIDI port is open.
  bool portOpen() const { return port_ != nullptr; }
  /// One line for the start-up banner.
  std::string describe() const { return describe_; }

  static constexpr double kActiveSeconds = 8.0;
  static constexpr double kLiveNoteSeconds = 0.6;

 private:
  struct Item {
    music::MidiMessage message;
    Source source = Source::Port;
  };
  MidiInput(const engine::Engine& engine, ensemble::NoteSink& sink, control::Controller& c,
            control::EventBus& bus, double rate);
  void run();
  void handle(const Item& item);

  const engine::Engine& engine_;
  ensemble::NoteSink& sink_;
  control::Controller& controller_;
  control::EventBus& bus_;
  const double rate_;
  bool play_ = false;
  int ccIntensity_ = -1;
  std::string describe_;
  MpscQueue<Item> queue_{4096};
  std::unique_ptr<io::MidiIn> port_;
  std::uint8_t portRunning_ = 0;  // the port's running status (RtMidi's thread only)
  mutable std::mutex trackerMutex_;
  MidiFeatureTracker tracker_;
  std::atomic<std::uint64_t> received_{0};
  std::atomic<std::uint64_t> notes_{0};
  std::atomic<std::uint64_t> played_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> malformed_{0};
  std::atomic<bool> stop_{false};
  // Bumped after every push (and by stop()); the worker waits for it to change.
  std::atomic<std::uint32_t> pushes_{0};
  std::thread thread_;
};

}  // namespace auralis::app
