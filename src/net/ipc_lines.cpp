#include "net/ipc_lines.hpp"

#include <chrono>
#include <type_traits>
#include <variant>

#include "control/messages.hpp"

namespace auralis::net {

void LineAssembler::feed(std::string_view data, const std::function<void(std::string_view)>& onLine,
                         const std::function<void()>& onTooLarge) {
  while (!data.empty()) {
    const auto nl = data.find('\n');
    if (skipping_) {
      if (nl == std::string_view::npos) break;
      skipping_ = false;
      data.remove_prefix(nl + 1);
      continue;
    }
    const auto take = nl == std::string_view::npos ? data.size() : nl;
    if (in_.size() + take > maxLineBytes_) {
      onTooLarge();
      in_.clear();
      skipping_ = nl == std::string_view::npos;
      data.remove_prefix(nl == std::string_view::npos ? data.size() : nl + 1);
      continue;
    }
    in_.append(data.substr(0, take));
    if (nl == std::string_view::npos) break;
    data.remove_prefix(nl + 1);
    std::string_view text(in_);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.find_first_not_of(" \t") != std::string_view::npos) onLine(text);
    in_.clear();
  }
}

std::string ipcReplyLine(const nlohmann::json& reply) {
  // Replace invalid UTF-8 instead of throwing: a reply must always go out.
  return reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string handleIpcLine(const IpcHooks& hooks, std::shared_ptr<control::Subscription>& events,
                          std::string_view text, const std::function<void()>& wake) {
  auto msg = control::parseClientMessage(text);
  if (!msg.request) {
    if (msg.request.error().code == control::codes::kUnknownType && hooks.extra) {
      auto raw = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
      // Only a message with a string `type` goes to the hook: {"type":0} made the app's
      // hook throw (found by fuzz/ipc_line) and the client got `internal`.
      const auto type = raw.is_object() ? raw.find("type") : raw.end();
      if (type == raw.end() || !type->is_string()) {
        return ipcReplyLine(control::makeErrorMessage(msg.request.error(), msg.reqId));
      }
      if (auto reply = hooks.extra(raw)) {
        if (!msg.reqId.is_null()) (*reply)["reqId"] = msg.reqId;
        return ipcReplyLine(*reply);
      }
    }
    return ipcReplyLine(control::makeErrorMessage(msg.request.error(), msg.reqId));
  }
  auto& c = *hooks.controller;
  const auto& reqId = msg.reqId;
  return std::visit(
      [&](auto&& r) -> std::string {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, control::ControlRequest>) {
          const auto applied = c.apply(r.patch);
          if (hooks.bus != nullptr)
            hooks.bus->publish("status", control::makeStatus(applied, c.engineStatus()));
          return ipcReplyLine(control::makeAck(reqId, applied));
        } else if constexpr (std::is_same_v<T, control::PingRequest>) {
          const auto now = std::chrono::system_clock::now().time_since_epoch();
          return ipcReplyLine(control::makePong(reqId, std::chrono::duration<double>(now).count()));
        } else if constexpr (std::is_same_v<T, control::StatusRequest>) {
          return ipcReplyLine(control::makeStatus(c.current(), c.engineStatus(), reqId));
        } else if constexpr (std::is_same_v<T, control::SubscribeRequest>) {
          if (r.audio && *r.audio != control::AudioChoice::Off) {
            return ipcReplyLine(control::makeErrorMessage(
                makeError(control::codes::kInvalidParam,
                          "audio is not streamed over the Unix socket; use the WebSocket", "audio"),
                reqId));
          }
          nlohmann::json reply = {{"type", "subscribed"}};
          if (r.telemetry && hooks.bus != nullptr) {
            if (events) {
              events->setKinds(*r.telemetry);
            } else {
              events = hooks.bus->subscribe(*r.telemetry, 1024, wake);
            }
            reply["telemetry"] = *r.telemetry;
          }
          if (!reqId.is_null()) reply["reqId"] = reqId;
          return ipcReplyLine(reply);
        } else {
          // Requests that only make sense on the WebSocket (browser reports and the like).
          return ipcReplyLine(control::makeErrorMessage(
              makeError(control::codes::kUnknownType,
                        "this message type is not served on the Unix socket", "type"),
              reqId));
        }
      },
      msg.request.value());
}

}  // namespace auralis::net
