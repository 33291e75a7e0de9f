// The only translation unit that includes Boost.Beast (build time on 2 cores).
#include "net/server.hpp"

// GCC 12 reports -Wnull-dereference inside Asio's scheduler after inlining (a
// false positive in a system header that the SYSTEM include cannot silence,
// because it is raised at optimisation time); this translation unit only.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "control/messages.hpp"
#include "control/token_bucket.hpp"
#include "net/router.hpp"

namespace auralis::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

class WsSession;

struct Server::Impl {
  ServerConfig config;
  ServerHooks hooks;
  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  tcp::acceptor acceptor{ioc};
  std::unique_ptr<Router> router;
  std::vector<std::thread> threads;
  std::atomic<std::size_t> clients{0};
  std::atomic<std::uint64_t> dropped{0};
  std::atomic<std::uint64_t> rejected{0};
  std::atomic<bool> stopping{false};
  std::mutex sessionsMutex;
  std::vector<std::weak_ptr<WsSession>> sessions;
  Clock::time_point started = Clock::now();

  Impl(ServerConfig c, ServerHooks h) : config(std::move(c)), hooks(std::move(h)) {}
  void accept();
  nlohmann::json serverStatus() const {
    return {{"clients", clients.load()},
            {"droppedClients", dropped.load()},
            {"uptimeSeconds", std::chrono::duration<double>(Clock::now() - started).count()}};
  }
  void broadcastStatus(const control::ControlParams& params) {
    hooks.bus->publish("status", control::makeStatus(params, hooks.controller->engineStatus()));
  }
};

namespace {

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

}  // namespace

