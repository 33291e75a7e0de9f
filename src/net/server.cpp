// net::Server: the acceptor, the io threads and the shared state of the
// sessions (server_impl.hpp). Sessions live in ws_session.cpp and
// http_session.cpp; these are the only translation units that include Beast.
#include "core/cpu_affinity.hpp"
#include "core/thread_name.hpp"
#include "net/server_impl.hpp"

namespace auralis::net {

std::string queryParam(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view kv = rest.substr(0, amp);
    const auto eq = kv.find('=');
    if (kv.substr(0, eq) == name && eq != std::string_view::npos) {
      return std::string(kv.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return {};
}

std::shared_ptr<const std::string> serialise(const nlohmann::json& j) {
  return std::make_shared<const std::string>(
      j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

nlohmann::json Server::Impl::serverStatus() {
  return {{"clients", clients.load()},
          {"droppedClients", dropped.load()},
          {"uptimeSeconds", std::chrono::duration<double>(Clock::now() - started).count()}};
}

nlohmann::json Server::Impl::statusExtras(bool withRooms) {
  nlohmann::json codecs = nlohmann::json::array();
  nlohmann::json stream = {{"codecs", codecs}};
  if (const auto* b = hooks.broadcaster) {
    if (b->hasCodec(stream::Codec::Opus)) codecs.push_back("opus");
    if (b->hasCodec(stream::Codec::Pcm16)) codecs.push_back("pcm16");
    stream = {{"codecs", codecs},
              {"sampleRate", b->config().sampleRate},
              {"channels", b->config().channels},
              {"opusSampleRate", 48000},
              {"opusFrameMs", 20},
              {"pcm16FrameMs", 100},
              {"resumeWindowSeconds", b->config().windowSeconds}};
  }
  nlohmann::json j = {{"version", hooks.version}, {"stream", std::move(stream)}};
  if (withRooms) j["rooms"] = roomCounts();
  return j;
}

nlohmann::json Server::Impl::roomCounts() {
  nlohmann::json j = nlohmann::json::object();
  std::lock_guard lock(sessionsMutex);
  for (const auto& [name, count] : rooms) j[name] = count;
  return j;
}

void Server::Impl::changeRoom(const std::string& from, const std::string& to) {
  if (from == to) return;
  std::lock_guard lock(sessionsMutex);
  if (!from.empty()) {
    auto it = rooms.find(from);
    if (it != rooms.end() && --it->second <= 0) rooms.erase(it);
  }
  if (!to.empty()) ++rooms[to];
}

void Server::Impl::broadcastStatus(const control::ControlParams& params) {
  hooks.bus->publish("status", control::makeStatus(params, hooks.controller->engineStatus()));
}

void Server::Impl::accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
    if (ec) {
      if (!stopping.load() && acceptor.is_open()) accept();
      return;
    }
    auto slot = takeIpSlot(s);
    std::make_shared<HttpSession>(*this, std::move(s), std::move(slot))->run();
    accept();
  });
}

std::optional<std::shared_ptr<void>> Server::Impl::takeIpSlot(const tcp::socket& peer) {
  beast::error_code ec;
  const auto address = peer.remote_endpoint(ec).address();
  // Loopback is the host itself or a reverse proxy in front of every client,
  // where a per-address limit would limit everyone at once (nginx limits instead).
  if (ec || (address.is_loopback() && !config.limitLoopbackConnections) ||
      (address.is_v6() && address.to_v6().is_v4_mapped() &&
       asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).is_loopback() &&
       !config.limitLoopbackConnections)) {
    return std::shared_ptr<void>();
  }
  const std::string key = address.to_string();
  std::lock_guard lock(perIp->mutex);
  int& open = perIp->open[key];
  if (open >= config.maxConnectionsPerIp) {
    if (open == 0) perIp->open.erase(key);
    return std::nullopt;
  }
  ++open;
  // The deleter runs wherever the last owner goes (an io thread, or the
  // io_context's destructor).
  return std::shared_ptr<void>(nullptr, [counts = perIp, key](void*) {
    std::lock_guard release(counts->mutex);
    auto it = counts->open.find(key);
    if (it != counts->open.end() && --it->second <= 0) counts->open.erase(it);
  });
}

// ---------------------------------------------------------------------------

Server::Server(ServerConfig config, ServerHooks hooks)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(hooks))) {
  Impl& im = *impl_;
  RouterHooks rh;
  rh.controller = im.hooks.controller;
  rh.prometheusText = im.hooks.prometheusText;
  rh.metricsJson = im.hooks.metricsJson;
  rh.serverStatus = [&im] { return im.serverStatus(); };
  rh.statusExtras = [&im] { return im.statusExtras(true); };
  rh.onApplied = [&im](const control::ControlParams& p) { im.broadcastStatus(p); };
  rh.extraRoutes = im.hooks.extraRoutes;
  im.access = AccessPolicy({im.config.controlToken, im.config.listenToken,
                            im.config.protectListening, im.config.allowedOrigins});
  if (im.config.fanOut) {
    im.fanout = std::make_unique<FanOut>(
        im.hooks.broadcaster, im.wire, im.sent,
        [&im](std::function<void()> task) { asio::post(im.fanStrand, std::move(task)); },
        im.config.fanOutSender);
  }
  im.router = std::make_unique<Router>(RouterConfig{im.config.webRoot, im.config.controlToken},
                                       std::move(rh));
}

