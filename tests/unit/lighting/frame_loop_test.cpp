#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <thread>
#include <vector>

#include "lighting/artnet.hpp"
#include "lighting/frame_loop.hpp"

using namespace auralis::lighting;

namespace {

/// A UDP receiver on an ephemeral loopback port.
struct Receiver {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  std::uint16_t port = 0;
  Receiver() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    timeval tv{0, 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Receiver() { close(fd); }
  std::vector<std::vector<std::uint8_t>> drain(std::chrono::milliseconds span) {
    std::vector<std::vector<std::uint8_t>> out;
    const auto end = std::chrono::steady_clock::now() + span;
    while (std::chrono::steady_clock::now() < end) {
      std::vector<std::uint8_t> buf(2048);
      const auto n = recv(fd, buf.data(), buf.size(), 0);
      if (n <= 0) continue;
      buf.resize(static_cast<std::size_t>(n));
      out.push_back(std::move(buf));
    }
    return out;
  }
};

FrameLoopConfig configFor(const std::vector<std::string>& artnet,
                          const std::vector<std::string>& sacn) {
  FrameLoopConfig c;
  c.pollBind.clear();
  c.realtimePriority = false;
  for (const auto& t : artnet) c.targets.push_back(parseOutputTarget(t, Protocol::ArtNet).value());
  for (const auto& t : sacn) c.targets.push_back(parseOutputTarget(t, Protocol::Sacn).value());
  return c;
}

}  // namespace

TEST_CASE("output targets parse host, port and delay, and refuse nonsense with the accepted form") {
  auto t = parseOutputTarget("127.0.0.1:7000@40", Protocol::ArtNet);
  REQUIRE(t);
  CHECK(t.value().port == 7000);
  CHECK(t.value().delayMs == 40.0);
  auto d = parseOutputTarget("localhost", Protocol::Sacn);
  REQUIRE(d);
  CHECK(d.value().port == 5568);
  for (const char* bad : {"", ":80", "127.0.0.1:0", "127.0.0.1:99999", "127.0.0.1@-3",
                          "127.0.0.1@5000", "no.such.host.invalid"}) {
    auto r = parseOutputTarget(bad, Protocol::ArtNet);
    CHECK_FALSE(r);
    if (!r) CHECK(r.error().message.find("HOST[:PORT]") != std::string::npos);
  }
}

TEST_CASE("the frame loop sends every universe each frame with ArtSync, then a blackout on stop") {
  Receiver rx;
  auto config = configFor({"127.0.0.1:" + std::to_string(rx.port)}, {});
  config.fps = 40.0;
  std::vector<double> intervals;
  LightingFeatures lit;
  lit.level = 1.0F;
  FrameLoop loop(config, SceneRenderer(defaultPatch(3), defaultScene()), [&] { return lit; });
  loop.onInterval = [&](double s) { intervals.push_back(s); };
  REQUIRE(loop.start());
  const auto packets = rx.drain(std::chrono::milliseconds(600));
  loop.stop();
  const auto tail = rx.drain(std::chrono::milliseconds(100));

  std::map<int, std::vector<int>> sequences;  // universe -> sequence numbers
  int syncs = 0;
  for (const auto& p : packets) {
    const auto op = artnet::opCode(p);
    REQUIRE(op);
    if (*op == artnet::kOpSync) {
      ++syncs;
      continue;
    }
    REQUIRE(*op == artnet::kOpDmx);
    sequences[p[14]].push_back(p[12]);
    CHECK(p[18] > 0);  // lit: the first fixture's dimmer is on
  }
  CHECK(sequences.size() == 3);
  const auto frames = sequences[0].size();
  CHECK(frames >= 12);  // ~24 at 40 FPS; generous for a loaded VM
  CHECK(syncs >= static_cast<int>(frames) - 1);
  for (const auto& [u, seq] : sequences)
    for (std::size_t i = 1; i < seq.size(); ++i) CHECK(seq[i] == seq[i - 1] % 255 + 1);
  REQUIRE_FALSE(intervals.empty());
  CHECK(loop.stats().frames.load() >= frames);
  // Blackout: the last packets of universe 0 carry zeros.
  bool dark = false;
  for (const auto& p : tail)
    if (artnet::opCode(p) == artnet::kOpDmx && p[14] == 0) dark = p[18] == 0 && p[19] == 0;
  CHECK(dark);
}

TEST_CASE("sACN goes to its target and a delayed output lags by its delay") {
  Receiver now, later;
  auto config = configFor({}, {"127.0.0.1:" + std::to_string(now.port),
                               "127.0.0.1:" + std::to_string(later.port) + "@250"});
  std::atomic<int> frame{0};
  // The level steps up after 10 frames; the delayed output sees it ~10 frames later.
  FrameLoop loop(
      config,
      SceneRenderer(
          defaultPatch(1),
          parseScene(nlohmann::json{{"rules", {{{"attribute", "dimmer"}, {"source", "level"}}}}})
              .value()),
      [&] {
        LightingFeatures f;
        f.level = frame.fetch_add(1) >= 10 ? 1.0F : 0.0F;
        return f;
      });
  REQUIRE(loop.start());
  std::vector<std::vector<std::uint8_t>> a, b;
  std::thread t([&] { b = later.drain(std::chrono::milliseconds(900)); });
  a = now.drain(std::chrono::milliseconds(900));
  t.join();
  loop.stop();
  auto firstLit = [](const std::vector<std::vector<std::uint8_t>>& ps) {
    for (std::size_t i = 0; i < ps.size(); ++i)
      if (ps[i].size() > 126 && ps[i][126] == 255) return static_cast<int>(i);
    return -1;
  };
  const int ia = firstLit(a), ib = firstLit(b);
  REQUIRE(ia >= 0);
  REQUIRE(ib >= 0);
  CHECK(ib - ia >= 8);  // 250 ms = 10 frames at 40 FPS
  CHECK(ib - ia <= 12);
  CHECK(a.front().size() == 638);
}

TEST_CASE("ArtPoll is answered with an ArtPollReply") {
  auto config = configFor({}, {});
  config.pollBind = "127.0.0.1:0";  // any free port; read back below
  FrameLoop loop(config, SceneRenderer(defaultPatch(2), defaultScene()), {});
  REQUIRE(loop.start());
  REQUIRE(loop.stats().pollBound.load());
  REQUIRE(loop.pollPort() != 0);
  Receiver controller;
  std::vector<std::uint8_t> poll = {'A', 'r', 't', '-', 'N', 'e', 't', 0, 0x00, 0x20, 0, 14, 0, 0};
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(loop.pollPort());
  REQUIRE(sendto(controller.fd, poll.data(), poll.size(), 0, reinterpret_cast<sockaddr*>(&to),
                 sizeof to) > 0);
  const auto replies = controller.drain(std::chrono::milliseconds(400));
  loop.stop();
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].size() == artnet::kPollReplySize);
  CHECK(artnet::opCode(replies[0]) == artnet::kOpPollReply);
  CHECK(replies[0][173] == 2);  // two universes
  CHECK(loop.stats().pollReplies.load() == 1);
}
