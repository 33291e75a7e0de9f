// Private to src/net: the Beast types behind net::Server. Included only by
// server.cpp, ws_session.cpp and http_session.cpp (never by another module), so
// Boost.Beast stays out of every public header.
//
//   Server::Impl   the io_context, acceptor, router, counters and session list
//   WsSession      one WebSocket client: a strand, a bounded send queue, audio
//                  pulled from the Broadcaster on demand (ws_session.cpp)
//   HttpSession    one HTTP connection: limits, routing, /ws upgrades
//                  (http_session.cpp)
//
// Thread rules: a session's members are touched only on its strand; Impl's
// atomics from any thread; `sessions` and `rooms` under `sessionsMutex`.
#pragma once

// GCC 12 reports -Wnull-dereference inside Asio's scheduler after inlining (a
// false positive in a system header that the SYSTEM include cannot silence,
// because it is raised at optimisation time); the src/net .cpp files only.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <array>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "control/messages.hpp"
#include "control/token_bucket.hpp"
#include "net/access.hpp"
#include "net/router.hpp"
#include "net/server.hpp"
#include "net/ws_fanout.hpp"
#include "net/ws_wire.hpp"

namespace auralis::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

class WsSession;
struct FileTransfer;

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
  std::map<std::string, int> rooms;  // room name -> subscribed clients (sessionsMutex)
  ClientReportStats reports;         // client_report aggregates (atomics)
  SendStats sent;                    // bytes and frames written (atomics)
  WireCache wire;                    // audio messages serialised once for every listener
  asio::strand<asio::io_context::executor_type> fanStrand{asio::make_strand(ioc)};
  std::unique_ptr<FanOut> fanout;  // null when config.fanOut is off
  Clock::time_point started = Clock::now();
  AccessPolicy access;  // tokens and origins (immutable after construction)
  /// Open connections per address. Shared with every slot's deleter, because
  /// sessions still queued in the io_context are destroyed after Impl's members.
  struct IpCounts {
    std::mutex mutex;
    std::unordered_map<std::string, int> open;
  };
  std::shared_ptr<IpCounts> perIp = std::make_shared<IpCounts>();

  Impl(ServerConfig c, ServerHooks h) : config(std::move(c)), hooks(std::move(h)) {}
  /// Any io thread: accepts the next connection.
  void accept();
  /// Any thread: the `server` object of status replies.
  nlohmann::json serverStatus();
  /// Any thread: {"version","stream":{codecs, rates, frame lengths},"rooms"?}
  /// merged into status replies (rooms only where the reply carries `server`).
  nlohmann::json statusExtras(bool withRooms);
  /// Any thread: {"room": clients, ...}.
  nlohmann::json roomCounts();
  /// Any io thread: moves one client from room `from` to room `to` ("" = none).
  void changeRoom(const std::string& from, const std::string& to);
  /// Any thread: publishes a `status` to every client.
  void broadcastStatus(const control::ControlParams& params);
  /// Any io thread: a slot for one more connection from `peer`, released when the
  /// last copy goes; an empty pointer for an exempt (loopback) peer; nullopt when
  /// that address already holds maxConnectionsPerIp connections.
  std::optional<std::shared_ptr<void>> takeIpSlot(const tcp::socket& peer);
};

/// The value of query parameter `name` in `target`, or "".
std::string queryParam(std::string_view target, std::string_view name);
/// One JSON message serialised once, shared by every queue it enters.
std::shared_ptr<const std::string> serialise(const nlohmann::json& j);