Server::~Server() {
  stop();
}

Status Server::start() {
  Impl& im = *impl_;
  beast::error_code ec;
  const auto address = asio::ip::make_address(im.config.bind, ec);
  if (ec) return makeError("invalid_param", "bad bind address '" + im.config.bind + "'", "bind");
  const tcp::endpoint ep{address, im.config.port};
  im.acceptor.open(ep.protocol(), ec);
  if (!ec) im.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) im.acceptor.bind(ep, ec);
  if (!ec) im.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return makeError("internal", "cannot listen on " + im.config.bind + ":" +
                                     std::to_string(im.config.port) + ": " + ec.message());
  }
  im.work.emplace(im.ioc.get_executor());
  im.accept();
  for (int i = 0; i < std::max(1, im.config.threads); ++i) {
    im.threads.emplace_back([&im] {
      core::nameThisThread("au-net");
      if (!im.config.cpus.empty()) core::pinThisThread(im.config.cpus);
      for (;;) {
        try {
          im.ioc.run();
          return;
        } catch (const std::exception&) {
          // A handler threw: keep the io thread alive; the session is lost.
        }
      }
    });
  }
  return Ok{};
}

void Server::stop() {
  Impl& im = *impl_;
  if (im.threads.empty() || im.stopping.exchange(true)) return;
  asio::post(im.ioc, [&im] {
    beast::error_code ignored;
    im.acceptor.close(ignored);
  });
  std::vector<std::shared_ptr<WsSession>> live;
  {
    std::lock_guard lock(im.sessionsMutex);
    for (auto& w : im.sessions) {
      if (auto s = w.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->shutdown();
  live.clear();
  // Give the close handshakes a moment, then stop whatever is left.
  const auto deadline = Clock::now() + std::chrono::seconds(2);
  while (im.clients.load() > 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  im.work.reset();
  im.ioc.stop();
  for (auto& t : im.threads) t.join();
  im.threads.clear();
}

std::uint16_t Server::port() const {
  beast::error_code ec;
  const auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? impl_->config.port : ep.port();
}
std::size_t Server::clients() const {
  return impl_->clients.load();
}
std::uint64_t Server::droppedClients() const {
  return impl_->dropped.load();
}
std::uint64_t Server::rejectedClients() const {
  return impl_->rejected.load();
}
const SendStats& Server::sendStats() const {
  return impl_->sent;
}

std::uint64_t Server::fanOutSends() const {
  return impl_->fanout ? impl_->fanout->sends() : 0;
}
bool Server::fanOutUsesIoUring() const {
  return impl_->fanout && impl_->fanout->usesIoUring();
}
std::string Server::fanOutFallbackReason() const {
  return impl_->fanout ? impl_->fanout->ioUringFallbackReason() : "the fan-out is off";
}
std::uint64_t Server::fanOutHandbacks() const {
  return impl_->fanout ? impl_->fanout->handbacks() : 0;
}
std::uint64_t Server::fanOutTextSends() const {
  return impl_->fanout ? impl_->fanout->textSends() : 0;
}

const ClientReportStats& Server::clientReports() const {
  return impl_->reports;
}

}  // namespace auralis::net
