#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "control/event_bus.hpp"
#include "fake_controller.hpp"
#include "net/ipc_lines.hpp"

using auralis::net::LineAssembler;

namespace {

struct Collected {
  std::vector<std::string> lines;
  int tooLarge = 0;
};

void feedAll(LineAssembler& a, const std::string& bytes, std::size_t chunk, Collected& out) {
  for (std::size_t i = 0; i < bytes.size(); i += chunk) {
    a.feed(
        std::string_view(bytes).substr(i, chunk),
        [&](std::string_view line) { out.lines.emplace_back(line); }, [&] { ++out.tooLarge; });
  }
}

}  // namespace

TEST_CASE("ipc lines: split anywhere, CR stripped, blank lines ignored") {
  const std::string bytes = "{\"a\":1}\r\n  \t\n\n{\"b\":2}\npartial";
  for (std::size_t chunk : {1u, 2u, 5u, 100u}) {
    LineAssembler a(64);
    Collected c;
    feedAll(a, bytes, chunk, c);
    REQUIRE(c.lines.size() == 2);
    CHECK(c.lines[0] == "{\"a\":1}");
    CHECK(c.lines[1] == "{\"b\":2}");
    CHECK(c.tooLarge == 0);
    CHECK(a.pending() == std::string("partial").size());
  }
}

TEST_CASE("ipc lines: an over-long line is reported once and skipped to its newline") {
  const std::string bytes =
      std::string(50, 'x') + "\n" + "ok\n" + std::string(30, 'y') + "\nafter\n";
  for (std::size_t chunk : {1u, 7u, 200u}) {
    LineAssembler a(20);
    Collected c;
    feedAll(a, bytes, chunk, c);
    CHECK(c.tooLarge == 2);
    REQUIRE(c.lines.size() == 2);
    CHECK(c.lines[0] == "ok");
    CHECK(c.lines[1] == "after");
    CHECK(a.pending() == 0);
  }
}

TEST_CASE("ipc lines: handleIpcLine answers every line with one JSON line") {
  FakeController controller;
  auralis::control::EventBus bus;
  auralis::net::IpcHooks hooks;
  hooks.controller = &controller;
  hooks.bus = &bus;
  std::shared_ptr<auralis::control::Subscription> events;
  const auto ask = [&](std::string_view text) {
    const std::string reply = auralis::net::handleIpcLine(hooks, events, text, [] {});
    REQUIRE(!reply.empty());
    CHECK(reply.back() == '\n');
    return nlohmann::json::parse(reply);
  };
  CHECK(ask(R"({"type":"ping","reqId":3})")["reqId"] == 3);
  CHECK(ask("not json")["code"] == "bad_json");
  CHECK(ask(R"({"type":"control","params":{"bpm":500}})")["field"] == "bpm");
  CHECK(ask(R"({"type":"subscribe","telemetry":["meters"]})")["type"] == "subscribed");
  CHECK(events != nullptr);
  CHECK(ask(R"({"type":"subscribe","audio":"opus"})")["field"] == "audio");
}
