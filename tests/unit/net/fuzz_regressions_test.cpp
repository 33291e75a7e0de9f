// Inputs libFuzzer found (fuzz/, docs/fuzzing.md), kept as regression tests; each is
// also in its target's seed corpus.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "control/event_bus.hpp"
#include "fake_controller.hpp"
#include "net/ipc_lines.hpp"
#include "net/osc_codec.hpp"

TEST_CASE("fuzz regression: OSC message whose liblo argv is only 4-byte aligned") {
  // fuzz/corpus/osc_packet/regress_misaligned_argv: under UBSan, reading liblo's
  // argument pointer array in place was a misaligned load.
  const std::vector<std::uint8_t> packet = {
      '/', 'a', 'u', 'r', 'a', 'l', 'i', 's', '/', 'c', 'o', 'n', 't', 'r', 'o',  'l',
      '/', 'a', 'g', 'e', 'n', 't', 's', '/', 'b', 'a', 's', 's', '/', 'l', 'e',  0,
      ',', 'i', 'i', 0,   'e', 0,   'v', 0,   0,   0,   0,   0xb2, 0x01};
  auto decoded = auralis::net::decodeOscPacket(packet);
  // Either verdict is fine; the decode must not read out of bounds or misaligned.
  if (decoded.ok()) {
    for (const auto& m : decoded.value()) CHECK(m.args.size() == m.types().size());
  }
}

TEST_CASE("fuzz regression: a Unix-socket message whose type is not a string") {
  // fuzz/corpus/ipc_line/regress_numeric_type: {"type":0} reached the app's hook for
  // other types, whose json::value("type", "") threw; the client got `internal`.
  FakeController controller;
  auralis::control::EventBus bus;
  auralis::net::IpcHooks hooks;
  hooks.controller = &controller;
  hooks.bus = &bus;
  hooks.extra = [](const nlohmann::json& m) -> std::optional<nlohmann::json> {
    if (m.value("type", std::string()) == "voice") return nlohmann::json{{"type", "ok"}};
    return std::nullopt;
  };
  std::shared_ptr<auralis::control::Subscription> events;
  for (const char* text : {R"({"type":0,"reqId":5})", R"({"type":null})", R"({"type":[1]})"}) {
    const auto reply = nlohmann::json::parse(
        auralis::net::handleIpcLine(hooks, events, text, [] {}));
    CHECK(reply["type"] == "error");
    CHECK(reply["code"] == "unknown_type");
  }
  const auto voice = nlohmann::json::parse(
      auralis::net::handleIpcLine(hooks, events, R"({"type":"voice","reqId":"v"})", [] {}));
  CHECK(voice["type"] == "ok");
  CHECK(voice["reqId"] == "v");
}
