// net::Server: HTTP and WebSocket on one port (Boost.Beast over Asio, kept out of
// this header), run by a small io_context thread pool.
//
// Each WebSocket client has its own strand and a bounded send queue; audio is
// pulled from the Broadcaster only when that queue has room, and the Broadcaster's
// skip policy handles a client that falls behind. A client whose write stalls for
// `stalledWriteTimeout`, whose queue overflows, or that the Broadcaster closes is
// dropped (counted). Nothing a client does can block another or the stream thread.
//
// Thread rules: start()/stop() from one owner thread (the app's main thread);
// the counters are readable from any thread (the metrics scrape).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "control/controller.hpp"
#include "control/event_bus.hpp"
#include "control/midi_request.hpp"
#include "core/result.hpp"
#include "net/router.hpp"
#include "net/socket_batch.hpp"
#include "net/upload_route.hpp"
#include "stream/broadcaster.hpp"

namespace auralis::net {

struct ServerConfig {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 8000;  // 0 picks a free port (tests); see Server::port()
  int threads = 2;
  int maxClients = 64;  // WebSocket clients; one more gets HTTP 503
  std::filesystem::path webRoot = "web";
  std::size_t maxMessageBytes = 64 * 1024;  // larger WebSocket message: close 1009
  std::size_t maxHeaderBytes = 16 * 1024;
  std::size_t maxBodyBytes = 1024 * 1024;
  std::chrono::seconds idleTimeout{60};  // Beast pings at half of it (30 s)
  std::chrono::seconds handshakeTimeout{15};
  std::chrono::seconds requestTimeout{15};  // slow HTTP requests are cut off
  std::chrono::seconds stalledWriteTimeout{15};
  double controlRatePerSecond = 20.0;  // per client token bucket
  double controlBurst = 40.0;
  std::size_t sendQueueMessages = 512;  // text messages queued per client
  std::size_t audioQueueFrames = 8;     // audio frames queued per client
  std::size_t eventQueue = 256;         // bus events queued per client
  /// Listeners that keep up get audio from one fan-out pass per batch
  /// (ws_fanout.hpp); false: every session writes its own (for comparisons).
  bool fanOut = true;
  /// How the fan-out writes a batch: Auto (io_uring where the kernel allows
  /// it, else one send() per listener), or one of the two forced (tests).
  SocketBatch::Backend fanOutSender = SocketBatch::Backend::Auto;
  /// CPUs the io threads keep to (server.cpus); empty: wherever the scheduler likes.
  std::vector<int> cpus;
  /// SO_SNDBUF of WebSocket sockets; 0 keeps the kernel's autotuning (tests set
  /// it small to make a slow reader fill its socket quickly).
  int sendBufferBytes = 0;
  /// When non-empty, control needs the token ("Authorization: Bearer T" or
  /// "?token=T" on the WebSocket upgrade).
  std::string controlToken;
  // Access and abuse limits (net/access.hpp, docs/security.md).
  std::string listenToken;                       // non-empty: listening needs it (or controlToken)
  bool protectListening = false;                 // listening needs a token even without listenToken
  std::vector<std::string> allowedOrigins;       // besides the server's own; "*" any
  int maxConnectionsPerIp = 32;                  // TCP connections (HTTP and WebSocket) per address
  bool limitLoopbackConnections = false;         // loopback peers (nginx, the host) are exempt
  std::chrono::seconds headerTimeout{10};        // request headers, and idle keep-alive
  std::uint64_t uploadMinBytesPerSecond = 1024;  // after requestTimeout; 0: no minimum
};

/// What clients said in `client_report` messages, summed for /metrics. Written
/// on the io threads, read by the metrics scrape (any thread); relaxed atomics,
/// so a scrape may see a histogram count one report ahead of its sum.
struct ClientReportStats {
  /// Upper bounds (seconds) of the reported-buffer-depth histogram; +Inf follows.
  static constexpr std::array<double, 10> kBufferBounds = {0.02, 0.05, 0.1, 0.2, 0.3,
                                                           0.5,  1.0,  2.0, 5.0, 10.0};
  /// Sum of the underrun increments clients reported.
  std::atomic<std::uint64_t> underruns{0};
  /// Non-cumulative bucket counts; the last one is +Inf.
  std::array<std::atomic<std::uint64_t>, kBufferBounds.size() + 1> bufferCounts{};
  /// Sum of reported depths in microseconds (integers keep it an atomic add).
  std::atomic<std::uint64_t> bufferSumMicros{0};
  /// Clients currently in each tier, indexed like control::clientTiers().
  std::array<std::atomic<std::int64_t>, 4> tiers{};
};

/// What the server wrote to WebSocket clients, counted when a write completes
/// (one message at a time, on the io threads); relaxed atomics for /metrics.
struct SendStats {
  /// WebSocket message payload bytes written (text and binary).
  std::atomic<std::uint64_t> bytes{0};
  /// AUR1 audio frames written, by codec (a batched message counts each frame).
  std::atomic<std::uint64_t> pcm16Frames{0};
  std::atomic<std::uint64_t> opusFrames{0};

