// The shared-memory event ring: round trip, wraparound, lapping (detected and
// counted exactly), a live writer's segment is never taken over, and a reader
// in another process follows a fast writer with every sequence accounted for.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "io/shm_event_ring.hpp"

using namespace auralis::io;

namespace {

std::string uniqueName(const char* what) {
  return "/auralis-test-" + std::string(what) + "-" + std::to_string(getpid());
}

RingEvent note(std::int64_t sample, std::uint8_t pitch) {
  RingEvent e;
  e.sample = sample;
  e.type = RingEventType::Note;
  e.source = 1;
  e.pitch = pitch;
  e.velocity = 100;
  e.params[0] = 0.5F;
  e.params[1] = -0.25F;
  e.params[2] = 3.0F;
  return e;
}

}  // namespace

TEST_CASE("shm ring: events round-trip, in order, across wraparound") {
  auto w = ShmEventWriter::create(uniqueName("wrap"), 16, 48000.0);
  REQUIRE(w.ok());
  auto r = ShmEventReader::open(w.value()->name(), ShmEventReader::Start::Latest);
  REQUIRE(r.ok());
  CHECK(r.value()->sampleRate() == 48000.0);
  CHECK(r.value()->writerAlive());
  RingEvent e;
  CHECK(r.value()->next(e) == ReadStatus::Empty);
  // 5 rounds of 12 events through 16 slots: the slots wrap several times.
  std::uint64_t expected = 0;
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 12; ++i)
      w.value()->publish(
          note(static_cast<std::int64_t>(expected) * 10 + i, static_cast<std::uint8_t>(40 + i)));
    for (int i = 0; i < 12; ++i) {
      REQUIRE(r.value()->next(e) == ReadStatus::Event);
      CHECK(e.sequence == expected);
      CHECK(e.pitch == 40 + i);
      CHECK(e.velocity == 100);
      CHECK(e.source == 1);
      CHECK(e.type == RingEventType::Note);
      CHECK(e.params[0] == 0.5F);
      CHECK(e.params[1] == -0.25F);
      CHECK(e.params[2] == 3.0F);
      ++expected;
    }
    CHECK(r.value()->next(e) == ReadStatus::Empty);
  }
  CHECK(r.value()->missed() == 0);
  CHECK(w.value()->published() == 60);
}

TEST_CASE("shm ring: a lapped reader knows, and counts exactly what it missed") {
  auto w = ShmEventWriter::create(uniqueName("lap"), 16, 44100.0);
  REQUIRE(w.ok());
  auto r = ShmEventReader::open(w.value()->name(), ShmEventReader::Start::Latest);
  REQUIRE(r.ok());
  for (int i = 0; i < 100; ++i) w.value()->publish(note(i, 60));
  RingEvent e;
  std::uint64_t received = 0;
  int laps = 0;
  std::uint64_t last = 0;
  bool first = true;
  for (;;) {
    const auto s = r.value()->next(e);
    if (s == ReadStatus::Empty) break;
    if (s == ReadStatus::Lapped) {
      ++laps;
      continue;
    }
    if (!first) CHECK(e.sequence > last);
    first = false;
    last = e.sequence;
    CHECK(e.sample == static_cast<std::int64_t>(e.sequence));
    ++received;
  }
  CHECK(laps == 1);
  CHECK(received + r.value()->missed() == 100);
  CHECK(received <= 16);
  CHECK(last == 99);
}

TEST_CASE("shm ring: a live writer's segment is not taken over, bad names are refused") {
  const auto name = uniqueName("busy");
  auto w = ShmEventWriter::create(name, 64, 48000.0);
  REQUIRE(w.ok());
  auto again = ShmEventWriter::create(name, 64, 48000.0);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == "busy");
  CHECK_FALSE(ShmEventWriter::create("no-slash", 64, 48000.0).ok());
  CHECK_FALSE(ShmEventWriter::create(uniqueName("cap"), 100, 48000.0).ok());
  CHECK_FALSE(ShmEventReader::open(uniqueName("absent")).ok());
  w.value().reset();
  CHECK_FALSE(ShmEventReader::open(name).ok());  // the writer unlinked it
}

TEST_CASE("shm ring: concurrent reader threads follow a writer, every gap is a reported lap") {
  auto w = ShmEventWriter::create(uniqueName("threads"), 1024, 48000.0);
  REQUIRE(w.ok());
  constexpr std::uint64_t kEvents = 200000;
  std::atomic<int> ready{0};
  auto reader = [&](std::uint64_t& received, std::uint64_t& missed, bool& ordered) {
    // No doctest assertions off the main thread: results go back through the references.
    auto r = ShmEventReader::open(w.value()->name(), ShmEventReader::Start::Oldest);
    ready.fetch_add(1);
    ordered = r.ok();
    if (!r.ok()) return;
    RingEvent e;
    std::uint64_t expect = 0;
    while (expect < kEvents) {
      const auto s = r.value()->next(e);
      if (s == ReadStatus::Event) {
        // After a lap the expected position moves to where the reader resumed.
        if (e.sequence != expect || e.sample != static_cast<std::int64_t>(e.sequence) * 2)
          ordered = false;
        expect = e.sequence + 1;
        ++received;
      } else if (s == ReadStatus::Lapped) {
        expect = r.value()->position();
      } else {
        std::this_thread::yield();
      }
    }
    missed = r.value()->missed();
  };
  std::uint64_t rx[2] = {0, 0}, ms[2] = {0, 0};
  bool ok[2] = {false, false};
  std::thread a(reader, std::ref(rx[0]), std::ref(ms[0]), std::ref(ok[0]));
  std::thread b(reader, std::ref(rx[1]), std::ref(ms[1]), std::ref(ok[1]));
  while (ready.load() < 2) std::this_thread::yield();
  for (std::uint64_t i = 0; i < kEvents; ++i)
    w.value()->publish(note(static_cast<std::int64_t>(i) * 2, 64));
  a.join();
  b.join();
  for (int k = 0; k < 2; ++k) {
    CHECK(ok[k]);
    CHECK(rx[k] + ms[k] == kEvents);
  }
}

TEST_CASE("shm ring: a reader in another process sees continuous sequences or reported laps") {
  const auto name = uniqueName("fork");
  auto w = ShmEventWriter::create(name, 4096, 48000.0);
  REQUIRE(w.ok());
  constexpr std::uint64_t kEvents = 500000;
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child reads; its exit status says whether the accounting held.
    auto r = ShmEventReader::open(name, ShmEventReader::Start::Oldest);
    if (!r.ok()) _exit(3);
    RingEvent e;
    const std::uint64_t start = r.value()->position();
    std::uint64_t expect = start, received = 0;
    while (expect < kEvents) {
      const auto s = r.value()->next(e);
      if (s == ReadStatus::Event) {
        if (e.sequence != expect || e.pitch != static_cast<std::uint8_t>(e.sequence % 128))
          _exit(4);
        expect = e.sequence + 1;
        ++received;
      } else if (s == ReadStatus::Lapped) {
        expect = r.value()->position();
      }
    }
    _exit(received + r.value()->missed() == kEvents - start ? 0 : 5);
  }
  for (std::uint64_t i = 0; i < kEvents; ++i) {
    w.value()->publish(note(static_cast<std::int64_t>(i), static_cast<std::uint8_t>(i % 128)));
    if (i % 4096 == 0) std::this_thread::yield();  // give the child a chance to keep up
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