// ---------------------------------------------------------------------------
// WebSocket session: one strand, a bounded send queue, audio pulled on demand.
class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(Server::Impl& server, tcp::socket&& socket, bool authorized)
      : server_(server),
        ws_(std::move(socket)),
        timer_(ws_.get_executor()),
        bucket_(server.config.controlRatePerSecond, server.config.controlBurst),
        authorized_(authorized) {}

  void run(http::request<http::string_body> req) {
    const auto& cfg = server_.config;
    websocket::stream_base::timeout t{};
    t.handshake_timeout = cfg.handshakeTimeout;
    t.idle_timeout = cfg.idleTimeout;  // Beast pings at half of it, closes at it
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.read_message_max(cfg.maxMessageBytes);
    ws_.auto_fragment(false);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "auralis"); }));
    ws_.async_accept(req, beast::bind_front_handler(&WsSession::onAccept, shared_from_this()));
  }

  /// Any thread: closes with 1001 on the strand.
  void shutdown() {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      if (self->closing_) return;
      self->closing_ = true;
      self->ws_.async_close(websocket::close_code::going_away, [self](beast::error_code) {});
    });
  }

 private:
  void onAccept(beast::error_code ec) {
    if (ec) return;
    server_.clients.fetch_add(1);
    counted_ = true;
    std::weak_ptr<WsSession> weak = shared_from_this();
    auto exec = ws_.get_executor();
    events_ = server_.hooks.bus->subscribe({"status", "generation_update"},
                                           server_.config.eventQueue, [weak, exec] {
                                             asio::post(exec, [weak] {
                                               if (auto s = weak.lock()) s->drainEvents();
                                             });
                                           });
    const auto& c = *server_.hooks.controller;
    sendJson(control::makeStatus(c.current(), c.engineStatus()));
    armTimer();
    read();
  }

  void read() {
    ws_.async_read(buffer_, beast::bind_front_handler(&WsSession::onRead, shared_from_this()));
  }

  void onRead(beast::error_code ec, std::size_t) {
    if (ec) {
      // Beast has already sent the close code (1009 too big, 1007 bad UTF-8,
      // 1002 protocol error) where one applies.
      finish();
      return;
    }
    if (!ws_.got_text()) {
      sendJson(control::makeErrorMessage(
          makeError(control::codes::kBadJson, "binary messages are not accepted; send JSON text")));
    } else {
      handleText(beast::buffers_to_string(buffer_.data()));
    }
    buffer_.consume(buffer_.size());
    if (!closing_) read();
  }

  void handleText(const std::string& text) {
    auto msg = control::parseClientMessage(text);
    if (!msg.request.ok()) {
      sendJson(control::makeErrorMessage(msg.request.error(), msg.reqId));
      return;
    }
    auto& c = *server_.hooks.controller;
    const auto& reqId = msg.reqId;
    std::visit(
        [&](auto&& r) {
          using T = std::decay_t<decltype(r)>;
          if constexpr (std::is_same_v<T, control::ControlRequest>) {
            if (!authorized_) {
              sendJson(control::makeErrorMessage(
                  makeError(control::codes::kUnauthorized, "control needs the server's token"),
                  reqId));
            } else if (!bucket_.tryTake()) {
              sendJson(control::makeErrorMessage(
                  makeError(control::codes::kRateLimited, "too many control messages; slow down"),
                  reqId));
            } else {
              const control::ControlParams applied = c.apply(r.patch);
              sendJson(control::makeAck(reqId, applied));
              server_.broadcastStatus(applied);
            }
          } else if constexpr (std::is_same_v<T, control::PingRequest>) {
            sendJson(control::makePong(
                reqId,
                std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
                    .count()));
          } else if constexpr (std::is_same_v<T, control::StatusRequest>) {
            auto j = control::makeStatus(c.current(), c.engineStatus(), reqId);
            j["server"] = server_.serverStatus();
            sendJson(j);
          } else {
            subscribe(r, reqId);
          }
        },
        msg.request.value());
  }

  void subscribe(const control::SubscribeRequest& r, const nlohmann::json& reqId) {
    nlohmann::json reply = {{"type", "subscribed"}};
    if (r.telemetry) {
      std::vector<std::string> kinds = *r.telemetry;
      kinds.emplace_back("status");  // status broadcasts always reach every client
      events_->setKinds(std::move(kinds));
    }
    if (r.audio) {
      audio_.reset();
      queuedAudio_ = 0;
      std::string resume = "none";
      if (*r.audio != control::AudioChoice::Off) {
        const auto codec =
            *r.audio == control::AudioChoice::Opus ? stream::Codec::Opus : stream::Codec::Pcm16;
        auto* b = server_.hooks.broadcaster;
        if (b == nullptr || !b->hasCodec(codec)) {
          sendJson(control::makeErrorMessage(
              makeError(control::codes::kInvalidParam, "that audio codec is not available here",
                        "audio"),
              reqId));
          return;
        }
        std::weak_ptr<WsSession> weak = shared_from_this();
        auto exec = ws_.get_executor();
        audio_ = b->subscribe(codec, r.resumeAfter, [weak, exec] {
          asio::post(exec, [weak] {
            if (auto s = weak.lock()) s->pumpAudio();
          });
        });
        reply["firstSequence"] = audio_->firstSequence();
        if (audio_->resumeOutcome() == stream::ResumeOutcome::Resumed) resume = "resumed";
        if (audio_->resumeOutcome() == stream::ResumeOutcome::Live) resume = "live";
      }
      reply["audio"] = *r.audio == control::AudioChoice::Off    ? "off"
                       : *r.audio == control::AudioChoice::Opus ? "opus"
                                                                : "pcm16";
      reply["resume"] = resume;
    }
    if (r.telemetry) reply["telemetry"] = *r.telemetry;
    if (!reqId.is_null()) reply["reqId"] = reqId;
    sendJson(reply);
    pumpAudio();
  }

  void drainEvents() {
    control::Event e;
    while (!closing_ && events_ && events_->tryPop(e)) enqueue(Outgoing{e.text, nullptr});
  }

  void pumpAudio() {
    if (closing_ || !audio_) return;
    if (audio_->closed()) {
      drop();
      return;
    }
    const std::size_t room = server_.config.audioQueueFrames > queuedAudio_
                                 ? server_.config.audioQueueFrames - queuedAudio_
                                 : 0;
    if (room == 0) return;
    std::vector<stream::FramePtr> frames;
    audio_->pull(frames, room);
    for (auto& f : frames) enqueue(Outgoing{nullptr, std::move(f)});
    if (audio_->closed()) drop();
  }

  struct Outgoing {
    std::shared_ptr<const std::string> text;
    stream::FramePtr frame;
  };

  void sendJson(const nlohmann::json& j) { enqueue(Outgoing{serialise(j), nullptr}); }

  void enqueue(Outgoing out) {
    if (closing_) return;
    if (out.frame) {
      ++queuedAudio_;
    } else if (queue_.size() - queuedAudio_ >= server_.config.sendQueueMessages) {
      drop();  // a client this far behind on text cannot be served
      return;
    }
    queue_.push_back(std::move(out));
    if (!writing_) write();
  }

  void write() {
    writing_ = true;
    writeStarted_ = Clock::now();
    const Outgoing& out = queue_.front();
    if (out.frame) {
      ws_.binary(true);
      ws_.async_write(asio::buffer(out.frame->wire),
                      beast::bind_front_handler(&WsSession::onWrite, shared_from_this()));
    } else {
      ws_.text(true);
      ws_.async_write(asio::buffer(*out.text),
                      beast::bind_front_handler(&WsSession::onWrite, shared_from_this()));
    }
  }

  void onWrite(beast::error_code ec, std::size_t) {
    writing_ = false;
    if (ec) {
      finish();
      return;
    }
    if (queue_.front().frame) --queuedAudio_;
    queue_.pop_front();
    if (!queue_.empty() && !closing_) write();
    pumpAudio();
  }

  void armTimer() {
    timer_.expires_after(std::chrono::seconds(1));
    timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      auto self = weak.lock();
      if (ec || !self || self->finished_) return;
      if (self->writing_ &&
          Clock::now() - self->writeStarted_ > self->server_.config.stalledWriteTimeout) {
        self->drop();  // the peer stopped reading
        return;
      }
      self->armTimer();
    });
  }

  void drop() {
    if (finished_) return;
    server_.dropped.fetch_add(1);
    closing_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).socket().close(ignored);
    finish();
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    closing_ = true;
    timer_.cancel();
    audio_.reset();
    events_.reset();
    if (counted_) server_.clients.fetch_sub(1);
  }

  Server::Impl& server_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  asio::steady_timer timer_;
  control::TokenBucket bucket_;
  bool authorized_;
  std::shared_ptr<control::Subscription> events_;
  std::shared_ptr<stream::AudioSubscriber> audio_;
  std::deque<Outgoing> queue_;
  std::size_t queuedAudio_ = 0;
  bool writing_ = false;
  bool closing_ = false;
  bool finished_ = false;
  bool counted_ = false;
  Clock::time_point writeStarted_{};
};

