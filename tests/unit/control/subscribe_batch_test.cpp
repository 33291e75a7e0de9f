// subscribe's batchMs: an integer number of milliseconds in [0, 1000].
#include <doctest/doctest.h>

#include "control/messages.hpp"

using namespace auralis::control;

namespace {
const SubscribeRequest* asSubscribe(const ParsedMessage& m) {
  if (!m.request.ok()) return nullptr;
  return std::get_if<SubscribeRequest>(&m.request.value());
}
}  // namespace

TEST_CASE("subscribe batchMs: accepted in range, absent when left out") {
  auto m = parseClientMessage(R"({"type":"subscribe","audio":"opus","batchMs":100})");
  const auto* s = asSubscribe(m);
  REQUIRE(s != nullptr);
  REQUIRE(s->batchMs.has_value());
  CHECK(*s->batchMs == 100);
  for (int ms : {0, 1, kMaxBatchMs}) {
    auto e = parseClientMessage(R"({"type":"subscribe","batchMs":)" + std::to_string(ms) + "}");
    REQUIRE(asSubscribe(e) != nullptr);
    CHECK(*asSubscribe(e)->batchMs == ms);
  }
  auto none = parseClientMessage(R"({"type":"subscribe","audio":"pcm16"})");
  REQUIRE(asSubscribe(none) != nullptr);
  CHECK_FALSE(asSubscribe(none)->batchMs.has_value());
}

TEST_CASE("subscribe batchMs: out of range or not an integer is invalid_param on batchMs") {
  for (const char* bad :
       {"-1", "1001", "100.5", "\"100\"", "true", "null", "[100]", "18446744073709551615", "1e3"}) {
    auto m =
        parseClientMessage(std::string(R"({"type":"subscribe","reqId":3,"batchMs":)") + bad + "}");
    INFO("batchMs: " << bad);
    REQUIRE_FALSE(m.request.ok());
    CHECK(m.request.error().code == codes::kInvalidParam);
    CHECK(m.request.error().field == "batchMs");
    CHECK(m.reqId == 3);
  }
}
