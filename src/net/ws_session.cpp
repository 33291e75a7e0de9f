// WsSession: one WebSocket client. Requests are parsed by control/messages and
// answered on the session's strand; audio frames are pulled from the
// Broadcaster only when the send queue has room (see "audio delivery" below).
#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>

#include "net/server_impl.hpp"

namespace auralis::net {

WsSession::WsSession(Server::Impl& server, tcp::socket&& socket, bool authorized, bool listening,
                     std::shared_ptr<void> slot)
    : server_(server),
      ws_(std::move(socket)),
      timer_(ws_.get_executor()),
      bucket_(server.config.controlRatePerSecond, server.config.controlBurst),
      authorized_(authorized),
      listening_(listening),
      slot_(std::move(slot)) {}

void WsSession::run(http::request<http::string_body> req) {
  const auto& cfg = server_.config;
  websocket::stream_base::timeout t{};
  t.handshake_timeout = cfg.handshakeTimeout;
  t.idle_timeout = cfg.idleTimeout;  // Beast pings at half of it, closes at it
  t.keep_alive_pings = true;
  ws_.set_option(t);
  ws_.read_message_max(cfg.maxMessageBytes);
  ws_.auto_fragment(false);
  if (cfg.sendBufferBytes > 0) {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().set_option(
        asio::socket_base::send_buffer_size(cfg.sendBufferBytes), ignored);
  }
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "auralis"); }));
  ws_.async_accept(req, beast::bind_front_handler(&WsSession::onAccept, shared_from_this()));
}

void WsSession::shutdown() {
  asio::post(ws_.get_executor(), [self = shared_from_this()] {
    if (self->closing_) return;
    self->closing_ = true;
    // Beast's close frame must not race the fan-out's sends: take the socket
    // back, and finish a message the fan-out left half-sent.
    if (!self->takeSocketBack()) return;
    if (self->rawSent_ > 0 && !self->writing_) self->writeFront();
    if (self->finished_) return;
    // Beast does not know about a raw audio message half on the wire; its close
    // frame must not land inside it (onRawWrite closes once it is out).
    if (self->writing_ && self->queue_.front().audio) {
      self->closeAfterWrite_ = true;
      return;
    }
    self->ws_.async_close(websocket::close_code::going_away, [self](beast::error_code) {});
  });
}

void WsSession::onAccept(beast::error_code ec) {
  if (ec) return;
  server_.clients.fetch_add(1);
  counted_ = true;
  // A client that may not listen yet gets nothing until an `auth` message.
  if (listening_) welcome();
  read();
}

void WsSession::welcome() {
  std::weak_ptr<WsSession> weak = shared_from_this();
  auto exec = ws_.get_executor();
  events_ = server_.hooks.bus->subscribe({"status", "generation_update"}, server_.config.eventQueue,
                                         [weak, exec] {
                                           asio::post(exec, [weak] {
                                             if (auto s = weak.lock()) s->drainEvents();
                                           });
                                         });
  const auto& c = *server_.hooks.controller;
  auto status = control::makeStatus(c.current(), c.engineStatus());
  status.update(server_.statusExtras(false));
  sendJson(status);
}

bool WsSession::handleAuth(const std::string& text) {
  if (text.find("\"auth\"") == std::string::npos) return false;  // cheap pre-check
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return false;
  const auto type = j.find("type");
  if (type == j.end() || !type->is_string() || *type != "auth") return false;
  nlohmann::json reqId = nullptr;
  if (const auto r = j.find("reqId"); r != j.end() && (r->is_string() || r->is_number()))
    reqId = *r;
  const auto token = j.find("token");
  if (token == j.end() || !token->is_string() || token->get_ref<const std::string&>().empty()) {
    sendJson(control::makeErrorMessage(
        makeError(control::codes::kInvalidParam, "auth needs a non-empty string token", "token"),
        reqId));
    return true;
  }
  // Guessing costs a token from the same bucket as control messages.
  if (!bucket_.tryTake()) {
    sendJson(control::makeErrorMessage(
        makeError(control::codes::kRateLimited, "too many messages; slow down"), reqId));
    return true;
  }
  const auto& access = server_.access;
  const std::string& presented = token->get_ref<const std::string&>();
  const bool control = access.canControl(presented);
  const bool listen = access.canListen(presented);
  const bool granted = (access.controlProtected() && control) ||
                       (access.listeningProtected() && listen) ||
                       (!access.controlProtected() && !access.listeningProtected());
  if (!granted) {
    sendJson(control::makeErrorMessage(
        makeError(control::codes::kUnauthorized, "that token opens nothing here", "token"), reqId));
    return true;
  }
  authorized_ = authorized_ || control;
  const bool wasListening = listening_;
  listening_ = listening_ || listen;
  nlohmann::json reply = {
      {"type", "authenticated"}, {"control", authorized_}, {"listen", listening_}};
  if (!reqId.is_null()) reply["reqId"] = reqId;
  sendJson(reply);
  if (listening_ && !wasListening) welcome();
  return true;
}

