// In-process: a real net::Server on 127.0.0.1, a fake Controller, a Broadcaster
// fed with a sine, and Beast clients speaking WebSocket and HTTP to it.
#pragma GCC diagnostic ignored "-Wnull-dereference"  // Asio, see src/net/server.cpp

#include <doctest/doctest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <atomic>
#include <cmath>
#include <numbers>
#include <thread>

#include "control/event_bus.hpp"
#include "fake_controller.hpp"
#include "net/server.hpp"
#include "stream/broadcaster.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using nlohmann::json;

namespace {

struct Harness {
  FakeController controller;
  auralis::control::EventBus bus;
  std::unique_ptr<auralis::stream::Broadcaster> broadcaster;
  std::unique_ptr<auralis::net::Server> server;
  std::atomic<bool> feeding{true};
  std::thread feeder;

  explicit Harness(int maxClients = 8) {
    auralis::stream::BroadcasterConfig bc;
    broadcaster = auralis::stream::Broadcaster::create(bc).value();
    auralis::net::ServerConfig cfg;
    cfg.port = 0;
    cfg.maxClients = maxClients;
    cfg.webRoot = "/nonexistent";
    auralis::net::ServerHooks hooks;
    hooks.controller = &controller;
    hooks.broadcaster = broadcaster.get();
    hooks.bus = &bus;
    hooks.prometheusText = [] { return std::string("auralis_ws_clients 0\n"); };
    hooks.metricsJson = [] { return json::object(); };
    hooks.samplePosition = [] { return std::int64_t{123456}; };
    server = std::make_unique<auralis::net::Server>(cfg, hooks);
    REQUIRE(server->start().ok());
    feeder = std::thread([this] {
      std::vector<float> block(2 * 480);
      std::int64_t pos = 0;
      while (feeding.load()) {  // 10 ms blocks at real time
        for (int i = 0; i < 480; ++i) {
          const auto v = static_cast<float>(0.3 * std::sin(2.0 * std::numbers::pi * 440.0 *
                                                           static_cast<double>(pos + i) / 48000.0));
          block[2 * i] = v;
          block[2 * i + 1] = v;
        }
        broadcaster->feed(block.data(), 480, pos);
        pos += 480;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
  }
  ~Harness() {
    feeding = false;
    feeder.join();
    server->stop();
  }
};

struct Client {
  asio::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  explicit Client(std::uint16_t port) {
    tcp::resolver resolver(ioc);
    asio::connect(ws.next_layer(), resolver.resolve("127.0.0.1", std::to_string(port)));
    ws.handshake("127.0.0.1", "/ws");
  }
  void send(const std::string& text) {
    ws.text(true);
    ws.write(asio::buffer(text));
  }
  // The next text message of `type` (binary frames and other types skipped).
  json expect(const std::string& type) {
    for (int i = 0; i < 500; ++i) {
      beast::flat_buffer buf;
      ws.read(buf);
      if (!ws.got_text()) continue;
      json j = json::parse(beast::buffers_to_string(buf.data()));
      if (j["type"] == type) return j;
    }
    FAIL("no message of type " << type);
    return {};
  }
  // The close code the server sends after `text` (or 0 when none arrived).
  int closeCodeAfter(const std::string& text) {
    send(text);
    beast::flat_buffer buf;
    beast::error_code ec;
    for (int i = 0; i < 1000 && !ec; ++i) {
      buf.clear();
      ws.read(buf, ec);
    }
    // Beast records the peer's close frame even when its own reply then fails
    // (the server may already have shut the socket: broken pipe).
    return ec ? static_cast<int>(ws.reason().code) : 0;
  }
};

}  // namespace

TEST_CASE("websocket: every message type, every error case, audio frames in order") {
  Harness h;
  Client c(h.server->port());
  CHECK(c.expect("status")["params"]["bpm"] == 90.0);
  CHECK(h.server->clients() == 1);

  c.send(R"({"type":"ping","reqId":"p1"})");
  CHECK(c.expect("pong")["reqId"] == "p1");
  c.send(R"({"type":"status_request","reqId":7})");
  auto st = c.expect("status");
  CHECK(st["reqId"] == 7);
  CHECK(st["server"]["clients"] == 1);

  c.send(R"({"type":"control","reqId":"c1","params":{"bpm":100,"key":"A minor"}})");
  auto ack = c.expect("ack");
  CHECK(ack["reqId"] == "c1");
  CHECK(ack["applied"]["bpm"] == 100.0);
  CHECK(c.expect("status")["params"]["bpm"] == 100.0);  // broadcast to everyone

  c.send("{");
  CHECK(c.expect("error")["code"] == "bad_json");
  c.send(R"({"type":"dance","reqId":12345678901234})");
  auto unk = c.expect("error");
  CHECK(unk["code"] == "unknown_type");
  CHECK(unk["reqId"] == 12345678901234);
  c.send(R"({"type":"control","reqId":"c2","params":{"bpm":"fast","intensity":0.2}})");
  auto inv = c.expect("error");
  CHECK(inv["code"] == "invalid_param");
  CHECK(inv["field"] == "bpm");
  CHECK(inv["reqId"] == "c2");
  c.send(R"({"type":"control","params":{"tempo":1}})");
  CHECK(c.expect("error")["code"] == "unknown_param");
  CHECK(h.controller.current().intensity == doctest::Approx(0.5));  // all or nothing

  c.send(R"({"type":"subscribe","reqId":"s","audio":"pcm16","telemetry":["meters"]})");
  auto sub = c.expect("subscribed");
  CHECK(sub["audio"] == "pcm16");
  std::uint64_t last = 0;
  int frames = 0;
  while (frames < 5) {
    beast::flat_buffer buf;
    c.ws.read(buf);
    if (c.ws.got_text()) continue;
    const auto* p = static_cast<const std::uint8_t*>(buf.data().data());
    auto header = auralis::stream::parseHeader(std::span<const std::uint8_t>(p, buf.size()));
    REQUIRE(header.has_value());
    CHECK(header->codec == auralis::stream::Codec::Pcm16);
    CHECK(header->sampleRate == 48000);
    CHECK(header->payloadLength == 4800 * 2 * 2);
    if (frames > 0) CHECK(header->sequence == last + 1);
    last = header->sequence;
    ++frames;
  }
  h.bus.publish("meters", {{"rms", 0.25}});
  CHECK(c.expect("meters")["rms"] == 0.25);
  c.send(R"({"type":"subscribe","audio":"opus"})");
  CHECK(c.expect("subscribed")["audio"] == "opus");

  // A message over 64 KiB closes the connection with 1009; the server survives.
  CHECK(c.closeCodeAfter(std::string(70 * 1024, ' ')) == 1009);
  Client d(h.server->port());
  d.expect("status");
  CHECK(d.closeCodeAfter("{\"type\":\"ping\",\"x\":\"\xc3\x28\"}") == 1007);
}

TEST_CASE("over the client limit the upgrade gets HTTP 503, HTTP endpoints answer") {
  Harness h(1);
  Client first(h.server->port());
  first.expect("status");
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  {
    // A raw upgrade request, so the refusal's status and body can be read.
    tcp::socket s(ioc);
    asio::connect(s, resolver.resolve("127.0.0.1", std::to_string(h.server->port())));
    http::request<http::string_body> req{http::verb::get, "/ws", 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::upgrade, "websocket");
    req.set(http::field::connection, "Upgrade");
    req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
    req.set(http::field::sec_websocket_version, "13");
    http::write(s, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(s, buf, res);
    CHECK(res.result_int() == 503);
    CHECK(json::parse(res.body())["error"]["code"] == "too_many_clients");
    CHECK(h.server->rejectedClients() == 1);
  }

  tcp::socket s(ioc);
  asio::connect(s, resolver.resolve("127.0.0.1", std::to_string(h.server->port())));
  http::request<http::string_body> req{http::verb::get, "/health", 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(s, req);
  beast::flat_buffer buf;
  http::response<http::string_body> out;
  http::read(s, buf, out);
  CHECK(out.result_int() == 200);
  CHECK(json::parse(out.body())["status"] == "ok");
}

TEST_CASE("client_report feeds the aggregates, pong carries the sample clock, rooms are counted") {
  Harness h;
  const auto& stats = h.server->clientReports();
  {
    Client c(h.server->port());
    c.expect("status");
    const std::string report =
        R"({"type":"client_report","reqId":9,"tier":"stable","pinned":false,"bufferMs":150,)"
        R"("jitterMs":3,"underruns":UNDER,"latencyMs":200,"codec":"opus","room":"hall"})";
    auto withUnderruns = [&](int n) {
      std::string r = report;
      r.replace(r.find("UNDER"), 5, std::to_string(n));
      return r;
    };
    c.send(withUnderruns(2));
    CHECK(c.expect("ack")["reqId"] == 9);
    c.send(withUnderruns(5));  // cumulative: +3
    c.expect("ack");
    c.send(withUnderruns(1));  // a reload restarted the page's count: no increment
    c.expect("ack");
    CHECK(stats.underruns.load() == 5);
    CHECK(stats.tiers[2].load() == 1);  // "stable"
    std::uint64_t reports = 0;
    for (const auto& b : stats.bufferCounts) reports += b.load();
    CHECK(reports == 3);
    CHECK(stats.bufferCounts[3].load() == 3);  // 0.15 s is in (0.1, 0.2]
    c.send(R"({"type":"status_request","reqId":"s"})");
    auto st = c.expect("status");
    CHECK(st["rooms"]["hall"] == 1);
    c.send(R"({"type":"subscribe","room":"yard"})");
    CHECK(c.expect("subscribed")["room"] == "yard");
    c.send(R"({"type":"status_request"})");
    st = c.expect("status");
    CHECK(st["rooms"].size() == 1);
    CHECK(st["rooms"]["yard"] == 1);
    c.send(R"({"type":"ping","reqId":1})");
    auto pong = c.expect("pong");
    CHECK(pong["samplePosition"] == 123456);
    CHECK(pong["sampleRate"] == 48000.0);
    CHECK(pong["serverTime"].is_number());
    c.send(R"({"type":"client_report","tier":"warp"})");
    auto err = c.expect("error");
    CHECK(err["code"] == "invalid_param");
    CHECK(err["field"] == "tier");
    c.ws.close(websocket::close_code::normal);
  }
  // The tier gauge follows the client out.
  for (int i = 0; i < 200 && stats.tiers[2].load() != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(stats.tiers[2].load() == 0);
}
