// OSC -> control translation: the codec round trip, bundles, malformed packets,
// and the refusal of what the WebSocket refuses (through the same validator).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "control/params.hpp"
#include "net/osc_codec.hpp"
#include "net/osc_namespace.hpp"

using namespace auralis;
using namespace auralis::net;

namespace {

std::vector<std::uint8_t> encode(const OscMessage& m) {
  auto r = encodeOscMessage(m);
  REQUIRE(r.ok());
  return r.value();
}

OscMessage roundTrip(const OscMessage& m) {
  auto bytes = encode(m);
  auto decoded = decodeOscPacket(bytes);
  REQUIRE(decoded.ok());
  REQUIRE(decoded.value().size() == 1);
  return decoded.value()[0];
}

Result<control::ControlPatch> translate(const OscMessage& m) {
  auto params = oscToControlParams(m);
  if (!params) return params.error();
  return control::parseControlParams(params.value());
}

void appendBigEndian32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

}  // namespace

TEST_CASE("osc codec: a message survives encode and decode with its types") {
  const auto m = roundTrip(
      {"/auralis/event/note", {oscString("bass"), oscInt(43), oscFloat(0.5), oscDouble(1.25)}});
  CHECK(m.address == "/auralis/event/note");
  CHECK(m.types() == "sifd");
  CHECK(std::get<std::string>(m.args[0].value) == "bass");
  CHECK(std::get<double>(m.args[1].value) == 43.0);
  CHECK(std::get<double>(m.args[2].value) == doctest::Approx(0.5));
  CHECK(std::get<double>(m.args[3].value) == 1.25);
}

TEST_CASE("osc codec: a bundle yields every message, garbage is malformed") {
  std::vector<std::uint8_t> bundle = {'#', 'b', 'u', 'n', 'd', 'l', 'e', 0, 0, 0, 0, 0, 0, 0, 0, 1};
  for (const auto& m : {OscMessage{"/auralis/control/bpm", {oscFloat(120)}},
                        OscMessage{"/auralis/control/key", {oscString("A minor")}}}) {
    const auto bytes = encode(m);
    appendBigEndian32(bundle, static_cast<std::uint32_t>(bytes.size()));
    bundle.insert(bundle.end(), bytes.begin(), bytes.end());
  }
  auto decoded = decodeOscPacket(bundle);
  REQUIRE(decoded.ok());
  REQUIRE(decoded.value().size() == 2);
  CHECK(decoded.value()[1].address == "/auralis/control/key");

  // A bundle element that claims more bytes than the datagram holds.
  auto truncated = bundle;
  truncated.resize(bundle.size() - 4);
  CHECK_FALSE(decodeOscPacket(truncated).ok());
  const std::vector<std::uint8_t> text = {'h', 'e', 'l', 'l', 'o', '\n', 0, 0};
  CHECK_FALSE(decodeOscPacket(text).ok());
  CHECK_FALSE(decodeOscPacket({}).ok());
  // A well-formed address whose type tag string is cut off.
  auto cut = encode({"/auralis/control/bpm", {oscFloat(100)}});
  cut.resize(cut.size() - 4);
  CHECK_FALSE(decodeOscPacket(cut).ok());
  // Every prefix of a valid message is either refused or decodes to a message
  // (never a crash): liblo checks sizes, we check the rest.
  const auto full = encode({"/auralis/control/key", {oscString("D dorian"), oscFloat(1)}});
  for (std::size_t n = 0; n < full.size(); ++n)
    (void)decodeOscPacket(std::span<const std::uint8_t>(full.data(), n));
}

TEST_CASE("osc translation: bpm, intensity, key, mode and agent addresses") {
  auto bpm = translate({"/auralis/control/bpm", {oscFloat(132)}});
  REQUIRE(bpm.ok());
  CHECK(*bpm.value().bpm == doctest::Approx(132.0));
  auto intInt = translate({"/auralis/control/intensity", {oscInt(1)}});
  REQUIRE(intInt.ok());
  CHECK(*intInt.value().intensity == 1.0);
  auto key = translate({"/auralis/control/key", {oscString("F# dorian")}});
  REQUIRE(key.ok());
  CHECK(key.value().key->name() == "F# dorian");
  auto mode = translate({"/auralis/control/mode", {oscString("lydian")}});
  REQUIRE(mode.ok());
  CHECK(mode.value().mode.has_value());
  auto level = translate({"/auralis/control/agents/bass/level", {oscDouble(0.25)}});
  REQUIRE(level.ok());
  CHECK(*level.value().agents[1].level == 0.25);
  auto off = translate({"/auralis/control/agents/melody/enabled", {OscArg{'F', false}}});
  REQUIRE(off.ok());
  CHECK(*off.value().agents[2].enabled == false);
  auto onAsFloat = translate({"/auralis/control/agents/percussion/enabled", {oscFloat(1)}});
  REQUIRE(onAsFloat.ok());
  CHECK(*onAsFloat.value().agents[3].enabled == true);
  auto whole = translate({"/auralis/control", {oscString(R"({"bpm":100,"intensity":0.2})")}});
  REQUIRE(whole.ok());
  CHECK(*whole.value().bpm == 100.0);
  CHECK(*whole.value().intensity == doctest::Approx(0.2));
}