void WsSession::read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&WsSession::onRead, shared_from_this()));
}

void WsSession::onRead(beast::error_code ec, std::size_t) {
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

void WsSession::handleText(const std::string& text) {
  if (handleAuth(text)) return;
  auto msg = control::parseClientMessage(text);
  if (!msg.request.ok()) {
    if (msg.request.error().code == control::codes::kUnknownType && handleExtra(text, msg.reqId))
      return;
    sendJson(control::makeErrorMessage(msg.request.error(), msg.reqId));
    return;
  }
  if (!listening_ && !std::holds_alternative<control::PingRequest>(msg.request.value())) {
    sendJson(control::makeErrorMessage(
        makeError(control::codes::kUnauthorized,
                  "this server needs a token first: {\"type\":\"auth\",\"token\":...}"),
        msg.reqId));
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
          // serverTime is wall-clock seconds (CLOCK_REALTIME since the Unix epoch);
          // samplePosition is read right after it, so a page can map its sample
          // positions onto server time.
          const double now =
              std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
                  .count();
          const auto& hooks = server_.hooks;
          sendJson(hooks.samplePosition
                       ? control::makePong(reqId, now, hooks.samplePosition(), hooks.sampleRate)
                       : control::makePong(reqId, now));
        } else if constexpr (std::is_same_v<T, control::StatusRequest>) {
          auto j = control::makeStatus(c.current(), c.engineStatus(), reqId);
          j["server"] = server_.serverStatus();
          j.update(server_.statusExtras(true));
          sendJson(j);
        } else if constexpr (std::is_same_v<T, control::ClientReportRequest>) {
          clientReport(r, reqId);
        } else if constexpr (std::is_same_v<T, control::MidiRequest>) {
          midi(r, reqId);
        } else {
          subscribe(r, reqId);
        }
      },
      msg.request.value());
}

bool WsSession::handleExtra(const std::string& text, const nlohmann::json& reqId) {
  const auto& extras = server_.hooks.extraMessages;
  if (extras.empty()) return false;
  const auto raw = nlohmann::json::parse(text, nullptr, false);
  if (!raw.is_object() || !raw.contains("type") || !raw["type"].is_string()) return false;
  const auto handler = extras.find(raw["type"].get<std::string>());
  if (handler == extras.end()) return false;
  // The app's message types change the music too: the same token and rate limit as control.
  nlohmann::json reply;
  if (!authorized_) {
    reply = control::makeErrorMessage(
        makeError(control::codes::kUnauthorized, "control needs the server's token"));
  } else if (!bucket_.tryTake()) {
    reply = control::makeErrorMessage(
        makeError(control::codes::kRateLimited, "too many control messages; slow down"));
  } else {
    reply = handler->second(raw);
  }
  if (!reqId.is_null()) reply["reqId"] = reqId;
  sendJson(reply);
  return true;
}

