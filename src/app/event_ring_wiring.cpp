#include "app/event_ring_wiring.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/thread_name.hpp"
#include "music/key.hpp"

namespace auralis::app {

namespace {

constexpr const char* kAgents[] = {"harmony", "bass", "melody", "percussion", "response"};

std::uint8_t sourceOf(const std::string& agent) {
  for (std::uint8_t i = 0; i < std::size(kAgents); ++i)
    if (agent == kAgents[i]) return i;
  return io::kSourceConductor;
}

double number(const nlohmann::json& e, const char* name, double fallback = 0.0) {
  auto it = e.find(name);
  return it != e.end() && it->is_number() ? it->get<double>() : fallback;
}

std::string text(const nlohmann::json& e, const char* name) {
  auto it = e.find(name);
  return it != e.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::uint8_t clampByte(double v, double hi) {
  return static_cast<std::uint8_t>(std::clamp(std::isfinite(v) ? v : 0.0, 0.0, hi));
}

/// The pitch class of a chord or key name's root ("Dm7" -> 2, "Bb major" -> 10).
int rootOf(const std::string& name) {
  if (name.empty()) return 0;
  auto key = music::parseKey(
      name.substr(0, name.size() > 1 && (name[1] == '#' || name[1] == 'b') ? 2 : 1));
  return key.ok() ? key.value().root : 0;
}

std::int64_t sampleOf(const nlohmann::json& e, double rate) {
  if (auto it = e.find("sample"); it != e.end() && it->is_number_integer())
    return it->get<std::int64_t>();
  for (const char* t : {"time", "t"})
    if (auto it = e.find(t); it != e.end() && it->is_number())
      return static_cast<std::int64_t>(std::llround(it->get<double>() * rate));
  return 0;
}

void analysisEvents(const nlohmann::json& e, double rate, std::vector<io::RingEvent>& out) {
  auto one = [&](const nlohmann::json& item, const std::string& type) {
    io::RingEvent r;
    r.sample = sampleOf(item, rate);
    r.source = io::kSourceAnalysis;
    if (type == "onset") {
      r.type = io::RingEventType::Onset;
      r.params[0] = static_cast<float>(number(item, "strength"));
    } else if (type == "beat") {
      r.type = io::RingEventType::Beat;
      r.params[0] = static_cast<float>(number(item, "bpm"));
    } else {
      return;
    }
    out.push_back(r);
  };
  if (auto it = e.find("event"); it != e.end() && it->is_string()) one(e, it->get<std::string>());
  for (const char* flag : {"onset", "beat"})
    if (auto it = e.find(flag); it != e.end() && it->is_boolean() && it->get<bool>()) one(e, flag);
  if (auto it = e.find("events"); it != e.end() && it->is_array())
    for (const auto& item : *it)
      if (item.is_object()) one(item, text(item, "type"));
}

}  // namespace

std::vector<io::RingEvent> ringEventsFor(const std::string& kind, const nlohmann::json& e,
                                         double sampleRate) {
  std::vector<io::RingEvent> out;
  if (!e.is_object()) return out;
  if (kind == "analysis") {
    analysisEvents(e, sampleRate, out);
    return out;
  }
  if (kind != "generation_update") return out;
  io::RingEvent r;
  r.sample = sampleOf(e, sampleRate);
  r.source = io::kSourceConductor;
  const std::string event = text(e, "event");
  const auto bar = static_cast<float>(number(e, "bar"));
  if (event == "note") {
    r.type = io::RingEventType::Note;
    r.source = sourceOf(text(e, "agent"));
    r.pitch = clampByte(number(e, "pitch"), 127);
    r.velocity = clampByte(std::round(number(e, "velocity") * 127.0), 127);
    r.params[0] = static_cast<float>(number(e, "duration"));
    r.params[1] = static_cast<float>(number(e, "pan"));
    r.params[2] = bar;
  } else if (event == "chord") {
    r.type = io::RingEventType::Chord;
    r.pitch = static_cast<std::uint8_t>(rootOf(text(e, "text")));
    r.params[0] = bar;
  } else if (event == "section") {
    r.type = io::RingEventType::Section;
    r.params[0] = static_cast<float>(number(e, "intensity"));
    r.params[1] = bar;
  } else if (event == "tempo") {
    r.type = io::RingEventType::Tempo;
    r.params[0] = static_cast<float>(number(e, "bpm"));
  } else if (event == "key") {
    r.type = io::RingEventType::Key;
    auto key = music::parseKey(text(e, "key"));
    r.pitch = key.ok() ? static_cast<std::uint8_t>(key.value().root) : 0;
    r.velocity = key.ok() && key.value().mode == music::Mode::Major ? 1 : 0;
  } else {
    return out;
  }
  out.push_back(r);
  return out;
}

Result<std::unique_ptr<EventRingWiring>> EventRingWiring::start(const Config& config,
                                                                const engine::Engine& engine,
                                                                control::EventBus& bus,
                                                                double sampleRate,
                                                                obs::Registry& registry) {
  std::unique_ptr<EventRingWiring> w(new EventRingWiring());
  w->engine_ = &engine;
  w->sampleRate_ = sampleRate;
  registry.counterFn("auralis_event_ring_events_total",
                     "Events written to the shared-memory event ring", {},
                     [p = w.get()] { return static_cast<double>(p->published_.load()); });
  if (!config.getBool("events.enabled")) {
    w->offReason_ = "disabled (events.enabled = false)";
    return w;
  }
  auto writer = io::ShmEventWriter::create(
      config.getString("events.shm_name"),
      static_cast<std::size_t>(config.getInt("events.capacity")), sampleRate);
  if (!writer) {
    if (writer.error().code == "invalid_config") return writer.error();
    w->offReason_ = writer.error().message;
    spdlog::warn("events: shared-memory ring off: {}", w->offReason_);
    return w;
  }
  w->writer_ = std::move(writer).value();
  auto* self = w.get();
  w->events_ = bus.subscribe({"generation_update", "analysis"}, 4096, [wake = w->wake_] {
    {
      std::lock_guard lock(wake->mutex);
      wake->pending = true;
    }
    wake->cv.notify_one();
  });
  w->thread_ = std::thread([self] {
    core::nameThisThread("au-event-ring");
    self->run();
  });
  return w;
}

EventRingWiring::~EventRingWiring() {
  stop();
}

void EventRingWiring::stop() {
  {
    std::lock_guard lock(wake_->mutex);
    wake_->stop = true;
  }
  wake_->cv.notify_one();
  if (thread_.joinable()) thread_.join();
  events_.reset();
  writer_.reset();  // unmaps and unlinks
}

std::string EventRingWiring::describe() const {
  if (!writer_) return "events: shared-memory ring off (" + offReason_ + ")";
  return "events: shared-memory ring " + writer_->name() + " (" +
         std::to_string(writer_->capacity()) +
         " events of 32 bytes; follow it with `auralis events`)";
}

void EventRingWiring::run() {
  control::Event event;
  for (;;) {
    {
      std::unique_lock lock(wake_->mutex);
      // The timeout keeps the header's playhead fresh while nothing happens.
      wake_->cv.wait_for(lock, std::chrono::milliseconds(20),
                         [this] { return wake_->pending || wake_->stop; });
      if (wake_->stop) return;
      wake_->pending = false;
    }
    writer_->setPlayhead(engine_->position());
    while (events_->tryPop(event)) {
      try {
        const auto j = nlohmann::json::parse(*event.text, nullptr, false);
        for (const auto& r : ringEventsFor(event.kind, j, sampleRate_)) {
          writer_->publish(r);
          published_.fetch_add(1, std::memory_order_relaxed);
        }
      } catch (const std::exception& e) {
        spdlog::warn("events: skipped an event: {}", e.what());
      }
    }
  }
}

}  // namespace auralis::app
