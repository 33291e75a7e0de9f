// OscWiring: the OSC surface as the server runs it: configuration (osc.*),
// the UDP thread (net::OscServer), GET /api/v1/osc and the auralis_osc_*
// metrics. A port that cannot be bound (another server holds 9000) is a
// warning, not a failure: OSC is off and /api/v1/osc says so.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "app/config.hpp"
#include "control/controller.hpp"
#include "control/event_bus.hpp"
#include "core/result.hpp"
#include "engine/engine.hpp"
#include "net/osc_server.hpp"
#include "net/router.hpp"
#include "obs/metrics.hpp"

namespace auralis::app {

class OscWiring {
 public:
  /// Main thread, before the HTTP server starts. Refuses bad osc.targets
  /// (exit 2); registers the metrics (call before registerPlaceholderMetrics).
  static Result<std::unique_ptr<OscWiring>> start(const Config& config,
                                                  control::Controller& controller,
                                                  control::EventBus& bus,
                                                  const engine::Engine& engine, double sampleRate,
                                                  obs::Registry& registry);
  ~OscWiring();

  /// GET /api/v1/osc: the namespace plus where we listen. Any io thread.
  net::ExtraRoute route() const;
  /// One line for the start-up banner ("osc: udp://127.0.0.1:9000 ..."). Main thread.
  std::string describe() const;
  /// Main thread. Stops the OSC thread. Idempotent.
  void stop();

  /// Clears the commands when it goes out of scope: declare it after what the
  /// handlers use, so they are gone before it is.
  class CommandsBinding {
   public:
    explicit CommandsBinding(OscWiring& wiring) : wiring_(&wiring) {}
    CommandsBinding(CommandsBinding&& other) noexcept
        : wiring_(std::exchange(other.wiring_, nullptr)) {}
    CommandsBinding(const CommandsBinding&) = delete;
    CommandsBinding& operator=(const CommandsBinding&) = delete;
    CommandsBinding& operator=(CommandsBinding&&) = delete;
    ~CommandsBinding() {
      if (wiring_ != nullptr) wiring_->setCommands({});
    }

   private:
    OscWiring* wiring_;
  };
  /// Main thread. The app's own OSC addresses (recording), listed at /api/v1/osc.
  [[nodiscard]] CommandsBinding bindCommands(std::vector<net::OscCommand> commands);

 private:
  OscWiring() = default;
  void setCommands(std::vector<net::OscCommand> commands);
  std::unique_ptr<net::OscServer> server_;
  std::string bind_;
  std::string targets_;
  std::string offReason_;  // why OSC is not listening ("" when it is)
  std::atomic<bool> running_{false};
  mutable std::mutex commandsMutex_;
  std::vector<net::OscAddressInfo> commandInfo_;  // for the namespace JSON
};

}  // namespace auralis::app
