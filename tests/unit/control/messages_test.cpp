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

TEST_CASE("an overflowing number (1e309) is invalid_param naming its field, never applied") {
  auto m = parseClientMessage(R"({"type":"control","reqId":7,"params":{"bpm":1e309}})");
  REQUIRE_FALSE(m.request.ok());
  CHECK(m.request.error().code == "invalid_param");
  CHECK(m.request.error().field == "bpm");
  CHECK(m.reqId == 7);
  auto n = parseClientMessage(
      R"({"type":"control","params":{"agents":{"bass":{"level":-1e309}},"key":"1e309"}})");
  REQUIRE_FALSE(n.request.ok());
  CHECK(n.request.error().code == "invalid_param");
  CHECK(n.request.error().field == "agents.bass.level");
  // A number inside a string is text, and a syntax error stays bad_json.
  CHECK(codeOf(R"({"type":"control","params":{"key":"1e309"}})") == "invalid_param");
  CHECK(codeOf(R"({"type":"control","params":{"bpm":1e309})") == "bad_json");
  CHECK(codeOf(R"({"type":"ping","reqId":"a\"1e309"})") == "ok");
  nlohmann::json body;
  auto st = parseJsonText(R"({"intensity":1E400})", body);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().field == "intensity");
  CHECK(parseJsonText("{\"bpm\":1e-400}", body).ok());  // underflow is just 0
  for (const char* t : {R"({"bpm":NaN})", R"({"bpm":Infinity})", R"({"bpm":-Infinity})"}) {
    INFO(t);
    auto nan = parseJsonText(t, body);
    REQUIRE_FALSE(nan.ok());
    CHECK(nan.error().code == "invalid_param");
    CHECK(nan.error().field == "bpm");
  }
  CHECK(parseJsonText(R"({"bpm":NaNa})", body).error().code == "bad_json");
}

TEST_CASE("client_report: every field validated, unknown fields refused") {
  auto m = parseClientMessage(
      R"({"type":"client_report","reqId":"r","tier":"stable","pinned":true,"bufferMs":180.5,)"
      R"("jitterMs":4,"underruns":2,"latencyMs":250,"codec":"opus","room":"kitchen"})");
  REQUIRE(m.request.ok());
  const auto& r = std::get<ClientReportRequest>(m.request.value());
  CHECK(clientTiers()[static_cast<std::size_t>(r.tier)] == "stable");
  CHECK(r.pinned);
  CHECK(r.bufferMs == doctest::Approx(180.5));
  CHECK(r.underruns == 2);
  CHECK(r.codec == AudioChoice::Opus);
  CHECK(r.room == std::optional<std::string>("kitchen"));
  const std::string ok =
      R"("tier":"normal","pinned":false,"bufferMs":100,"jitterMs":1,"underruns":0,"latencyMs":1,"codec":"pcm16")";
  auto fieldOf = [&](const std::string& patch) {
    auto p = parseClientMessage(R"({"type":"client_report",)" + patch + "}");
    return p.request.ok() ? std::string("ok")
                          : p.request.error().code + ":" + p.request.error().field;
  };
  CHECK(fieldOf(ok) == "ok");
  CHECK(fieldOf(R"("tier":"turbo",)" + ok.substr(ok.find(',') + 1)) == "invalid_param:tier");
  CHECK(fieldOf(ok + R"(,"bogus":1)") == "unknown_param:bogus");
  CHECK(fieldOf(ok + R"(,"room":7)") == "invalid_param:room");
  CHECK(fieldOf(ok + R"(,"room":")" + std::string(65, 'x') + "\"") == "invalid_param:room");
  CHECK(fieldOf(ok + R"(,"room":")" + std::string(64, 'x') + "\"") == "ok");
  std::string neg = ok;
  neg.replace(neg.find(R"("underruns":0)"), 13, R"("underruns":-1)");
  CHECK(fieldOf(neg) == "invalid_param:underruns");
  std::string str = ok;
  str.replace(str.find(R"("bufferMs":100)"), 14, R"("bufferMs":"100")");
  CHECK(fieldOf(str) == "invalid_param:bufferMs");
  CHECK(fieldOf(R"("tier":"normal")") == "invalid_param:pinned");
}

TEST_CASE("subscribe room and pong with a sample position") {
  auto m = parseClientMessage(R"({"type":"subscribe","room":"lobby"})");
  REQUIRE(m.request.ok());
  CHECK(std::get<SubscribeRequest>(m.request.value()).room == std::optional<std::string>("lobby"));
  CHECK(codeOf(R"({"type":"subscribe","room":null})") == "invalid_param");
  auto pong = makePong("p", 12.5, 480000, 48000.0);
  CHECK(pong["samplePosition"] == 480000);
  CHECK(pong["sampleRate"] == 48000.0);
  CHECK(pong["serverTime"] == 12.5);
  CHECK(pong["reqId"] == "p");
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
