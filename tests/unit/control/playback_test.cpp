// parsePlaybackRequest: the one validator of the playback surfaces.
#include <doctest/doctest.h>

#include <cmath>

#include "control/messages.hpp"
#include "control/playback.hpp"

namespace auralis::control {

namespace {
Error refusal(const char* text) {
  auto r = parsePlaybackRequest(nlohmann::json::parse(text));
  REQUIRE_FALSE(r.ok());
  return r.error();
}
}  // namespace

TEST_CASE("playback requests: valid ones carry their fields") {
  auto play = parsePlaybackRequest(nlohmann::json::parse(
      R"({"type":"playback","reqId":3,"action":"play","sourceId":"src-1","position":1.5,
          "gainDb":-6,"loop":true,"crossfade":2})"));
  REQUIRE(play.ok());
  CHECK(play.value().action == PlaybackAction::Play);
  CHECK(play.value().sourceId == "src-1");
  CHECK(*play.value().position == 1.5);
  CHECK(*play.value().gain == doctest::Approx(std::pow(10.0, -6.0 / 20.0)));
  CHECK(*play.value().loop);
  CHECK(*play.value().crossfade == 2.0);
  auto stop = parsePlaybackRequest(nlohmann::json::parse(R"({"action":"stop"})"));
  REQUIRE(stop.ok());
  CHECK(stop.value().action == PlaybackAction::Stop);
  CHECK(parsePlaybackRequest(nlohmann::json::parse(R"({"action":"gain","gain":0})")).ok());
}

TEST_CASE("playback requests: refusals name the field") {
  struct Case {
    const char* json;
    const char* code;
    const char* field;
  };
  const Case cases[] = {
      {R"({})", codes::kInvalidParam, "action"},
      {R"({"action":"rewind"})", codes::kInvalidParam, "action"},
      {R"({"action":"play"})", codes::kInvalidParam, "sourceId"},
      {R"({"action":"play","sourceId":7})", codes::kInvalidParam, "sourceId"},
      {R"({"action":"play","sourceId":"a","position":-1})", codes::kInvalidParam, "position"},
      {R"({"action":"seek"})", codes::kInvalidParam, "position"},
      {R"({"action":"seek","position":"1"})", codes::kInvalidParam, "position"},
      {R"({"action":"gain"})", codes::kInvalidParam, "gain"},
      {R"({"action":"gain","gain":5})", codes::kInvalidParam, "gain"},
      {R"({"action":"gain","gain":true})", codes::kInvalidParam, "gain"},
      {R"({"action":"gain","gainDb":20})", codes::kInvalidParam, "gainDb"},
      {R"({"action":"gain","gain":1,"gainDb":0})", codes::kInvalidParam, "gainDb"},
      {R"({"action":"loop"})", codes::kInvalidParam, "loop"},
      {R"({"action":"loop","loop":1})", codes::kInvalidParam, "loop"},
      {R"({"action":"stop","crossfade":11})", codes::kInvalidParam, "crossfade"},
      {R"({"action":"stop","crossfade":null})", codes::kInvalidParam, "crossfade"},
      {R"({"action":"stop","volume":1})", codes::kUnknownParam, "volume"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.json);
    const auto e = refusal(c.json);
    CHECK(e.code == c.code);
    CHECK(e.field == c.field);
  }
}

}  // namespace auralis::control
