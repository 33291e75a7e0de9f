#include "net/osc_server.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <queue>

#include "control/messages.hpp"
#include "control/params.hpp"
#include "core/thread_name.hpp"
#include "net/osc_codec.hpp"
#include "net/osc_namespace.hpp"

namespace auralis::net {

namespace {

/// An event message waiting for its sample.
struct Held {
  std::int64_t sample;
  std::uint64_t order;  // ties keep arrival order
  std::vector<std::uint8_t> bytes;
  bool operator>(const Held& o) const {
    return sample != o.sample ? sample > o.sample : order > o.order;
  }
};

Result<sockaddr_in> resolve(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr)
    return makeError("invalid_config", "cannot resolve OSC host '" + host + "'");
  sockaddr_in a{};
  std::memcpy(&a, found->ai_addr, sizeof a);
  freeaddrinfo(found);
  a.sin_port = htons(port);
  return a;
}

// Events planned further ahead than this are sent at once: the playhead
// re-anchored, or the clock is not the one the event was planned on.
constexpr double kMaxHoldSeconds = 10.0;

}  // namespace

struct OscServer::Impl {
  OscServerConfig config;
  control::Controller& controller;
  control::EventBus* bus;
  int fd = -1;
  std::vector<sockaddr_in> targets;
  std::shared_ptr<control::Subscription> events;
  std::priority_queue<Held, std::vector<Held>, std::greater<>> held;
  std::uint64_t order = 0;

  Impl(OscServerConfig c, control::Controller& ctl, control::EventBus* b)
      : config(std::move(c)), controller(ctl), bus(b) {}
};

Result<std::pair<std::string, std::uint16_t>> parseOscTarget(const std::string& text) {
  const auto colon = text.rfind(':');
  const Error bad = makeError(
      "invalid_config", "OSC target '" + text + "' must be host:port with a port in [1, 65535]",
      "osc.targets");
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return bad;
  int port = 0;
  for (char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) return bad;
    port = port * 10 + (c - '0');
  }
  if (port < 1 || port > 65535) return bad;
  return std::make_pair(text.substr(0, colon), static_cast<std::uint16_t>(port));
}

OscServer::OscServer(OscServerConfig config, control::Controller& controller,
                     control::EventBus* bus)
    : impl_(std::make_unique<Impl>(std::move(config), controller, bus)) {}

OscServer::~OscServer() {
  stop();
}

Status OscServer::start() {
  Impl& s = *impl_;
  for (const auto& t : s.config.targets) {
    auto parsed = parseOscTarget(t);
    if (!parsed) return parsed.error();
    auto addr = resolve(parsed.value().first, parsed.value().second);
    if (!addr) return addr.error();
    s.targets.push_back(addr.value());
  }
  auto local = resolve(s.config.bind, s.config.port);
  if (!local) return local.error();
  s.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s.fd < 0) return makeError("io_error", std::string("OSC socket: ") + std::strerror(errno));
  sockaddr_in addr = local.value();
  if (bind(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const std::string why = std::strerror(errno);
    close(s.fd);
    s.fd = -1;
    return makeError("io_error",
                     "cannot bind OSC to udp://" + s.config.bind + ":" +
                         std::to_string(s.config.port) + ": " + why,
                     "osc.port");
  }
  socklen_t len = sizeof addr;
  getsockname(s.fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port_.store(ntohs(addr.sin_port), std::memory_order_relaxed);
  if (s.bus != nullptr && !s.targets.empty())
    s.events = s.bus->subscribe({"generation_update", "analysis"}, 1024);
  stop_.store(false);
  thread_ = std::thread([this] {
    core::nameThisThread("au-osc");
    run();
  });
  return Ok{};
}

void OscServer::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  if (impl_->fd >= 0) {
    close(impl_->fd);
    impl_->fd = -1;
  }
  impl_->events.reset();
}

void OscServer::sendTo(const std::vector<std::uint8_t>& bytes, const void* address) {
  const auto* a = static_cast<const sockaddr_in*>(address);
  // MSG_DONTWAIT: a full socket buffer drops the message (counted); never block.
  const auto n = sendto(impl_->fd, bytes.data(), bytes.size(), MSG_DONTWAIT,
                        reinterpret_cast<const sockaddr*>(a), sizeof *a);
  if (n == static_cast<ssize_t>(bytes.size()))
    counters_.sent.fetch_add(1, std::memory_order_relaxed);
  else
    counters_.sendErrors.fetch_add(1, std::memory_order_relaxed);
}

void OscServer::refuse(const Error& error, const std::string& address, const void* from) {
  counters_.refused.fetch_add(1, std::memory_order_relaxed);
  if (auto reply =
          encodeOscMessage({"/auralis/error",
                            {oscString(error.code), oscString(error.message), oscString(address)}}))
    sendTo(reply.value(), from);
  if (impl_->bus != nullptr)
    impl_->bus->publish("osc_error", {{"code", error.code},
                                      {"message", error.message},
                                      {"field", error.field},
                                      {"address", address}});
}

