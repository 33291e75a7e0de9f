#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "control/messages.hpp"

using namespace auralis::control;

namespace {
auralis::Error refusal(const std::string& text) {
  auto m = parseClientMessage(text);
  REQUIRE(!m.request.ok());
  return m.request.error();
}
}  // namespace

TEST_CASE("midi message: valid events parse into typed messages, reqId echoed") {
  auto m = parseClientMessage(
      R"({"type":"midi","reqId":"k1","events":[{"t":12.5,"data":[144,60,100]},{"data":[128,60,0]},{"data":[248]}]})");
  REQUIRE(m.request.ok());
  CHECK(m.reqId == "k1");
  const auto& r = std::get<MidiRequest>(m.request.value());
  REQUIRE(r.events.size() == 3);
  CHECK(r.events[0].t == doctest::Approx(12.5));
  CHECK(r.events[0].message.kind == auralis::music::MidiKind::NoteOn);
  CHECK(r.events[0].message.data1 == 60);
  CHECK(r.events[1].message.kind == auralis::music::MidiKind::NoteOff);
  CHECK(r.events[2].message.kind == auralis::music::MidiKind::Clock);
}

TEST_CASE("midi message: malformed events are refused naming the field") {
  CHECK(refusal(R"({"type":"midi","events":[]})").field == "events");
  CHECK(refusal(R"({"type":"midi"})").field == "events");
  CHECK(refusal(R"({"type":"midi","events":"x"})").field == "events");
  auto e = refusal(R"({"type":"midi","events":[{"data":[144,60,100]},{"data":[240,1,247]}]})");
  CHECK(e.code == "invalid_param");
  CHECK(e.field == "events[1].data");
  CHECK(e.message.find("SysEx") != std::string::npos);
  CHECK(refusal(R"({"type":"midi","events":[{"data":[144,60]}]})").field == "events[0].data");
  CHECK(refusal(R"({"type":"midi","events":[{"data":[60,100]}]})").field == "events[0].data");
  CHECK(refusal(R"({"type":"midi","events":[{"data":[144,300,1]}]})").field == "events[0].data");
  CHECK(refusal(R"({"type":"midi","events":[{"data":[144,60,1.5]}]})").field == "events[0].data");
  CHECK(refusal(R"({"type":"midi","events":[{"data":[144,60,100,1]}]})").field == "events[0].data");
  CHECK(refusal(R"({"type":"midi","events":[{"data":[144,60,100],"t":-1}]})").field ==
        "events[0].t");
  CHECK(refusal(R"({"type":"midi","events":[{"data":[144,60,100],"t":"now"}]})").field ==
        "events[0].t");
  CHECK(refusal(R"({"type":"midi","events":[5]})").field == "events[0]");
  auto u = refusal(R"({"type":"midi","events":[{"data":[144,60,100],"vel":1}]})");
  CHECK(u.code == "unknown_param");
  CHECK(refusal(R"({"type":"midi","events":[{"data":[144,60,100]}],"x":1})").code ==
        "unknown_param");
}

TEST_CASE("midi message: at most kMaxMidiEvents per message") {
  std::string many = R"({"type":"midi","events":[)";
  for (std::size_t i = 0; i <= kMaxMidiEvents; ++i)
    many += (i ? "," : "") + std::string(R"({"data":[144,60,1]})");
  many += "]}";
  CHECK(refusal(many).field == "events");
}

TEST_CASE("midi message: the new telemetry kinds are subscribable") {
  const auto& kinds = telemetryKinds();
  CHECK(std::find(kinds.begin(), kinds.end(), "agent_plan") != kinds.end());
  CHECK(std::find(kinds.begin(), kinds.end(), "midi_in") != kinds.end());
}