// ---------------------------------------------------------------------------
// WebSocket session: one strand, a bounded send queue, audio pulled on demand.
class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  /// `authorized`: may control; `listening`: may subscribe (else only `auth` and
  /// `ping` until an auth message presents a token); `slot`: the per-IP slot held.
  WsSession(Server::Impl& server, tcp::socket&& socket, bool authorized, bool listening = true,
            std::shared_ptr<void> slot = nullptr);

  /// The session's strand: accepts the upgrade `req` and starts reading.
  void run(http::request<http::string_body> req);
  /// Any thread: closes with 1001 on the strand.
  void shutdown();

 private:
  /// One queued message: JSON text (written by Beast) or an audio message whose
  /// WebSocket frame is already serialised and shared (written raw, see write()).
  struct Outgoing {
    std::shared_ptr<const std::string> text;
    WireMessagePtr audio = nullptr;
  };

  // Reading and requests (ws_session.cpp).
  void onAccept(beast::error_code ec);
  /// Strand: subscribes to status broadcasts and sends the first `status` (on
  /// accept, or once an `auth` message opens listening).
  void welcome();
  void read();
  void onRead(beast::error_code ec, std::size_t);
  void handleText(const std::string& text);
  /// Strand: a {"type":"auth","token":..} message; false when `text` is not one.
  bool handleAuth(const std::string& text);
  /// A message type from ServerHooks::extraMessages; false when `text` is none of them.
  bool handleExtra(const std::string& text, const nlohmann::json& reqId);
  void subscribe(const control::SubscribeRequest& r, const nlohmann::json& reqId);
  void clientReport(const control::ClientReportRequest& r, const nlohmann::json& reqId);
  void midi(const control::MidiRequest& r, const nlohmann::json& reqId);
  void drainEvents();
  /// Marks an asynchronous write as started and makes sure the stall watchdog
  /// runs (it stops itself once nothing is being written).
  void startWrite();
  void armWatchdog();
  void drop();
  void finish();

  // Delivery (ws_session.cpp, "audio delivery" section).
  /// Strand, after audio_ is (re)created: `batchMs` > 0 opts this listener into
  /// one binary message per ~batchMs of audio (concatenated AUR1 frames).
  /// Batches the audio stream; returns the batch in force in ms (whole frames,
  /// at most the send queue), 0 for one frame per message.
  int setAudioBatch(int batchMs);
  void pumpAudio();
  void sendJson(const nlohmann::json& j);
  void enqueue(Outgoing out);
  /// Strand: writes queued messages until one must wait for the socket (then
  /// writing_ is set and a completion handler continues), pulling audio again when
  /// it had to leave frames behind.
  void flush();
  /// Strand: starts writing queue_.front(); completes it at once when the socket
  /// takes a raw audio message whole.
  void writeFront();
  /// Strand: queue_.front() has been written.
  void completeFront(std::size_t payloadBytes);
  void onWrite(beast::error_code ec, std::size_t);
  void onRawWrite(beast::error_code ec, std::size_t);
  // The fan-out (ws_session.cpp, "audio delivery").
  /// Strand: (re)joins the fan-out group of the current stream and batch.
  void joinFanOut();
  /// Strand: leaves the fan-out (after taking the socket back).
  void leaveFanOut();
  /// Strand: gives the socket to the fan-out when caught up on a batch boundary
  /// with nothing queued.
  void tryFanOut();
  /// Strand: takes the socket back; a message the fan-out left half-sent goes to
  /// the front of the queue. False when the peer is gone (the session dropped).
  bool takeSocketBack();
  /// Strand: the fan-out handed the socket back (full socket, missed batch).
  void onHandback();

  Server::Impl& server_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  asio::steady_timer timer_;
  control::TokenBucket bucket_;
  bool authorized_;
  bool listening_;              // may subscribe and get status (see AccessPolicy)
  std::shared_ptr<void> slot_;  // the per-IP connection slot (released with the session)
  std::shared_ptr<control::Subscription> events_;
  std::shared_ptr<stream::AudioSubscriber> audio_;
  std::deque<Outgoing> queue_;
  std::size_t queuedAudio_ = 0;
  std::size_t queuedText_ = 0;            // text messages in queue_
  std::size_t batchFrames_ = 1;           // AUR1 frames per binary message
  bool audioStalled_ = false;             // frames may wait: pull again after a write
  std::vector<stream::FramePtr> pulled_;  // pumpAudio's scratch, reused
  std::size_t rawSent_ = 0;               // bytes of queue_.front()'s raw message sent
  bool writing_ = false;                  // an asynchronous write is in flight
  bool watchdogArmed_ = false;            // timer_ waits to check for a stalled write
  bool flushing_ = false;                 // inside flush(): enqueue does not recurse
  bool closeAfterWrite_ = false;          // shutdown() waits for a raw message to finish
  FanOutSlotPtr fanSlot_;                 // this listener's fan-out slot, if any
  bool fanFast_ = false;                  // the fan-out owns the socket's audio writes
  bool closing_ = false;
  bool finished_ = false;
  bool counted_ = false;
  Clock::time_point writeStarted_{};
  std::string room_;            // "" until a subscribe names one
  int tier_ = -1;               // index into control::clientTiers(), -1 before a report
  std::int64_t underruns_ = 0;  // the last cumulative count the client reported
};

// ---------------------------------------------------------------------------
// HTTP session: reads requests with size limits and a timeout, routes them, and
// hands /ws upgrades to a WsSession.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  /// `slot`: the per-IP slot this connection holds; nullopt: over the per-IP
  /// limit, so the first request is answered 503 and the connection closed.
  HttpSession(Server::Impl& server, tcp::socket&& socket,
              std::optional<std::shared_ptr<void>> slot = std::shared_ptr<void>());
  /// Starts reading on the connection's strand.
  void run();

 private:
  void read();
  void onRead(beast::error_code ec, std::size_t);
  void upgrade(http::request<http::string_body>&& req, const std::string& target);
  void sendError(int status, const Error& e);
  void send(const HttpResponse& r, bool keepAlive, unsigned version, bool head);
  void sendFile(const HttpResponse& r, bool keepAlive, unsigned version, bool head);
  void writeFilePiece(std::shared_ptr<FileTransfer> transfer, bool keepAlive);
  void close();
  // Streamed request bodies (upload_session.cpp).
  struct Upload;
  void onHeader(beast::error_code ec, std::size_t);
  void startUpload(const UploadRoute& route);
  void readUpload();
  void onUploadPiece(beast::error_code ec, std::size_t);
  void finishUpload();
  void failUpload(const Error& e);

  Server::Impl& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<Upload> upload_;  // while a body streams to an UploadSink
  std::shared_ptr<void> slot_;      // the per-IP connection slot (handed on to a WsSession)
  bool overLimit_ = false;          // over the per-IP limit: answer 503 and close
};

}  // namespace auralis::net