  /// Io thread: one completed write of `bytes`, holding `frames` frames of `codec`.
  void countWrite(std::size_t written, stream::Codec codec, std::size_t frames) noexcept {
    bytes.fetch_add(written, std::memory_order_relaxed);
    auto& f = codec == stream::Codec::Opus ? opusFrames : pcm16Frames;
    f.fetch_add(frames, std::memory_order_relaxed);
  }
};

struct ServerHooks {
  control::Controller* controller = nullptr;
  stream::Broadcaster* broadcaster = nullptr;  // may be null: audio "off" only
  control::EventBus* bus = nullptr;
  std::function<std::string()> prometheusText;
  std::function<nlohmann::json()> metricsJson;
  /// Endpoints added by features (see RouterHooks::extraRoutes).
  std::vector<ExtraRoute> extraRoutes;
  /// Requests whose bodies stream to disk (POST /upload); see upload_route.hpp.
  std::vector<UploadRoute> uploadRoutes;
  /// Message types the app serves itself (`playback`), by type: called on an io
  /// thread with the parsed message once the client passed the control token and
  /// rate limit; returns the reply (the caller echoes reqId). Must not block for long.
  std::map<std::string, std::function<nlohmann::json(const nlohmann::json& message)>> extraMessages;
  /// The engine's sample clock now (the newest rendered frame), for `pong`;
  /// any io thread, must be cheap (an atomic load). Null: pong omits it.
  std::function<std::int64_t()> samplePosition;
  /// The engine's sample rate, reported in `pong` with samplePosition.
  double sampleRate = 48000.0;
  /// The program version reported in `status`.
  std::string version;
  /// MIDI from the page (the `midi` message, already validated): returns how
  /// many events were taken. Called on an io thread; must not block. Null: the
  /// message is refused.
  std::function<Result<std::size_t>(const control::MidiRequest&)> midiIn;
};

class Server {
 public:
  Server(ServerConfig config, ServerHooks hooks);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Owner thread. Binds and starts the io threads; an error names the address.
  Status start();
  /// Owner thread. Closes WebSockets with 1001, stops the io threads, joins them.
  void stop();

  /// The bound port (useful with port 0).
  std::uint16_t port() const;
  /// Any thread.
  std::size_t clients() const;
  std::uint64_t droppedClients() const;
  std::uint64_t rejectedClients() const;
  /// Any thread: the client_report aggregates.
  const ClientReportStats& clientReports() const;
  /// Any thread: bytes and audio frames written to WebSocket clients.
  const SendStats& sendStats() const;
  /// Any thread: audio messages the fan-out pass sent whole, and listeners it
  /// handed back to their own session (full socket or missed batch).
  std::uint64_t fanOutSends() const;
  /// Any thread: whether the fan-out sends through io_uring; if not, why.
  bool fanOutUsesIoUring() const;
  std::string fanOutFallbackReason() const;
  std::uint64_t fanOutHandbacks() const;
  /// Text messages written by sessions through the fan-out's socket (no hand-back).
  std::uint64_t fanOutTextSends() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace auralis::net
