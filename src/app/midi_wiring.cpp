#include "app/midi_wiring.hpp"
#include "core/thread_name.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <cmath>
#include <queue>
#include <vector>

namespace auralis::app {

namespace {

constexpr std::size_t kMaxHeld = 8192;
constexpr std::array<std::uint8_t, 5> kChannels = {0, 1, 2, 9, 4};
constexpr const char* kAgents[] = {"harmony", "bass", "melody", "percussion", "response"};

struct Message {
  std::int64_t sample;
  std::uint64_t order;
  std::array<std::uint8_t, 3> bytes;
  std::uint8_t size;
  bool operator>(const Message& o) const {
    return sample != o.sample ? sample > o.sample : order > o.order;
  }
};

int channelOf(const std::string& agent) {
  for (std::size_t i = 0; i < std::size(kAgents); ++i)
    if (agent == kAgents[i]) return kChannels[i];
  return -1;
}

}  // namespace

struct MidiWiring::State {
  std::unique_ptr<io::MidiOut> out;
  const engine::Engine* engine = nullptr;
  std::shared_ptr<control::Subscription> events;
  double rate = 48000.0;
  double bpm = 90.0;
  bool clock = true;
  bool clockRunning = false;
  double nextClock = 0.0;  // sample of the next 0xF8
  std::priority_queue<Message, std::vector<Message>, std::greater<>> held;
  std::uint64_t order = 0;
  std::array<std::array<bool, 128>, 16> sounding{};
};

std::unique_ptr<MidiWiring> MidiWiring::start(const Config& config, const engine::Engine& engine,
                                              control::EventBus& bus,
                                              const control::Controller& controller,
                                              double sampleRate, obs::Registry& registry) {
  std::unique_ptr<MidiWiring> w(new MidiWiring());
  registry.counterFn("auralis_midi_messages_total", "MIDI messages sent (notes and clock)", {},
                     [p = w.get()] { return static_cast<double>(p->sent_.load()); });
  registry.counterFn("auralis_midi_dropped_total", "MIDI notes dropped: hold queue full", {},
                     [p = w.get()] { return static_cast<double>(p->dropped_.load()); });
  const std::string api = config.getString("midi.out");
  if (api == "off") {
    w->describe_ = "midi: off (midi.out = off)";
    return w;
  }
  auto out = io::MidiOut::open(api == "jack" ? io::MidiApi::Jack : io::MidiApi::Alsa, "auralis",
                               config.getString("midi.port_name"));
  if (!out) {
    w->describe_ = "midi: off (" + out.error().message + ")";
    spdlog::warn("{}", w->describe_);
    return w;
  }
  w->state_ = std::make_unique<State>();
  State& s = *w->state_;
  s.out = std::move(out).value();
  s.engine = &engine;
  s.rate = sampleRate;
  s.bpm = controller.current().bpm;
  s.clock = config.getBool("midi.clock");
  s.events = bus.subscribe({"generation_update"}, 4096);
  w->describe_ = "midi: notes" + std::string(s.clock ? " and clock" : "") + " out on " +
                 (api == "jack" ? "JACK MIDI" : "ALSA") +
                 " port auralis:" + config.getString("midi.port_name");
  w->thread_ = std::thread([p = w.get()] {
    core::nameThisThread("au-midi-out");
    p->run();
  });
  return w;
}

MidiWiring::~MidiWiring() {
  stop();
}

void MidiWiring::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  state_.reset();
}

