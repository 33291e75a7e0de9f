#include <doctest/doctest.h>

#include <thread>

#include "control/event_bus.hpp"
#include "control/token_bucket.hpp"

using namespace auralis::control;

TEST_CASE("event bus delivers by kind, serialises once, and drops oldest when full") {
  EventBus bus;
  auto meters = bus.subscribe({"meters"}, 2);
  auto all = bus.subscribe({"*"}, 8);
  bus.publish("meters", {{"rms", 0.1}});
  bus.publish("spectrum", {{"bins", {1, 2}}});
  bus.publish("meters", {{"rms", 0.2}});
  bus.publish("meters", {{"rms", 0.3}});
  Event e;
  REQUIRE(meters->tryPop(e));
  CHECK(nlohmann::json::parse(*e.text)["rms"] == 0.2);  // 0.1 was dropped (oldest)
  CHECK(nlohmann::json::parse(*e.text)["type"] == "meters");
  REQUIRE(meters->tryPop(e));
  CHECK_FALSE(meters->tryPop(e));
  CHECK(meters->dropped() == 1);
  int n = 0;
  Event first;
  REQUIRE(all->tryPop(first));
  ++n;
  while (all->tryPop(e)) ++n;
  CHECK(n == 4);
  CHECK(bus.published() == 4);
  // The subscriber that stayed in step got the very same immutable text.
  bus.publish("meters", {{"rms", 0.4}});
  Event a, b;
  REQUIRE(meters->tryPop(a));
  REQUIRE(all->tryPop(b));
  CHECK(a.text.get() == b.text.get());
}

TEST_CASE("event bus: a subscriber that never reads cannot block the publisher") {
  EventBus bus;
  auto stuck = bus.subscribe({"*"}, 4);
  std::atomic<int> ready{0};
  auto live = bus.subscribe({"x"}, 100000, [&] { ready.fetch_add(1); });
  std::thread pub([&] {
    for (int i = 0; i < 20000; ++i) bus.publish("x", {{"i", i}});
  });
  pub.join();  // would hang forever if the stuck subscriber could block
  CHECK(stuck->dropped() == 20000 - 4);
  CHECK(ready.load() >= 1);
  int got = 0;
  Event e;
  while (live->tryPop(e)) ++got;
  CHECK(got == 20000);
}

TEST_CASE("event bus forgets released subscribers and honours setKinds") {
  EventBus bus;
  auto s = bus.subscribe({"a"});
  s->setKinds({"b"});
  bus.publish("a", nlohmann::json::object());
  Event e;
  CHECK_FALSE(s->tryPop(e));
  bus.publish("b", nlohmann::json::object());
  CHECK(s->tryPop(e));
  s.reset();
  bus.publish("b", nlohmann::json::object());  // must not touch the dead subscriber
  CHECK(bus.published() == 3);
}

TEST_CASE("event bus: kinds past the 63rd share a bit but are still told apart by name") {
  EventBus bus;
  std::vector<std::string> many;
  for (int i = 0; i < 80; ++i) many.push_back("kind-" + std::to_string(i));
  for (const auto& k : many) eventKindBit(k);  // registers them in this order
  auto last = bus.subscribe({many.back()});
  auto other = bus.subscribe({many[70]});
  auto early = bus.subscribe({many[0]});
  for (const auto& k : many) bus.publish(k, nlohmann::json::object());
  Event e;
  REQUIRE(last->tryPop(e));
  CHECK(nlohmann::json::parse(*e.text)["type"] == "kind-79");
  CHECK_FALSE(last->tryPop(e));
  REQUIRE(other->tryPop(e));
  CHECK(nlohmann::json::parse(*e.text)["type"] == "kind-70");
  CHECK_FALSE(other->tryPop(e));
  REQUIRE(early->tryPop(e));
  CHECK(nlohmann::json::parse(*e.text)["type"] == "kind-0");
  CHECK_FALSE(early->tryPop(e));
  CHECK(eventKindBit("kind-70") == eventKindBit("kind-79"));  // the shared overflow bit
}

TEST_CASE("event bus: interest follows setKinds and released subscribers") {
  EventBus bus;
  auto a = bus.subscribe({"meters", "status"});
  auto b = bus.subscribe({"status"});
  a->setKinds({"status"});  // an audio-only listener: no telemetry any more
  bus.publish("meters", {{"rms", 0.5}});
  Event e;
  CHECK_FALSE(a->tryPop(e));
  b->setKinds({"meters"});
  bus.publish("meters", {{"rms", 0.6}});
  REQUIRE(b->tryPop(e));
  CHECK(nlohmann::json::parse(*e.text)["rms"] == 0.6);
  CHECK_FALSE(a->tryPop(e));
  b.reset();  // its interest goes with it; a later subscriber still gets events
  auto c = bus.subscribe({"*"});
  bus.publish("meters", {{"rms", 0.7}});
  REQUIRE(c->tryPop(e));
  CHECK(nlohmann::json::parse(*e.text)["rms"] == 0.7);
  CHECK(bus.published() == 3);
}

TEST_CASE("token bucket allows a burst then refills at the rate") {
  using namespace std::chrono_literals;
  const auto t0 = TokenBucket::Clock::time_point{} + 100s;
  TokenBucket bucket(10.0, 3.0, t0);
  CHECK(bucket.tryTake(t0));
  CHECK(bucket.tryTake(t0));
  CHECK(bucket.tryTake(t0));
  CHECK_FALSE(bucket.tryTake(t0));
  CHECK_FALSE(bucket.tryTake(t0 + 50ms));  // half a token
  CHECK(bucket.tryTake(t0 + 100ms));
  CHECK(bucket.available(t0 + 10s) == doctest::Approx(3.0));  // capped at burst
  CHECK_FALSE(bucket.tryTake(t0 + 10s, 4.0));
}