TEST_CASE("osc translation: refuses what the WebSocket refuses") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (double bad : {nan, inf, -inf, 39.9, 200.5}) {
    auto r = translate({"/auralis/control/bpm", {oscDouble(bad)}});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "invalid_param");
    CHECK(r.error().field == "bpm");
  }
  auto level = translate({"/auralis/control/agents/bass/level", {oscFloat(1.5)}});
  REQUIRE_FALSE(level.ok());
  CHECK(level.error().field == "agents.bass.level");
  CHECK(translate({"/auralis/control/key", {oscString("H minor")}}).error().code ==
        "invalid_param");
  CHECK(translate({"/auralis/control/bpm", {oscString("120")}}).error().code == "invalid_param");
  CHECK(translate({"/auralis/control/bpm", {}}).error().code == "invalid_param");
  CHECK(translate({"/auralis/control/bpm", {oscFloat(100), oscFloat(1)}}).error().code ==
        "invalid_param");
  CHECK(translate({"/auralis/control/agents/bass/enabled", {oscFloat(0.5)}}).error().code ==
        "invalid_param");
  CHECK(translate({"/auralis/control/tempo", {oscFloat(100)}}).error().code == "unknown_param");
  CHECK(translate({"/auralis/control/agents/kazoo/level", {oscFloat(0.1)}}).error().code ==
        "unknown_param");
  CHECK(translate({"/auralis/control", {oscString("{not json")}}).error().code == "bad_json");
  CHECK(translate({"/auralis/control", {oscString(R"({"bpm":1e309})")}}).ok() == false);
}

TEST_CASE("osc namespace: every input address translates, and the JSON lists it") {
  const auto ns = oscNamespaceJson();
  CHECK(ns["in"].size() == oscInputAddresses().size());
  CHECK(ns["out"].size() == oscOutputAddresses().size());
  for (const auto& a : oscInputAddresses()) {
    if (a.valueKind == "json") continue;
    OscArg arg = a.valueKind == "string" ? oscString(a.param == "key" ? "C major" : "dorian")
                 : a.valueKind == "bool" ? OscArg{'T', true}
                                         : oscFloat(a.min);
    CAPTURE(a.address);
    CHECK(translate({a.address, {arg}}).ok());
    if (a.valueKind == "number") {
      CHECK_FALSE(translate({a.address, {oscFloat(a.max + 1)}}).ok());
    }
  }
}

TEST_CASE("osc events: generation updates and analysis detections become messages") {
  const nlohmann::json note = {{"type", "generation_update"},
                               {"event", "note"},
                               {"agent", "bass"},
                               {"pitch", 38},
                               {"velocity", 0.7},
                               {"duration", 0.5},
                               {"time", 12.5},
                               {"sample", 600000},
                               {"bar", 3}};
  auto msgs = oscMessagesForEvent("generation_update", note);
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].address == "/auralis/event/note");
  CHECK(msgs[0].types() == "sifff");
  CHECK(std::get<double>(msgs[0].args[1].value) == 38.0);
  auto chord = oscMessagesForEvent(
      "generation_update", {{"event", "chord"}, {"text", "Dm7"}, {"bar", 4}, {"time", 1.0}});
  REQUIRE(chord.size() == 1);
  CHECK(std::get<std::string>(chord[0].args[0].value) == "Dm7");
  auto onsets = oscMessagesForEvent(
      "analysis", {{"events", {{{"type", "onset"}, {"t", 2.0}}, {{"type", "beat"}, {"t", 2.1}}}}});
  REQUIRE(onsets.size() == 2);
  CHECK(onsets[1].address == "/auralis/event/beat");
  CHECK(oscMessagesForEvent("meters", {{"rms", 0.1}}).empty());
  for (const auto& m : msgs) CHECK(encodeOscMessage(m).ok());
}
