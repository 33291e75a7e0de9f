// EventRingWiring: the shared-memory event ring as the server runs it. A
// non-real-time thread follows the event bus (`generation_update` notes,
// chords, sections, tempo and key changes; `analysis` onsets and beats),
// turns each event into a 32-byte io::RingEvent and publishes it to the
// segment (events.shm_name), and keeps the header's playhead current.
// Notes are written when planned (ahead of the playhead, with their sample),
// so readers can anticipate them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/config.hpp"
#include "control/event_bus.hpp"
#include "engine/engine.hpp"
#include "io/shm_event_ring.hpp"
#include "obs/metrics.hpp"

namespace auralis::app {

/// The ring events that report one bus event (empty for kinds the ring does
/// not carry). Any non-real-time thread.
std::vector<io::RingEvent> ringEventsFor(const std::string& kind, const nlohmann::json& event,
                                         double sampleRate);

class EventRingWiring {
 public:
  /// Main thread. Creates the segment and starts the thread when
  /// events.enabled; a name held by a running writer, or no /dev/shm, is a
  /// warning (the ring is off), a bad name or capacity an error (exit 2).
  static Result<std::unique_ptr<EventRingWiring>> start(const Config& config,
                                                        const engine::Engine& engine,
                                                        control::EventBus& bus, double sampleRate,
                                                        obs::Registry& registry);
  ~EventRingWiring();
  /// Main thread. Stops the thread; the segment is unlinked. Idempotent.
  void stop();
  /// One line for the start-up banner. Main thread.
  std::string describe() const;

 private:
  EventRingWiring() = default;
  void run();

  const engine::Engine* engine_ = nullptr;
  double sampleRate_ = 48000.0;
  std::unique_ptr<io::ShmEventWriter> writer_;
  std::shared_ptr<control::Subscription> events_;
  std::string offReason_;
  std::atomic<std::uint64_t> published_{0};
  /// Shared with the subscription's onReady, which a publisher may still be
  /// running (holding the subscription) while this object goes away.
  struct Wake {
    std::mutex mutex;
    std::condition_variable cv;
    bool pending = false;
    bool stop = false;
  };
  std::shared_ptr<Wake> wake_ = std::make_shared<Wake>();
  std::thread thread_;
};

}  // namespace auralis::app
