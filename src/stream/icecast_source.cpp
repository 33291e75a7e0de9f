#include "stream/icecast_source.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <random>
#include <vector>

#include "core/thread_name.hpp"
#include "stream/ogg_opus_muxer.hpp"

namespace auralis::stream {

namespace {

using Clock = std::chrono::steady_clock;

std::string base64(const std::string& in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const auto n = (static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << 16) |
                   (static_cast<std::uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8) |
                   static_cast<unsigned char>(in[i + 2]);
    for (int k = 3; k >= 0; --k) out.push_back(kAlphabet[(n >> (6 * k)) & 63]);
  }
  if (i < in.size()) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << 16;
    if (i + 1 < in.size())
      n |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

/// Header values must stay on one line: a CR or LF in the configuration would
/// otherwise let it inject headers.
std::string oneLine(std::string s) {
  std::replace_if(
      s.begin(), s.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  return s;
}

/// Opens a non-blocking TCP socket and starts connecting; -1 on failure.
int startConnect(const IcecastUrl& url) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(url.port);
  if (getaddrinfo(url.host.c_str(), port.c_str(), &hints, &found) != 0 || found == nullptr)
    return -1;
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  return fd;
}

enum class Phase { Idle, Connecting, Handshake, Streaming };

}  // namespace

Result<IcecastUrl> parseIcecastUrl(const std::string& url) {
  const std::string scheme = "http://";
  auto bad = [&](const std::string& why) {
    return makeError("invalid_config", "icecast.url = " + url + ": " + why, "icecast.url");
  };
  if (url.rfind(scheme, 0) != 0) return bad("expected http://host[:port]/mount");
  const std::string rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  if (slash == std::string::npos || slash + 1 >= rest.size()) return bad("no mount point");
  IcecastUrl u;
  u.mount = rest.substr(slash);
  if (u.mount.find_first_of(" \r\n?#") != std::string::npos) return bad("bad mount point");
  std::string hostPort = rest.substr(0, slash);
  const auto colon = hostPort.rfind(':');
  if (colon != std::string::npos && hostPort.find(']') == std::string::npos) {
    unsigned port = 0;
    const char* b = hostPort.data() + colon + 1;
    const char* e = hostPort.data() + hostPort.size();
    if (auto [p, ec] = std::from_chars(b, e, port);
        ec != std::errc{} || p != e || port == 0 || port > 65535)
      return bad("bad port");
    u.port = static_cast<std::uint16_t>(port);
    hostPort.resize(colon);
  }
  if (hostPort.empty() || hostPort.find('@') != std::string::npos) return bad("bad host");
  u.host = hostPort;
  return u;
}

Result<std::unique_ptr<IcecastSource>> IcecastSource::create(Broadcaster& broadcaster,
                                                             const IcecastConfig& config) {
  auto url = parseIcecastUrl(config.url);
  if (!url) return url.error();
  if (!broadcaster.hasCodec(Codec::Opus))
    return makeError("invalid_config", "icecast needs the Opus stream (48 kHz)", "icecast.url");
  return std::unique_ptr<IcecastSource>(new IcecastSource(broadcaster, config, url.value()));
}

IcecastSource::IcecastSource(Broadcaster& broadcaster, IcecastConfig config, IcecastUrl url)
    : broadcaster_(broadcaster), config_(std::move(config)), url_(std::move(url)) {}

IcecastSource::~IcecastSource() {
  stop();
}

void IcecastSource::start() {
  if (running_.exchange(true)) return;
  thread_ = std::thread([this] {
    core::nameThisThread("au-icecast");
    run();
  });
}

void IcecastSource::stop() {
  {
    std::lock_guard lock(wakeMutex_);
    running_ = false;
  }
  wakeCv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void IcecastSource::run() {
  std::shared_ptr<AudioSubscriber> sub = broadcaster_.subscribe(Codec::Opus, std::nullopt);
  const int rate = static_cast<int>(broadcaster_.config().sampleRate);
  OggOpusOptions muxOptions;
  muxOptions.channels = broadcaster_.config().channels;
  muxOptions.inputSampleRate = static_cast<std::uint32_t>(rate);
  muxOptions.packetsPerPage = config_.packetsPerPage;
  muxOptions.comments = {"TITLE=" + config_.name, "ENCODER=auralis"};
  std::mt19937 serials{std::random_device{}()};

  Phase phase = Phase::Idle;
  int fd = -1;
  bool everConnected = false;
  auto backoff = std::chrono::duration<double>(config_.minBackoffSeconds);
  Clock::time_point nextAttempt = Clock::now();
  Clock::time_point deadline{};
  std::vector<std::uint8_t> out;  // bytes waiting for the socket
  std::size_t outOffset = 0;
  std::string response;
  std::unique_ptr<OggOpusMuxer> muxer;
  std::uint64_t expectedSeq = 0;
  std::vector<FramePtr> frames;

  auto disconnect = [&](bool wasFailure) {
    if (fd >= 0) close(fd);
    fd = -1;
    if (wasFailure) failures_.fetch_add(1, std::memory_order_relaxed);
    connected_.store(false, std::memory_order_relaxed);
    phase = Phase::Idle;
    out.clear();
    outOffset = 0;
    muxer.reset();
    nextAttempt = Clock::now() + std::chrono::duration_cast<Clock::duration>(backoff);
    backoff = std::min(backoff * 2, std::chrono::duration<double>(config_.maxBackoffSeconds));
  };
  auto beginStreaming = [&] {
    phase = Phase::Streaming;
    // A new logical stream every connection: listeners that join through a relay
    // (or a reconnecting Icecast) need the headers first.
    muxer = std::make_unique<OggOpusMuxer>(static_cast<std::uint32_t>(serials()), muxOptions);
    muxer->writeHeaders(out);
    if (everConnected) reconnects_.fetch_add(1, std::memory_order_relaxed);
    everConnected = true;
    connected_.store(true, std::memory_order_relaxed);
    backoff = std::chrono::duration<double>(config_.minBackoffSeconds);
  };

  while (running_.load(std::memory_order_relaxed)) {
    const auto now = Clock::now();
    // 1. Take what the broadcaster produced (pointers only; never waits on it).
    frames.clear();
    if (sub->closed()) sub = broadcaster_.subscribe(Codec::Opus, std::nullopt);
    sub->pull(frames, 512);
    for (const FramePtr& f : frames) {
      const std::uint64_t seq = f->header.sequence;
      if (phase == Phase::Streaming && expectedSeq != 0 && seq > expectedSeq)
        dropped_.fetch_add(seq - expectedSeq, std::memory_order_relaxed);
      expectedSeq = seq + 1;
      if (phase != Phase::Streaming) continue;
      if (out.size() - outOffset + f->payload().size() + 64 > config_.queueBytes) {
        dropped_.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      muxer->addPacket(f->payload(), f->audioFrames * 48000 / rate, out);
    }
    // 2. Advance the connection.
    if (phase == Phase::Idle) {
      if (now >= nextAttempt) {
        fd = startConnect(url_);
        if (fd < 0) {
          disconnect(true);
        } else {
          phase = Phase::Connecting;
          deadline = now + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(config_.connectTimeoutSeconds));
        }
      } else {
        std::unique_lock lock(wakeMutex_);
        wakeCv_.wait_for(
            lock, std::min<Clock::duration>(nextAttempt - now, std::chrono::milliseconds(20)));
        continue;
      }
    }
    if (phase == Phase::Connecting || phase == Phase::Handshake) {
      if (now > deadline) {
        disconnect(true);
        continue;
      }
    }
    pollfd p{fd, POLLIN, 0};
    if (phase == Phase::Connecting || out.size() > outOffset) p.events |= POLLOUT;
    // 20 ms: one Opus packet; the broadcaster is polled at this pace.
    if (poll(&p, 1, 20) < 0 && errno != EINTR) {
      disconnect(phase != Phase::Streaming);
      continue;
    }
    if (phase == Phase::Connecting && (p.revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        disconnect(true);
        continue;
      }
      phase = Phase::Handshake;
      response.clear();
      std::string req = "PUT " + url_.mount + " HTTP/1.1\r\n";
      req += "Host: " + url_.host + ":" + std::to_string(url_.port) + "\r\n";
      req += "Authorization: Basic " + base64(config_.user + ":" + config_.password) + "\r\n";
      req += "User-Agent: auralis\r\nContent-Type: audio/ogg\r\n";
      req += "Ice-Public: 0\r\nIce-Name: " + oneLine(config_.name) + "\r\n";
      req += "Ice-Description: " + oneLine(config_.description) + "\r\n";
      req += "Ice-Genre: " + oneLine(config_.genre) + "\r\n";
      req += "Ice-Bitrate: " + std::to_string(config_.bitrateKbps) + "\r\n";
      req += "Ice-Audio-Info: channels=" + std::to_string(muxOptions.channels) +
             ";samplerate=" + std::to_string(rate) + "\r\n";
      req += "Expect: 100-continue\r\n\r\n";
      out.assign(req.begin(), req.end());
      outOffset = 0;
      continue;
    }
    if ((p.revents & (POLLIN | POLLERR | POLLHUP)) != 0) {
      char buf[1024];
      const ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        disconnect(phase != Phase::Streaming);
        continue;
      }
      if (n > 0 && phase == Phase::Handshake) {
        response.append(buf, static_cast<std::size_t>(n));
        if (response.find("\r\n") != std::string::npos) {
          // "HTTP/1.x 100 Continue" or "HTTP/1.0 200 OK": Icecast accepted the source.
          const bool accepted =
              response.rfind("HTTP/1.", 0) == 0 && response.size() > 12 &&
              (response.compare(9, 3, "100") == 0 || response.compare(9, 3, "200") == 0);
          if (!accepted) {
            disconnect(true);
            continue;
          }
          beginStreaming();
        }
      }
    }
    if ((p.revents & POLLOUT) != 0 && out.size() > outOffset) {
      const ssize_t n = send(fd, out.data() + outOffset, out.size() - outOffset, MSG_NOSIGNAL);
      if (n < 0 && errno != EAGAIN && errno != EINTR) {
        disconnect(phase != Phase::Streaming);
        continue;
      }
      if (n > 0) {
        outOffset += static_cast<std::size_t>(n);
        bytesSent_.fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed);
      }
      if (outOffset == out.size()) {
        out.clear();
        outOffset = 0;
      } else if (outOffset > config_.queueBytes / 2) {
        out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(outOffset));
        outOffset = 0;
      }
    }
  }
  if (fd >= 0) close(fd);
  connected_.store(false, std::memory_order_relaxed);
}

}  // namespace auralis::stream