// ---------------------------------------------------------------------------
// HTTP session: reads requests with size limits and a timeout, routes them, and
// hands /ws upgrades to a WsSession.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(Server::Impl& server, tcp::socket&& socket)
      : server_(server), stream_(std::move(socket)) {}

  void run() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&HttpSession::read, shared_from_this()));
  }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.config.maxHeaderBytes));
    parser_->body_limit(server_.config.maxBodyBytes);
    stream_.expires_after(server_.config.requestTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::onRead, shared_from_this()));
  }

  void onRead(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return close();
    if (ec == http::error::body_limit) {
      return sendError(413, makeError("too_large", "request body too large"));
    }
    if (ec == http::error::header_limit) {
      return sendError(431, makeError("too_large", "request headers too large"));
    }
    if (ec) return close();  // timeout, reset, malformed: nothing useful to say
    http::request<http::string_body> req = parser_->release();
    const std::string target(req.target());
    const std::string path = target.substr(0, target.find('?'));
    if (websocket::is_upgrade(req) && path == "/ws") {
      if (server_.stopping.load() ||
          server_.clients.load() >= static_cast<std::size_t>(server_.config.maxClients)) {
        server_.rejected.fetch_add(1);
        return sendError(503, makeError(control::codes::kTooManyClients,
                                        "the server has its maximum of " +
                                            std::to_string(server_.config.maxClients) +
                                            " clients; try again later"));
      }
      const std::string& token = server_.config.controlToken;
      const bool authorized = token.empty() || queryParam(target, "token") == token ||
                              std::string(req[http::field::authorization]) == "Bearer " + token;
      stream_.expires_never();  // the WebSocket sets its own timeouts
      auto ws = std::make_shared<WsSession>(server_, stream_.release_socket(), authorized);
      {
        std::lock_guard lock(server_.sessionsMutex);
        std::erase_if(server_.sessions, [](const auto& w) { return w.expired(); });
        server_.sessions.push_back(ws);
      }
      ws->run(std::move(req));
      return;
    }
    HttpRequest in;
    in.method = std::string(req.method_string());
    in.target = target;
    for (const auto& field : req) {
      in.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    in.body = std::move(req.body());
    const HttpResponse out = server_.router->handle(in);
    const bool head = req.method() == http::verb::head;
    send(out, req.keep_alive(), req.version(), head);
  }

  void sendError(int status, const Error& e) { send(errorResponse(status, e), false, 11, false); }

  void send(const HttpResponse& r, bool keepAlive, unsigned version, bool head) {
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(r.status), version);
    res->set(http::field::server, "auralis");
    res->set(http::field::content_type, r.contentType);
    for (const auto& [k, v] : r.headers) res->set(k, v);
    res->body() = r.body;
    res->keep_alive(keepAlive);
    res->prepare_payload();
    if (head) res->body().clear();  // HEAD: the headers of GET, no body
    stream_.expires_after(server_.config.requestTimeout);
    http::async_write(
        stream_, *res,
        [self = shared_from_this(), res, keepAlive](beast::error_code ec, std::size_t) {
          if (ec || !keepAlive) return self->close();
          self->read();
        });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  Server::Impl& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

void Server::Impl::accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
    if (ec) {
      if (!stopping.load() && acceptor.is_open()) accept();
      return;
    }
    std::make_shared<HttpSession>(*this, std::move(s))->run();
    accept();
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
  rh.onApplied = [&im](const control::ControlParams& p) { im.broadcastStatus(p); };
  rh.extraRoutes = im.hooks.extraRoutes;
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

}  // namespace auralis::net
