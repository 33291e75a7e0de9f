// The Unix socket's line handling, apart from its sockets so it can be unit-tested
// and fuzzed (fuzz/ipc_line.cpp): LineAssembler cuts a client's byte stream into
// request lines under the size limit, handleIpcLine answers one line.
//
// Thread rules: LineAssembler is one client's (not thread-safe); handleIpcLine runs on
// the IPC thread (or a test's), with the hooks IpcServer was given.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "control/event_bus.hpp"
#include "net/ipc_server.hpp"

namespace auralis::net {

/// Cuts a byte stream into lines of at most `maxLineBytes` (the newline excluded).
class LineAssembler {
 public:
  explicit LineAssembler(std::size_t maxLineBytes) : maxLineBytes_(maxLineBytes) {}

  /// Feeds the next bytes, split anywhere. Calls `onLine` with each complete line that
  /// is not blank (a trailing CR removed) and `onTooLarge` once for each line over the
  /// limit, whose bytes up to its newline are then skipped. IPC thread.
  void feed(std::string_view data, const std::function<void(std::string_view)>& onLine,
            const std::function<void()>& onTooLarge);

  /// Bytes of the unfinished line held so far.
  std::size_t pending() const { return in_.size(); }

 private:
  std::size_t maxLineBytes_;
  std::string in_;         // bytes of the line being assembled
  bool skipping_ = false;  // inside an over-long line: discard up to its newline
};

/// One JSON reply line ("...\n"); invalid UTF-8 is replaced, never thrown on. Any thread.
std::string ipcReplyLine(const nlohmann::json& reply);

/// Answers one request line: the reply line(s). `events` is the client's telemetry
/// subscription, created or changed by `subscribe`; `wake` is what the bus calls when
/// it holds events for it. Needs hooks.controller. IPC thread.
std::string handleIpcLine(const IpcHooks& hooks, std::shared_ptr<control::Subscription>& events,
                          std::string_view text, const std::function<void()>& wake);

}  // namespace auralis::net
