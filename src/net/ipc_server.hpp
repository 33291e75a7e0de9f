// IpcServer: the Unix-socket control surface ($XDG_RUNTIME_DIR/auralis.sock, mode 0600).
// JSON lines: one request object per line, one response line per request, the same
// vocabulary, validation, error codes and reqId echo as the WebSocket (control/messages.hpp).
// `subscribe` with telemetry kinds streams those events as further lines.
//
// Limits: a line over 1 MiB is answered with an `error` (code `too_large`), the rest of that
// line is skipped up to its newline and the connection stays open. A subscriber that stops
// reading loses events (counted) once its queue holds maxQueuedBytes; it is never waited for.
//
// Thread rules: start()/stop() from the main thread; one poll-loop thread of its own serves
// every client; counters may be read from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "control/controller.hpp"
#include "control/event_bus.hpp"
#include "core/result.hpp"

namespace auralis::net {

/// The error code of an over-long line (docs/protocol.md, Unix socket).
inline constexpr const char* kTooLarge = "too_large";

struct IpcConfig {
  std::string path;                        // socket file
  std::size_t maxLineBytes = 1024 * 1024;  // 1 MiB per message
  std::size_t maxClients = 32;
  std::size_t maxQueuedBytes = 4 * 1024 * 1024;  // per client, before events are dropped
};

struct IpcHooks {
  control::Controller* controller = nullptr;
  control::EventBus* bus = nullptr;
  /// Messages whose `type` the control vocabulary does not know (e.g. "voice", "recording")
  /// go here first, on the IPC thread; return the reply, or nullopt for `unknown_type`.
  std::function<std::optional<nlohmann::json>(const nlohmann::json& message)> extra;
};

class IpcServer {
 public:
  IpcServer(IpcConfig config, IpcHooks hooks);
  ~IpcServer();
  IpcServer(const IpcServer&) = delete;
  IpcServer& operator=(const IpcServer&) = delete;

  /// Main thread. Binds (replacing a stale socket file, refusing a live one) and starts.
  Status start();
  /// Main thread. Closes every client, removes the socket file, joins the thread.
  void stop();
  const std::string& path() const { return config_.path; }

  /// Any thread.
  std::size_t clients() const { return clients_.load(std::memory_order_relaxed); }
  std::uint64_t requests() const { return requests_.load(std::memory_order_relaxed); }
  std::uint64_t tooLarge() const { return tooLarge_.load(std::memory_order_relaxed); }
  std::uint64_t droppedEvents() const { return droppedEvents_.load(std::memory_order_relaxed); }

 private:
  struct Impl;
  void run();

  IpcConfig config_;
  IpcHooks hooks_;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<std::size_t> clients_{0};
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> tooLarge_{0};
  std::atomic<std::uint64_t> droppedEvents_{0};
};

}  // namespace auralis::net
