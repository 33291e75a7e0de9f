// IcecastSource: pushes the broadcaster's Opus stream, muxed as Ogg/Opus, to an
// Icecast server, so that fan-out beyond one machine can ride on Icecast relays.
//
// It joins the broadcaster's Opus stream like any listener (encode once: no second
// encoder) and runs one thread of its own that owns a plain non-blocking POSIX
// socket: HTTP `PUT /mount` with Basic auth, `Content-Type: audio/ogg` and ice-*
// headers, then the Ogg pages. When Icecast goes away (refused, reset, a write
// error, the peer closing) it reconnects with exponential backoff and starts a
// new logical Ogg stream: a new serial, the OpusHead/OpusTags headers again.
//
// Queues and threads
//   stream thread -> broadcaster window (bounded ring, 10 s) -> this thread: the
//   stream thread only stores a pointer and pokes a condition variable; it never
//   waits for this thread or the network.
//   this thread -> socket: a bounded byte queue (`queueBytes`); a packet that does
//   not fit is dropped and counted (the Ogg granules stay continuous because a
//   dropped packet is never muxed). While disconnected, packets are discarded
//   (not counted: there is nobody to drop them for).
//
// Thread rules: create/start/stop from one control thread; the counters may be
// read from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.hpp"
#include "stream/broadcaster.hpp"

namespace auralis::stream {

/// The parts of an `http://host:port/mount` URL the source needs.
struct IcecastUrl {
  std::string host;
  std::uint16_t port = 8000;
  std::string mount;  // starts with '/'
};

/// Any thread. Parses `http://host[:port]/mount`; errors name `icecast.url`.
Result<IcecastUrl> parseIcecastUrl(const std::string& url);

struct IcecastConfig {
  std::string url;
  std::string user = "source";
  std::string password;
  std::string name = "Auralis";
  std::string description = "A generative ensemble";
  std::string genre = "generative";
  int bitrateKbps = 128;
  /// Bytes waiting for the socket before packets are dropped (~16 s at 128 kb/s).
  std::size_t queueBytes = 256 * 1024;
  /// Reconnect backoff: first wait, doubled per failure up to the maximum.
  double minBackoffSeconds = 0.25;
  double maxBackoffSeconds = 5.0;
  /// Connect + response deadline per attempt.
  double connectTimeoutSeconds = 5.0;
  int packetsPerPage = 5;
};

class IcecastSource {
 public:
  /// Control thread. Validates the URL; fails when the broadcaster has no Opus.
  static Result<std::unique_ptr<IcecastSource>> create(Broadcaster& broadcaster,
                                                       const IcecastConfig& config);
  ~IcecastSource();
  IcecastSource(const IcecastSource&) = delete;
  IcecastSource& operator=(const IcecastSource&) = delete;

  /// Control thread. Starts the source thread (it connects at once).
  void start();
  /// Control thread. Stops and joins the thread; closes the connection.
  void stop();

  /// Any thread.
  bool connected() const { return connected_.load(std::memory_order_relaxed); }
  /// Successful connections after the first one (each after a loss or failure).
  std::uint64_t reconnects() const { return reconnects_.load(std::memory_order_relaxed); }
  /// Connection attempts that failed (refused, timeout, rejected by the server).
  std::uint64_t failedAttempts() const { return failures_.load(std::memory_order_relaxed); }
  /// Bytes written to Icecast sockets, request headers included.
  std::uint64_t bytesSent() const { return bytesSent_.load(std::memory_order_relaxed); }
  /// Opus packets dropped because the send queue was full (or the broadcaster
  /// skipped this source ahead).
  std::uint64_t droppedPackets() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  IcecastSource(Broadcaster& broadcaster, IcecastConfig config, IcecastUrl url);
  void run();

  Broadcaster& broadcaster_;
  const IcecastConfig config_;
  const IcecastUrl url_;
  std::thread thread_;
  std::mutex wakeMutex_;
  std::condition_variable wakeCv_;
  std::atomic<bool> running_{false};
  std::atomic<bool> connected_{false};
  std::atomic<std::uint64_t> reconnects_{0};
  std::atomic<std::uint64_t> failures_{0};
  std::atomic<std::uint64_t> bytesSent_{0};
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace auralis::stream