void MidiWiring::run() {
  State& s = *state_;
  auto send = [&](const std::uint8_t* b, std::size_t n) {
    if (s.out->send(b, n)) sent_.fetch_add(1, std::memory_order_relaxed);
  };
  auto hold = [&](std::int64_t sample, std::initializer_list<std::uint8_t> bytes) {
    if (s.held.size() >= kMaxHeld) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    Message m{sample, s.order++, {0, 0, 0}, static_cast<std::uint8_t>(bytes.size())};
    std::copy(bytes.begin(), bytes.end(), m.bytes.begin());
    s.held.push(m);
  };
  control::Event event;
  while (!stop_.load(std::memory_order_relaxed)) {
    while (s.events->tryPop(event)) {
      const auto j = nlohmann::json::parse(*event.text, nullptr, false);
      if (!j.is_object() || !j.contains("sample") || !j["sample"].is_number_integer()) continue;
      const auto sample = j["sample"].get<std::int64_t>();
      const std::string kind = j.value("event", "");
      if (kind == "note") {
        const int ch = channelOf(j.value("agent", ""));
        if (ch < 0) continue;
        const auto pitch = static_cast<std::uint8_t>(std::clamp(j.value("pitch", 60), 0, 127));
        const auto vel = static_cast<std::uint8_t>(
            std::clamp(static_cast<int>(std::lround(j.value("velocity", 0.8) * 127.0)), 1, 127));
        const auto len = static_cast<std::int64_t>(j.value("duration", 0.1) * s.rate);
        hold(sample, {static_cast<std::uint8_t>(0x90 | ch), pitch, vel});
        hold(sample + std::max<std::int64_t>(len, 1),
             {static_cast<std::uint8_t>(0x80 | ch), pitch, 0});
      } else if (kind == "tempo" && j.contains("bpm") && j["bpm"].is_number()) {
        // Held as a pseudo-message (size 0) so the tempo changes when it is due.
        Message m{sample, s.order++, {0, 0, 0}, 0};
        const auto bpm = static_cast<std::uint16_t>(std::lround(j["bpm"].get<double>() * 10.0));
        m.bytes = {static_cast<std::uint8_t>(bpm >> 8), static_cast<std::uint8_t>(bpm & 0xFF), 0};
        s.held.push(m);
      } else if (s.clock && !s.clockRunning && j.value("beat", -1.0) == 0.0) {
        // The first downbeat we hear of: the clock starts there, at song position 0.
        s.clockRunning = true;
        s.nextClock = static_cast<double>(sample);
        hold(sample, {0xF2, 0, 0});
        hold(sample, {0xFA});
      }
    }
    const std::int64_t now = s.engine->position();
    while (!s.held.empty() && s.held.top().sample <= now) {
      const Message m = s.held.top();
      s.held.pop();
      if (m.size == 0) {
        s.bpm = std::max(1.0, (m.bytes[0] * 256 + m.bytes[1]) / 10.0);
        if (s.clockRunning) s.nextClock = static_cast<double>(m.sample);
        continue;
      }
      if ((m.bytes[0] & 0xF0) == 0x90) s.sounding[m.bytes[0] & 0x0F][m.bytes[1]] = true;
      if ((m.bytes[0] & 0xF0) == 0x80) s.sounding[m.bytes[0] & 0x0F][m.bytes[1]] = false;
      send(m.bytes.data(), m.size);
    }
    if (s.clockRunning) {
      const double perClock = s.rate * 60.0 / (s.bpm * 24.0);
      int burst = 0;
      const std::uint8_t tick = 0xF8;
      while (s.nextClock <= static_cast<double>(now) && burst++ < 96) {
        send(&tick, 1);
        s.nextClock += perClock;
      }
      if (s.nextClock <= static_cast<double>(now))
        s.nextClock = static_cast<double>(now) + perClock;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  for (std::uint8_t ch = 0; ch < 16; ++ch)
    for (std::uint8_t p = 0; p < 128; ++p)
      if (s.sounding[ch][p]) {
        const std::uint8_t off[3] = {static_cast<std::uint8_t>(0x80 | ch), p, 0};
        send(off, 3);
      }
  if (s.clockRunning) {
    const std::uint8_t stopByte = 0xFC;
    send(&stopByte, 1);
  }
}

}  // namespace auralis::app
