// Inputs libFuzzer found (fuzz/, docs/fuzzing.md), kept as regression tests; each is
// also in its target's seed corpus.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "control/event_bus.hpp"
#include "fake_controller.hpp"
#include "net/ipc_lines.hpp"
#include "net/osc_codec.hpp"

TEST_CASE("fuzz regression: OSC message whose liblo argv is only 4-byte aligned") {
  // fuzz/corpus/osc_packet/regress_misaligned_argv: under UBSan, reading liblo's
  // argument pointer array in place was a misaligned load.
  const std::vector<std::uint8_t> packet = {
      '/', 'a', 'u', 'r', 'a', 'l', 'i', 's', '/', 'c', 'o', 'n', 't', 'r',  'o',
      'l', '/', 'a', 'g', 'e', 'n', 't', 's', '/', 'b', 'a', 's', 's', '/',  'l',
      'e', 0,   ',', 'i', 'i', 0,   'e', 0,   'v', 0,   0,   0,   0,   0xb2, 0x01};
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
    const auto reply =
        nlohmann::json::parse(auralis::net::handleIpcLine(hooks, events, text, [] {}));
    CHECK(reply["type"] == "error");
    CHECK(reply["code"] == "unknown_type");
  }
  const auto voice = nlohmann::json::parse(
      auralis::net::handleIpcLine(hooks, events, R"({"type":"voice","reqId":"v"})", [] {}));
  CHECK(voice["type"] == "ok");
  CHECK(voice["reqId"] == "v");
}

TEST_CASE("fuzz regression: encoding integers a double cannot hold saturates") {
  // fuzz/corpus/osc_packet/regress_int64_max: an int64 of 2^63-1 decodes to the double
  // 2^63; casting it back for the encoder was undefined behaviour.
  using auralis::net::OscArg;
  auralis::net::OscMessage msg{"/auralis/x",
                               {OscArg{'h', 9.3e18}, OscArg{'i', -1e12}, OscArg{'i', 0.0}}};
  msg.args[2].value = std::numeric_limits<double>::quiet_NaN();
  auto bytes = auralis::net::encodeOscMessage(msg);
  REQUIRE(bytes.ok());
  auto back = auralis::net::decodeOscPacket(bytes.value());
  REQUIRE(back.ok());
  REQUIRE(back.value().size() == 1);
  const auto& args = back.value()[0].args;
  REQUIRE(args.size() == 3);
  CHECK(std::get<double>(args[0].value) > 9.2e18);
  CHECK(std::get<double>(args[1].value) == static_cast<double>(INT32_MIN));
  CHECK(std::get<double>(args[2].value) == 0.0);
}