void WsSession::subscribe(const control::SubscribeRequest& r, const nlohmann::json& reqId) {
  nlohmann::json reply = {{"type", "subscribed"}};
  if (r.batchMs && (*r.batchMs < 0 || *r.batchMs > control::kMaxBatchMs)) {
    // The parser refuses these; a request built in code gets the same answer.
    sendJson(control::makeErrorMessage(
        makeError(control::codes::kInvalidParam, "batchMs must be in [0, 1000]", "batchMs"),
        reqId));
    return;
  }
  if (r.audio && *r.audio != control::AudioChoice::Off) {
    // Checked first so that a refused subscribe changes nothing.
    const auto codec =
        *r.audio == control::AudioChoice::Opus ? stream::Codec::Opus : stream::Codec::Pcm16;
    auto* b = server_.hooks.broadcaster;
    if (b == nullptr || !b->hasCodec(codec)) {
      sendJson(
          control::makeErrorMessage(makeError(control::codes::kInvalidParam,
                                              "that audio codec is not available here", "audio"),
                                    reqId));
      return;
    }
  }
  if (r.telemetry) {
    std::vector<std::string> kinds = *r.telemetry;
    kinds.emplace_back("status");  // status broadcasts always reach every client
    events_->setKinds(std::move(kinds));
  }
  if (r.room) {
    server_.changeRoom(room_, *r.room);
    room_ = *r.room;
    reply["room"] = room_;
  }
  if (r.audio) {
    leaveFanOut();
    if (closing_) return;
    audio_.reset();
    queuedAudio_ = 0;
    std::string resume = "none";
    if (*r.audio != control::AudioChoice::Off) {
      const auto codec =
          *r.audio == control::AudioChoice::Opus ? stream::Codec::Opus : stream::Codec::Pcm16;
      std::weak_ptr<WsSession> weak = shared_from_this();
      auto exec = ws_.get_executor();
      audio_ = server_.hooks.broadcaster->subscribe(codec, r.resumeAfter, [weak, exec] {
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
    reply["batchMs"] = setAudioBatch(r.batchMs.value_or(0));
  } else if (r.batchMs) {
    reply["batchMs"] = setAudioBatch(*r.batchMs);  // changes the current stream's batching
  }
  if (r.telemetry) reply["telemetry"] = *r.telemetry;
  if (!reqId.is_null()) reply["reqId"] = reqId;
  sendJson(reply);
  pumpAudio();
}

void WsSession::clientReport(const control::ClientReportRequest& r, const nlohmann::json& reqId) {
  auto& stats = server_.reports;
  // Underruns are cumulative on the page; count only what is new since the last
  // report (a reload restarts the page's count, which reads as no increment).
  if (r.underruns > underruns_) {
    stats.underruns.fetch_add(static_cast<std::uint64_t>(r.underruns - underruns_),
                              std::memory_order_relaxed);
  }
  underruns_ = r.underruns;
  const double seconds = r.bufferMs / 1000.0;
  std::size_t bucket = 0;
  while (bucket < ClientReportStats::kBufferBounds.size() &&
         seconds > ClientReportStats::kBufferBounds[bucket]) {
    ++bucket;
  }
  stats.bufferCounts[bucket].fetch_add(1, std::memory_order_relaxed);
  stats.bufferSumMicros.fetch_add(static_cast<std::uint64_t>(r.bufferMs * 1000.0),
                                  std::memory_order_relaxed);
  if (tier_ != r.tier) {
    if (tier_ >= 0) stats.tiers[static_cast<std::size_t>(tier_)].fetch_sub(1);
    stats.tiers[static_cast<std::size_t>(r.tier)].fetch_add(1);
    tier_ = r.tier;
  }
  if (r.room && *r.room != room_) {
    server_.changeRoom(room_, *r.room);
    room_ = *r.room;
  }
  if (!reqId.is_null()) sendJson({{"type", "ack"}, {"reqId", reqId}});
}

void WsSession::midi(const control::MidiRequest& r, const nlohmann::json& reqId) {
  // Notes change the music, so they need the token like `control` does.
  auto refuse = [&](const char* code, std::string message) {
    sendJson(control::makeErrorMessage(makeError(code, std::move(message)), reqId));
  };
  if (!authorized_) return refuse(control::codes::kUnauthorized, "midi needs the server's token");
  if (!server_.hooks.midiIn) return refuse(control::codes::kInternal, "MIDI input is not wired");
  auto taken = server_.hooks.midiIn(r);
  if (!taken) {
    sendJson(control::makeErrorMessage(taken.error(), reqId));
    return;
  }
  // Acknowledged only when asked (a reqId): a keyboard sends many small messages.
  if (!reqId.is_null()) sendJson({{"type", "ack"}, {"reqId", reqId}, {"accepted", taken.value()}});
}

void WsSession::drainEvents() {
  control::Event e;
  while (!closing_ && events_ && events_->tryPop(e)) enqueue(Outgoing{e.text, nullptr});
}

void WsSession::startWrite() {
  writing_ = true;
  writeStarted_ = Clock::now();
  if (!watchdogArmed_) armWatchdog();
}

// Runs only while writes are in flight: thousands of listeners that keep up
// (their audio goes out through the fan-out) cost no timer at all.
void WsSession::armWatchdog() {
  watchdogArmed_ = true;
  timer_.expires_after(std::chrono::seconds(1));
  timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
    auto self = weak.lock();
    if (!self) return;
    self->watchdogArmed_ = false;
    if (ec || self->finished_ || !self->writing_) return;
    if (Clock::now() - self->writeStarted_ > self->server_.config.stalledWriteTimeout) {
      self->drop();  // the peer stopped reading
      return;
    }
    self->armWatchdog();
  });
}

void WsSession::drop() {
  if (finished_) return;
  server_.dropped.fetch_add(1);
  closing_ = true;
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(ws_).socket().close(ignored);
  finish();
}

void WsSession::finish() {
  if (finished_) return;
  finished_ = true;
  closing_ = true;
  timer_.cancel();
  if (fanSlot_ && server_.fanout) server_.fanout->leave(fanSlot_);
  fanSlot_.reset();
  fanFast_ = false;
  audio_.reset();
  events_.reset();
  if (!room_.empty()) server_.changeRoom(room_, "");
  room_.clear();
  if (tier_ >= 0) server_.reports.tiers[static_cast<std::size_t>(tier_)].fetch_sub(1);
  tier_ = -1;
  if (counted_) server_.clients.fetch_sub(1);
}

// ---------------------------------------------------------------------------
// Audio delivery. Per client the work is a cursor, a shared pointer and one
// send(): frames are pulled from the Broadcaster only when the send queue has
// room, and the Broadcaster wakes a session at most once per pull (once per
// batch for batched listeners, all on the same frame). The frames of one message
// are serialised as a complete WebSocket binary frame ONCE (Server::Impl::wire)
// and every listener of that batch gets the same immutable buffer.
//
// Writing it bypasses Beast: a non-blocking send() on the socket from the
// session's strand, which on a client that keeps up takes the whole message at
// once with no Asio operation, no allocation and no thread switch. Only when the
// socket is full does the rest go out through an Asio async_write on the TCP
// socket. Beast's framing state stays consistent because its own writes (JSON
// text, close) start only from this queue when no raw message is in flight, and
// messages are never fragmented. The one write Beast starts by itself, a pong or
// keep-alive ping, could only interleave with a raw message that is half-written
// because the client stopped reading, i.e. a client about to be skipped and
// closed anyway.

int WsSession::setAudioBatch(int batchMs) {
  batchFrames_ = 1;
  if (!audio_) return batchMs;  // nothing to batch: the asked value stands for the next stream
  const double frameMs = server_.hooks.broadcaster->frameSeconds(audio_->codec()) * 1000.0;
  int inForce = 0;
  if (batchMs > 0 && frameMs > 0) {
    const auto frames = static_cast<std::size_t>(std::lround(batchMs / frameMs));
    batchFrames_ = std::clamp<std::size_t>(frames, 1, server_.config.audioQueueFrames);
    inForce = static_cast<int>(std::lround(static_cast<double>(batchFrames_) * frameMs));
  }
  audio_->setWakeEvery(static_cast<int>(batchFrames_));
  joinFanOut();
  return inForce;
}

// The fan-out (ws_fanout.hpp). A session that is caught up, with nothing
// queued, gives its socket to the fan-out, which then sends it each batch in one
// pass over all such listeners. Whenever the session itself must write (JSON
// text, shutdown, a new subscription) it takes the socket back first; when the
// fan-out cannot send a whole batch (full socket, or the listener missed one) it
// hands the socket back with the half-sent message, and the session carries on
// with the per-session path below until it is caught up again.

void WsSession::joinFanOut() {
  leaveFanOut();
  if (closing_ || !audio_ || !server_.fanout) return;
  // The fan-out writes to its own descriptor for the socket: when Beast closes
  // ours, a send can never reach a number the kernel gave to another connection.
  const int fd = ::fcntl(beast::get_lowest_layer(ws_).socket().native_handle(), F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return;  // out of descriptors: this session writes its own audio
  std::weak_ptr<WsSession> weak = shared_from_this();
  auto exec = ws_.get_executor();
  fanSlot_ = server_.fanout->join(audio_->codec(), batchFrames_, fd, [weak, exec] {
    asio::post(exec, [weak] {
      if (auto s = weak.lock()) s->onHandback();
    });
  });
}

void WsSession::leaveFanOut() {
  if (!fanSlot_) return;
  if (!takeSocketBack()) return;
  server_.fanout->leave(fanSlot_);
  fanSlot_.reset();
}

void WsSession::tryFanOut() {
  if (!fanSlot_ || fanFast_ || closing_ || writing_ || !queue_.empty() || !audio_) return;
  const auto next = audio_->detachAtLiveEdge(batchFrames_);
  if (!next) return;
  FanOut::handOver(*fanSlot_, *next);
  fanFast_ = true;
}

bool WsSession::takeSocketBack() {
  if (!fanSlot_ || !fanFast_) return true;
  FanOutReclaim r = FanOut::reclaim(*fanSlot_);
  fanFast_ = false;
  if (r.failed) {
    drop();  // reset or closed by the peer
    return false;
  }
  if (r.pending) {
    // Nothing of this session's own was started while the fan-out owned the
    // socket, so the half-sent message goes first.
    queuedAudio_ += r.pending->frames;
    queue_.push_front(Outgoing{nullptr, std::move(r.pending)});
    rawSent_ = r.pendingOffset;
  }
  if (audio_) audio_->reattach(r.next);
  audioStalled_ = true;  // frames may be waiting: pull once the queue drains
  return true;
}

void WsSession::onHandback() {
  if (finished_ || !fanFast_) return;  // already taken back
  if (!takeSocketBack() || closing_) return;
  if (!writing_) flush();
}

void WsSession::pumpAudio() {
  // While the fan-out owns the socket a stale wake-up must not pull (the
  // listener would get those frames twice).
  if (closing_ || !audio_ || fanFast_) return;
  if (audio_->closed()) {
    drop();
    return;
  }
  // A batched listener may hold two batches (one being written, one waiting), so
  // a wake-up never has to split a batch into small messages.
  const std::size_t capacity = std::max(server_.config.audioQueueFrames, 2 * batchFrames_);
  const std::size_t room = capacity > queuedAudio_ ? capacity - queuedAudio_ : 0;
  // With no room the wake-up is not consumed: a completed write pulls again.
  audioStalled_ = room == 0;
  if (room == 0) return;
  pulled_.clear();
  const std::size_t n = audio_->pull(pulled_, room);
  if (n == room) audioStalled_ = true;  // more may be waiting behind these
  // Queue every message of this pull before writing any: a write that completes
  // at once must not pull again (re-entering here) while pulled_ is being read.
  const bool nested = flushing_;
  flushing_ = true;
  for (std::size_t i = 0; i < n; i += batchFrames_) {
    const std::size_t count = std::min(n - i, batchFrames_);
    const std::span<const stream::FramePtr> frames(pulled_.data() + i, count);
    enqueue(Outgoing{nullptr, server_.wire.get(frames)});
  }
  pulled_.clear();
  flushing_ = nested;
  if (audio_ && audio_->closed()) {
    drop();
    return;
  }
  if (!nested && !writing_) flush();
}

void WsSession::sendJson(const nlohmann::json& j) {
  enqueue(Outgoing{serialise(j), nullptr});
}

void WsSession::enqueue(Outgoing out) {
  if (closing_) return;
  if (out.audio) {
    queuedAudio_ += out.audio->frames;
  } else if (queuedText_ >= server_.config.sendQueueMessages) {
    drop();  // a client this far behind on text cannot be served
    return;
  } else {
    ++queuedText_;
  }
  queue_.push_back(std::move(out));
  if (!writing_ && !flushing_) flush();
}

void WsSession::flush() {
  // While the fan-out owns the socket, text goes out through it as well (an
  // event for each of thousands of listeners must not cost each a hand-back).
  while (fanFast_ && !queue_.empty() && !queue_.front().audio) {
    const std::size_t bytes = queue_.front().text->size();
    const FanOut::TextSend r = server_.fanout->sendText(*fanSlot_, *queue_.front().text);
    if (r == FanOut::TextSend::Sent) {
      completeFront(bytes);
      continue;
    }
    if (r == FanOut::TextSend::Partial) {
      // Its rest is the slot's pending message now; takeSocketBack queues it.
      --queuedText_;
      queue_.pop_front();
    }
    break;
  }
  if (fanFast_ && !queue_.empty() && !takeSocketBack()) return;
  flushing_ = true;
  for (;;) {
    while (!writing_ && !closing_ && !queue_.empty()) writeFront();
    if (writing_ || closing_ || !audioStalled_) break;
    // Frames were left behind for want of room, and the queue has drained.
    const std::size_t before = queue_.size();
    pumpAudio();
    if (queue_.size() == before) break;
  }
  flushing_ = false;
  tryFanOut();
}

void WsSession::writeFront() {
  const Outgoing& out = queue_.front();
  if (!out.audio) {
    startWrite();
    ws_.text(true);
    ws_.async_write(asio::buffer(*out.text),
                    beast::bind_front_handler(&WsSession::onWrite, shared_from_this()));
    return;
  }
  const auto& bytes = out.audio->bytes;
  auto& socket = beast::get_lowest_layer(ws_).socket();
  const ssize_t n = ::send(socket.native_handle(), bytes.data() + rawSent_, bytes.size() - rawSent_,
                           MSG_DONTWAIT | MSG_NOSIGNAL);
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    drop();  // reset or closed by the peer
    return;
  }
  rawSent_ += n > 0 ? static_cast<std::size_t>(n) : 0;
  if (rawSent_ == bytes.size()) {
    completeFront(out.audio->payloadBytes);
    return;
  }
  // The socket is full: the rest goes out when it drains. The message is kept
  // alive by queue_.front() until onRawWrite.
  startWrite();
  asio::async_write(
      socket, asio::buffer(bytes.data() + rawSent_, bytes.size() - rawSent_),
      asio::bind_executor(ws_.get_executor(),
                          beast::bind_front_handler(&WsSession::onRawWrite, shared_from_this())));
}

void WsSession::completeFront(std::size_t payloadBytes) {
  const Outgoing& done = queue_.front();
  if (done.audio) {
    server_.sent.countWrite(payloadBytes, done.audio->codec, done.audio->frames);
    // A re-subscribe resets the count while old frames are still queued: never wrap.
    queuedAudio_ -= std::min(queuedAudio_, done.audio->frames);
  } else {
    server_.sent.countWrite(payloadBytes, stream::Codec::Pcm16, 0);
    --queuedText_;
  }
  rawSent_ = 0;
  queue_.pop_front();
}

void WsSession::onWrite(beast::error_code ec, std::size_t written) {
  writing_ = false;
  if (ec) {
    finish();
    return;
  }
  completeFront(written);
  flush();
}

void WsSession::onRawWrite(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) {
    finish();
    return;
  }
  completeFront(queue_.front().audio->payloadBytes);
  if (closeAfterWrite_) {
    closeAfterWrite_ = false;
    ws_.async_close(websocket::close_code::going_away,
                    [self = shared_from_this()](beast::error_code) {});
    return;
  }
  flush();
}

}  // namespace auralis::net
