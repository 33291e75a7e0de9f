#include <doctest/doctest.h>

#include "engine/event_scheduler.hpp"

using auralis::engine::EventScheduler;
using auralis::engine::ScheduledEvent;

TEST_CASE("scheduler pops by sample time and keeps arrival order for ties") {
  EventScheduler s;
  s.prepare(16);
  auto ev = [](std::int64_t at, std::uint32_t id) {
    ScheduledEvent e;
    e.sample = at;
    e.noteId = id;
    return e;
  };
  CHECK(s.push(ev(50, 1)));
  CHECK(s.push(ev(10, 2)));
  CHECK(s.push(ev(50, 3)));
  CHECK(s.push(ev(10, 4)));
  CHECK(s.push(ev(30, 5)));
  std::vector<std::uint32_t> order;
  while (!s.empty()) {
    order.push_back(s.top().noteId);
    s.pop();
  }
  CHECK(order == std::vector<std::uint32_t>{2, 4, 5, 1, 3});
}

TEST_CASE("a full scheduler refuses instead of growing") {
  EventScheduler s;
  s.prepare(2);
  CHECK(s.push(ScheduledEvent{}));
  CHECK(s.push(ScheduledEvent{}));
  CHECK_FALSE(s.push(ScheduledEvent{}));
  CHECK(s.size() == 2);
}
