#include <doctest/doctest.h>

#include "control/messages.hpp"

using namespace auralis::control;
using nlohmann::json;

namespace {
std::string codeOf(std::string_view text) {
  auto m = parseClientMessage(text);
  return m.request.ok() ? std::string("ok") : m.request.error().code;
}
}  // namespace

TEST_CASE("bad JSON and non-object messages are bad_json") {
  CHECK(codeOf("{") == "bad_json");
  CHECK(codeOf("") == "bad_json");
  CHECK(codeOf("[1,2]") == "bad_json");
  CHECK(codeOf("\"ping\"") == "bad_json");
  CHECK(codeOf("{\"type\":\"ping\",\"x\":\"\xff\"}") == "bad_json");
}

TEST_CASE("an overflowing number (1e309) refuses the whole message and never applies") {
  // nlohmann 3.11 reports the overflow while lexing, so the message is bad JSON.
  CHECK(codeOf(R"({"type":"control","params":{"bpm":1e309}})") == "bad_json");
  CHECK(codeOf(R"({"type":"control","params":{"intensity":-1e309}})") == "bad_json");
}

TEST_CASE("unknown or missing type is unknown_type and keeps the reqId") {
  auto m = parseClientMessage(R"({"type":"dance","reqId":"abc"})");
  REQUIRE_FALSE(m.request.ok());
  CHECK(m.request.error().code == "unknown_type");
  CHECK(m.reqId == "abc");
  CHECK(codeOf(R"({"reqId":1})") == "unknown_type");
  CHECK(codeOf(R"({"type":7})") == "unknown_type");
}

TEST_CASE("reqId is preserved exactly: strings, integers, big unsigned, floats") {
  CHECK(parseClientMessage(R"({"type":"ping","reqId":"r-1"})").reqId.dump() == "\"r-1\"");
  CHECK(parseClientMessage(R"({"type":"ping","reqId":42})").reqId.dump() == "42");
  CHECK(parseClientMessage(R"({"type":"ping","reqId":-7})").reqId.dump() == "-7");
  CHECK(parseClientMessage(R"({"type":"ping","reqId":18446744073709551615})").reqId.dump() ==
        "18446744073709551615");
  CHECK(parseClientMessage(R"({"type":"ping","reqId":1.5})").reqId.dump() == "1.5");
  CHECK(parseClientMessage(R"({"type":"ping"})").reqId.is_null());
  CHECK(codeOf(R"({"type":"ping","reqId":{"a":1}})") == "invalid_param");
  CHECK(codeOf(R"({"type":"ping","reqId":true})") == "invalid_param");
}

TEST_CASE("every request type parses into its variant") {
  auto c = parseClientMessage(R"({"type":"control","reqId":3,"params":{"bpm":100}})");
  REQUIRE(c.request.ok());
  REQUIRE(std::holds_alternative<ControlRequest>(c.request.value()));
  CHECK(*std::get<ControlRequest>(c.request.value()).patch.bpm == doctest::Approx(100));
  CHECK(std::holds_alternative<PingRequest>(
      parseClientMessage(R"({"type":"ping"})").request.value()));
  CHECK(std::holds_alternative<StatusRequest>(
      parseClientMessage(R"({"type":"status_request"})").request.value()));
  auto s = parseClientMessage(
      R"({"type":"subscribe","audio":"pcm16","telemetry":["meters","spectrum"],"resume":17})");
  REQUIRE(s.request.ok());
  const auto& sub = std::get<SubscribeRequest>(s.request.value());
  CHECK(sub.audio == AudioChoice::Pcm16);
  CHECK(sub.telemetry->size() == 2);
  CHECK(*sub.resumeAfter == 17);
}

TEST_CASE("control and subscribe errors carry codes, fields and reqId") {
  auto c = parseClientMessage(R"({"type":"control","reqId":"x","params":{"bpm":"fast"}})");
  REQUIRE_FALSE(c.request.ok());
  CHECK(c.request.error().code == "invalid_param");
  CHECK(c.request.error().field == "bpm");
  CHECK(c.reqId == "x");
  CHECK(codeOf(R"({"type":"control"})") == "invalid_param");
  CHECK(codeOf(R"({"type":"control","params":{"volume":1}})") == "unknown_param");
  CHECK(codeOf(R"({"type":"subscribe","audio":"mp3"})") == "invalid_param");
  CHECK(codeOf(R"({"type":"subscribe","telemetry":["weather"]})") == "invalid_param");
  CHECK(codeOf(R"({"type":"subscribe","telemetry":"meters"})") == "invalid_param");
  CHECK(codeOf(R"({"type":"subscribe","resume":-1})") == "invalid_param");
}

TEST_CASE("reply builders echo reqId and include field only when set") {
  const auralis::Error e{"invalid_param", "bpm must be in [40, 200]", "bpm"};
  const json err = makeErrorMessage(e, json("q"));
  CHECK(err["type"] == "error");
  CHECK(err["code"] == "invalid_param");
  CHECK(err["field"] == "bpm");
  CHECK(err["reqId"] == "q");
  const json noField = makeErrorMessage(auralis::Error{"bad_json", "x", ""});
  CHECK_FALSE(noField.contains("field"));
  CHECK_FALSE(noField.contains("reqId"));
  CHECK(makeHttpError(e)["error"]["field"] == "bpm");
  ControlParams p;
  p.bpm = 133;
  const json ack = makeAck(json(9), p);
  CHECK(ack["reqId"] == 9);
  CHECK(ack["applied"]["bpm"] == 133.0);
  CHECK(makePong(json("z"), 1.0)["reqId"] == "z");
  CHECK(makeStatus(p, json{{"status", "ok"}})["params"]["bpm"] == 133.0);
}
