// The Icecast source against a fake Icecast written here: a loopback listener that
// checks the PUT request, answers like Icecast 2.4 and reads the Ogg pages; then
// it hangs up and the source must come back with a new logical stream.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <numbers>
#include <string>
#include <thread>
#include <vector>

#include "stream/broadcaster.hpp"
#include "stream/icecast_source.hpp"

using namespace auralis::stream;
using namespace std::chrono_literals;

TEST_CASE("icecast url: host, port and mount, bad ones name the key") {
  auto u = parseIcecastUrl("http://127.0.0.1:8001/auralis.opus");
  REQUIRE(u.ok());
  CHECK(u.value().host == "127.0.0.1");
  CHECK(u.value().port == 8001);
  CHECK(u.value().mount == "/auralis.opus");
  auto d = parseIcecastUrl("http://stream.example/live");
  REQUIRE(d.ok());
  CHECK(d.value().port == 8000);
  for (const char* bad :
       {"https://h/m", "http://h", "http://h/", "http://h:0/m", "http://h:99999/m", "http://h:x/m",
        "http://u:p@h/m", "ftp://h/m", "http://h/a b"}) {
    auto r = parseIcecastUrl(bad);
    CHECK_FALSE(r.ok());
    if (!r.ok()) CHECK(r.error().field == "icecast.url");
  }
}

namespace {

struct Listener {
  int fd = -1;
  std::uint16_t port = 0;
  Listener() {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(listen(fd, 4) == 0);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~Listener() { close(fd); }
  /// Accepts one connection within `timeout`; -1 if none came.
  int accept(std::chrono::milliseconds timeout) const {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return -1;
    return ::accept(fd, nullptr, nullptr);
  }
};

/// Reads until `want` bytes arrived or the deadline passed.
std::string readAtLeast(int fd, std::size_t want, std::chrono::milliseconds timeout) {
  std::string got;
  const auto end = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  while (got.size() < want && std::chrono::steady_clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got;
}

std::uint32_t serialOfFirstPage(const std::string& body) {
  REQUIRE(body.size() >= 27);
  REQUIRE(body.compare(0, 4, "OggS") == 0);
  std::uint32_t s = 0;
  for (int i = 3; i >= 0; --i) s = (s << 8) | static_cast<unsigned char>(body[14 + i]);
  return s;
}

}  // namespace

TEST_CASE("icecast source: PUT with auth and ice headers, Ogg/Opus, reconnect with a new stream") {
  BroadcasterConfig bc;
  bc.pcm16 = false;
  auto created = Broadcaster::create(bc);
  REQUIRE(created.ok());
  Broadcaster& b = *created.value();
  Listener server;
  IcecastConfig ic;
  ic.url = "http://127.0.0.1:" + std::to_string(server.port) + "/auralis.opus";
  ic.password = "hackme";
  ic.name = "Test Stream";
  ic.minBackoffSeconds = 0.05;
  ic.maxBackoffSeconds = 0.2;
  auto source = IcecastSource::create(b, ic);
  REQUIRE(source.ok());
  source.value()->start();

  std::atomic<bool> feeding{true};
  std::thread feeder([&] {  // 10 ms blocks of a sine, a little faster than real time
    std::vector<float> block(2 * 480);
    std::int64_t pos = 0;
    while (feeding) {
      for (int i = 0; i < 480; ++i) {
        const auto v = static_cast<float>(0.3 * std::sin(2.0 * std::numbers::pi * 220.0 *
                                                         static_cast<double>(pos + i) / 48000.0));
        block[2 * i] = v;
        block[2 * i + 1] = v;
      }
      b.feed(block.data(), 480, pos);
      pos += 480;
      std::this_thread::sleep_for(5ms);
    }
  });

  std::uint32_t firstSerial = 0;
  for (int round = 0; round < 2; ++round) {
    const int c = server.accept(10s);
    REQUIRE(c >= 0);
    std::string req = readAtLeast(c, 1, 5s);
    while (req.find("\r\n\r\n") == std::string::npos) {
      const std::string more = readAtLeast(c, 1, 2s);
      REQUIRE_FALSE(more.empty());
      req += more;
    }
    CHECK(req.rfind("PUT /auralis.opus HTTP/1.1\r\n", 0) == 0);
    CHECK(req.find("Authorization: Basic c291cmNlOmhhY2ttZQ==\r\n") != std::string::npos);
    CHECK(req.find("Content-Type: audio/ogg\r\n") != std::string::npos);
    CHECK(req.find("Ice-Name: Test Stream\r\n") != std::string::npos);
    const std::string ok = round == 0 ? "HTTP/1.1 100 Continue\r\nContent-Length: 0\r\n\r\n"
                                      : "HTTP/1.0 200 OK\r\n\r\n";
    REQUIRE(send(c, ok.data(), ok.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(ok.size()));
    const std::string body = req.substr(req.find("\r\n\r\n") + 4) + readAtLeast(c, 4000, 10s);
    REQUIRE(body.size() >= 4000);
    CHECK(body.find("OpusHead") != std::string::npos);
    CHECK(body.find("OpusTags") != std::string::npos);
    const std::uint32_t serial = serialOfFirstPage(body);
    if (round == 0) {
      firstSerial = serial;
      CHECK(source.value()->connected());
      CHECK(source.value()->reconnects() == 0);
    } else {
      CHECK(serial != firstSerial);  // a new logical stream after the reconnect
      CHECK(source.value()->reconnects() == 1);
    }
    close(c);  // Icecast "goes away"
  }
  CHECK(source.value()->bytesSent() > 8000);
  source.value()->stop();
  CHECK_FALSE(source.value()->connected());
  feeding = false;
  feeder.join();
}

TEST_CASE("icecast source: refused connections are counted and retried, never fatal") {
  BroadcasterConfig bc;
  bc.pcm16 = false;
  auto created = Broadcaster::create(bc);
  REQUIRE(created.ok());
  std::uint16_t port = 0;
  {
    Listener closedSoon;  // a port that was free a moment ago: connect is refused
    port = closedSoon.port;
  }
  IcecastConfig ic;
  ic.url = "http://127.0.0.1:" + std::to_string(port) + "/m";
  ic.minBackoffSeconds = 0.02;
  ic.maxBackoffSeconds = 0.05;
  auto source = IcecastSource::create(*created.value(), ic);
  REQUIRE(source.ok());
  source.value()->start();
  const auto end = std::chrono::steady_clock::now() + 10s;
  while (source.value()->failedAttempts() < 3 && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(10ms);
  CHECK(source.value()->failedAttempts() >= 3);
  CHECK_FALSE(source.value()->connected());
  source.value()->stop();
}

TEST_CASE("icecast source: needs the Opus stream") {
  BroadcasterConfig bc;
  bc.opus = false;
  auto created = Broadcaster::create(bc);
  REQUIRE(created.ok());
  IcecastConfig ic;
  ic.url = "http://127.0.0.1:8001/m";
  CHECK_FALSE(IcecastSource::create(*created.value(), ic).ok());
}
