// OscServer: the OSC surface. One UDP socket that we bind ourselves (liblo
// 0.31's server cannot bind one address), one thread that
//   - reads datagrams, decodes them with liblo (osc_codec), translates each
//     message into a `params` object (osc_namespace) and validates it with the
//     WebSocket's validator (control::parseControlParams) before
//     Controller::apply; a refused message is counted, answered to its sender
//     as /auralis/error and published on the bus as `osc_error`; a malformed
//     datagram is dropped and counted;
//   - follows the event bus (`generation_update`, `analysis`) and sends the
//     matching /auralis/event/* messages to every target with non-blocking
//     sends, each held until the playhead reaches its sample when the event
//     was planned ahead (so receivers get notes as they sound).
//
// Thread rules: start()/stop() from one owner thread; counters from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "control/controller.hpp"
#include "control/event_bus.hpp"
#include "core/result.hpp"
#include "net/osc_codec.hpp"
#include "net/osc_namespace.hpp"

namespace auralis::net {

struct OscServerConfig {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 9000;  // 0 picks a free port (see OscServer::port())
  /// "host:port" destinations of the event messages.
  std::vector<std::string> targets;
  double sampleRate = 48000.0;
  /// The engine's playhead in samples; when set, events planned ahead are sent
  /// when they are due. Called on the OSC thread; must be thread-safe and cheap.
  std::function<std::int64_t()> playhead;
  /// Events held for their time at most; more are sent at once (and counted).
  std::size_t maxHeld = 4096;
};

/// What the OSC surface has done; every field any thread, relaxed.
struct OscCounters {
  std::atomic<std::uint64_t> packets{0};       // datagrams received
  std::atomic<std::uint64_t> malformed{0};     // datagrams dropped: not OSC
  std::atomic<std::uint64_t> applied{0};       // messages applied
  std::atomic<std::uint64_t> refused{0};       // messages refused by validation
  std::atomic<std::uint64_t> sent{0};          // event messages sent (per target)
  std::atomic<std::uint64_t> sendErrors{0};    // sends that failed (full buffer, unreachable)
  std::atomic<std::uint64_t> heldOverflow{0};  // events sent early: hold queue full
};

/// An address the app handles itself, outside the control vocabulary (recording
/// start/stop). `handle` runs on the OSC thread and must not block for long; its
/// result is answered to the sender as /auralis/ack (address, result as JSON text),
/// an error like any refused message (/auralis/error, `osc_error`).
struct OscCommand {
  OscAddressInfo info;
  std::function<Result<nlohmann::json>(const OscMessage&)> handle;
};

/// Parses "host:port" (host a name or IPv4 address). Any non-real-time thread.
Result<std::pair<std::string, std::uint16_t>> parseOscTarget(const std::string& text);

class OscServer {
 public:
  /// `bus` may be null (no events out, no `status` broadcast after a change).
  OscServer(OscServerConfig config, control::Controller& controller, control::EventBus* bus);
  ~OscServer();
  OscServer(const OscServer&) = delete;
  OscServer& operator=(const OscServer&) = delete;

  /// Owner thread. Resolves the targets, binds the socket, starts the thread;
  /// an error names the address or the target at fault.
  Status start();
  /// Owner thread. Stops and joins the thread, closes the socket. Idempotent.
  void stop();

  /// Any thread. Replaces the app's command addresses (empty: none); a message
  /// being handled finishes first, so the old handlers are unused once this returns.
  void setCommands(std::vector<OscCommand> commands);

  /// The bound UDP port (useful with port 0). Any thread.
  std::uint16_t port() const { return port_.load(std::memory_order_relaxed); }
  /// Any thread.
  const OscCounters& counters() const { return counters_; }

  struct Impl;

 private:
  void run();
  void handleDatagram(std::span<const std::uint8_t> bytes, const void* from);
  /// True when `m` is one of the app's commands (handled, answered or refused).
  bool handleCommand(const OscMessage& m, const void* from);
  void refuse(const Error& error, const std::string& address, const void* from);
  void followEvents();
  void sendTo(const std::vector<std::uint8_t>& bytes, const void* address);

  std::unique_ptr<Impl> impl_;
  OscCounters counters_;
  std::atomic<std::uint16_t> port_{0};
  std::atomic<bool> stop_{false};
  std::mutex commandsMutex_;  // held while a command runs: setCommands waits for it
  std::vector<OscCommand> commands_;
  std::thread thread_;
};

}  // namespace auralis::net