void OscServer::setCommands(std::vector<OscCommand> commands) {
  std::lock_guard lock(commandsMutex_);
  commands_ = std::move(commands);
}

bool OscServer::handleCommand(const OscMessage& m, const void* from) {
  std::lock_guard lock(commandsMutex_);
  for (const auto& c : commands_) {
    if (c.info.address != m.address || !c.handle) continue;
    auto result = c.handle(m);
    if (!result) {
      refuse(result.error(), m.address, from);
      return true;
    }
    counters_.applied.fetch_add(1, std::memory_order_relaxed);
    if (auto reply = encodeOscMessage(
            {"/auralis/ack", {oscString(m.address), oscString(result.value().dump())}}))
      sendTo(reply.value(), from);
    return true;
  }
  return false;
}

void OscServer::handleDatagram(std::span<const std::uint8_t> bytes, const void* from) {
  counters_.packets.fetch_add(1, std::memory_order_relaxed);
  auto messages = decodeOscPacket(bytes);
  if (!messages) {
    counters_.malformed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  for (const auto& m : messages.value()) {
    if (handleCommand(m, from)) continue;
    auto params = oscToControlParams(m);
    if (!params) {
      refuse(params.error(), m.address, from);
      continue;
    }
    auto patch = control::parseControlParams(params.value());
    if (!patch) {
      refuse(patch.error(), m.address, from);
      continue;
    }
    const auto applied = impl_->controller.apply(patch.value());
    counters_.applied.fetch_add(1, std::memory_order_relaxed);
    if (impl_->bus != nullptr)
      impl_->bus->publish("status", control::makeStatus(applied, impl_->controller.engineStatus()));
  }
}

void OscServer::followEvents() {
  Impl& s = *impl_;
  if (!s.events) return;
  control::Event event;
  const std::int64_t now = s.config.playhead ? s.config.playhead() : 0;
  const auto maxAhead = static_cast<std::int64_t>(kMaxHoldSeconds * s.config.sampleRate);
  while (s.events->tryPop(event)) {
    auto j = nlohmann::json::parse(*event.text, nullptr, false);
    if (j.is_discarded()) continue;
    const auto sampleIt = j.find("sample");
    const std::int64_t sample =
        sampleIt != j.end() && sampleIt->is_number_integer() ? sampleIt->get<std::int64_t>() : now;
    for (const auto& m : oscMessagesForEvent(event.kind, j)) {
      auto bytes = encodeOscMessage(m);
      if (!bytes) continue;
      const bool hold = s.config.playhead && sample > now && sample - now < maxAhead;
      if (hold && s.held.size() < s.config.maxHeld) {
        s.held.push({sample, s.order++, std::move(bytes).value()});
      } else {
        if (hold) counters_.heldOverflow.fetch_add(1, std::memory_order_relaxed);
        for (const auto& t : s.targets) sendTo(bytes.value(), &t);
      }
    }
  }
  while (!s.held.empty() && s.held.top().sample <= now) {
    for (const auto& t : s.targets) sendTo(s.held.top().bytes, &t);
    s.held.pop();
  }
}

void OscServer::run() {
  Impl& s = *impl_;
  std::vector<std::uint8_t> buffer(kMaxOscPacket + 1);
  while (!stop_.load(std::memory_order_relaxed)) {
    // 2 ms while events wait for their time (timing jitter to receivers), else
    // 20 ms: the bound on how late stop() and new bus events are noticed.
    pollfd p{s.fd, POLLIN, 0};
    poll(&p, 1, s.held.empty() ? 20 : 2);
    for (int burst = 0; burst < 256; ++burst) {
      sockaddr_in from{};
      socklen_t len = sizeof from;
      // MSG_TRUNC makes recvfrom report the datagram's real length, so an
      // oversized one is recognised (and counted) rather than parsed truncated.
      const auto n = recvfrom(s.fd, buffer.data(), buffer.size(), MSG_DONTWAIT | MSG_TRUNC,
                              reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 0) break;
      if (static_cast<std::size_t>(n) > kMaxOscPacket) {
        counters_.packets.fetch_add(1, std::memory_order_relaxed);
        counters_.malformed.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      try {
        handleDatagram({buffer.data(), static_cast<std::size_t>(n)}, &from);
      } catch (const std::exception&) {
        // A controller or bus failure must not end the surface; count and go on.
        counters_.refused.fetch_add(1, std::memory_order_relaxed);
      }
    }
    try {
      followEvents();
    } catch (const std::exception&) {
      counters_.sendErrors.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

}  // namespace auralis::net
