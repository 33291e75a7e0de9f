#include "app/midi_input.hpp"

#include <spdlog/spdlog.h>

#include "core/thread_name.hpp"

namespace auralis::app {

MidiInput::MidiInput(const engine::Engine& engine, ensemble::NoteSink& sink, control::Controller& c,
                     control::EventBus& bus, double rate)
    : engine_(engine), sink_(sink), controller_(c), bus_(bus), rate_(rate) {}

std::unique_ptr<MidiInput> MidiInput::start(const Config& config, const engine::Engine& engine,
                                            ensemble::NoteSink& liveSink,
                                            control::Controller& controller, control::EventBus& bus,
                                            double sampleRate, obs::Registry& registry) {
  std::unique_ptr<MidiInput> m(new MidiInput(engine, liveSink, controller, bus, sampleRate));
  MidiInput* p = m.get();
  m->play_ = config.getBool("midi.in.play");
  m->ccIntensity_ = static_cast<int>(config.getInt("midi.in.cc_intensity"));
  auto counter = [&](const char* name, const char* help, std::atomic<std::uint64_t>* c,
                     obs::Labels labels = {}) {
    registry.counterFn(name, help, labels, [c] { return static_cast<double>(c->load()); });
  };
  counter("auralis_midi_in_messages_total", "MIDI messages received (ports and Web MIDI)",
          &p->received_);
  counter("auralis_midi_in_notes_total", "MIDI note-ons received", &p->notes_);
  counter("auralis_midi_in_played_total", "MIDI note-ons played on the Response channel",
          &p->played_);
  counter("auralis_midi_in_dropped_total", "MIDI messages dropped: queue or engine full",
          &p->dropped_);
  counter("auralis_midi_in_malformed_total", "MIDI byte streams from a port that did not parse",
          &p->malformed_);

  const std::string api = config.getString("midi.in");
  std::string ports = "no port (midi.in = off)";
  if (api != "off") {
    auto port = io::MidiIn::open(api == "jack" ? io::MidiApi::Jack : io::MidiApi::Alsa,
                                 "auralis-in", config.getString("midi.in.port_name"),
                                 [p](std::span<const std::uint8_t> bytes, double) {
                                   auto parsed = music::parseMidi(bytes, p->portRunning_);
                                   if (!parsed) {
                                     p->malformed_.fetch_add(1, std::memory_order_relaxed);
                                     p->portRunning_ = 0;
                                     return;
                                   }
                                   p->portRunning_ = parsed.value().runningStatus;
                                   p->feed(parsed.value().messages, Source::Port);
                                 });
    if (port) {
      m->port_ = std::move(port).value();
      ports = std::string(api == "jack" ? "JACK MIDI" : "ALSA") +
              " port auralis-in:" + config.getString("midi.in.port_name");
    } else {
      ports = "no port (" + port.error().message + ")";
      spdlog::warn("midi in: {}; Web MIDI still works", port.error().message);
    }
  }
  m->describe_ = "midi in: " + ports + " and Web MIDI" + (m->play_ ? ", played live" : "");
  m->thread_ = std::thread([p] {
    core::nameThisThread("au-midi-in");
    p->run();
  });
  return m;
}

MidiInput::~MidiInput() {
  stop();
}

void MidiInput::stop() {
  port_.reset();  // RtMidi stops calling back before the worker goes
  stop_.store(true);
  pushes_.fetch_add(1, std::memory_order_release);
  pushes_.notify_one();
  if (thread_.joinable()) thread_.join();
}

bool MidiInput::feed(std::span<const music::MidiMessage> messages, Source source) {
  bool all = true;
  bool pushed = false;
  for (const auto& message : messages) {
    if (message.kind == music::MidiKind::ActiveSensing) continue;
    received_.fetch_add(1, std::memory_order_relaxed);
    if (queue_.tryPush({message, source})) {
      pushed = true;
    } else {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      all = false;
    }
  }
  if (pushed) {
    pushes_.fetch_add(1, std::memory_order_release);
    pushes_.notify_one();
  }
  return all;
}

Result<std::size_t> MidiInput::accept(const control::MidiRequest& request) {
  std::vector<music::MidiMessage> messages;
  messages.reserve(request.events.size());
  for (const auto& e : request.events) messages.push_back(e.message);
  feed(messages, Source::Web);
  return messages.size();
}

std::optional<ensemble::InputFeatures> MidiInput::features() const {
  const double now = static_cast<double>(engine_.position()) / rate_;
  std::lock_guard lock(trackerMutex_);
  const double last = tracker_.lastNoteSeconds();
  if (last < 0 || now - last > kActiveSeconds) return std::nullopt;
  return tracker_.features(now);
}

void MidiInput::run() {
  Item item;
  // Woken by each push, not polled: a 2 ms poll cost 500 wake-ups a second
  // with no MIDI at all, and up to 2 ms on every note.
  for (;;) {
    // Loaded before stop_ is read: a stop() after this load changes the count,
    // so the wait below cannot miss it.
    const std::uint32_t seen = pushes_.load(std::memory_order_acquire);
    if (stop_.load(std::memory_order_acquire)) break;
    while (queue_.tryPop(item)) handle(item);
    pushes_.wait(seen, std::memory_order_acquire);
  }
}

void MidiInput::handle(const Item& item) {
  const auto& m = item.message;
  const std::int64_t now = engine_.position();
  nlohmann::json j = {{"event", music::midiKindName(m.kind)},
                      {"source", item.source == Source::Web ? "web" : "port"},
                      {"sample", now},
                      {"time", static_cast<double>(now) / rate_}};
  if (music::isChannelMessage(m.kind)) j["channel"] = m.channel;
  switch (m.kind) {
    case music::MidiKind::NoteOn: {
      notes_.fetch_add(1, std::memory_order_relaxed);
      j["pitch"] = m.data1;
      j["velocity"] = m.data2;
      {
        std::lock_guard lock(trackerMutex_);
        tracker_.noteOn(static_cast<double>(now) / rate_, m.data1, m.data2);
      }
      if (play_) {
        music::NoteEvent note;
        // The engine's playhead is the newest rendered frame: start at once (the
        // engine plays a note whose sample has passed at its next block start).
        note.startSample = now;
        note.lengthSamples = static_cast<std::int32_t>(kLiveNoteSeconds * rate_);
        note.channel = music::Channel::Response;
        note.instrument = music::InstrumentKind::Keys;
        note.pitch = m.data1;
        note.velocity = static_cast<float>(m.data2) / 127.0F;
        if (sink_.push(note))
          played_.fetch_add(1, std::memory_order_relaxed);
        else
          dropped_.fetch_add(1, std::memory_order_relaxed);
      }
      break;
    }
    case music::MidiKind::NoteOff:
      j["pitch"] = m.data1;
      break;
    case music::MidiKind::ControlChange:
      j["controller"] = m.data1;
      j["value"] = m.data2;
      if (m.data1 == ccIntensity_) {
        control::ControlPatch patch;
        patch.intensity = static_cast<double>(m.data2) / 127.0;
        controller_.apply(patch);
      }
      break;
    case music::MidiKind::PitchBend:
    case music::MidiKind::SongPosition:
      j["value"] = m.value;
      break;
    default:
      if (m.kind == music::MidiKind::Clock) return;  // 24 per beat: too many to publish
      break;
  }
  bus_.publish("midi_in", std::move(j));
}

}  // namespace auralis::app
