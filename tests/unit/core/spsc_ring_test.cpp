#include <doctest/doctest.h>

#include <cstdint>
#include <thread>
#include <vector>

#include "core/mpsc_queue.hpp"
#include "core/seqlock.hpp"
#include "core/spsc_ring.hpp"

using auralis::MpscQueue;
using auralis::SeqLockCell;
using auralis::SpscRing;

TEST_CASE("SpscRing keeps FIFO order, refuses when full and wraps around") {
  SpscRing<int> ring(4);
  CHECK(ring.capacity() == 4);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 4; ++i) CHECK(ring.tryPush(round * 10 + i));
    CHECK_FALSE(ring.tryPush(99));
    CHECK(ring.sizeApprox() == 4);
    for (int i = 0; i < 4; ++i) {
      int v = -1;
      CHECK(ring.tryPop(v));
      CHECK(v == round * 10 + i);
    }
    int v = 0;
    CHECK_FALSE(ring.tryPop(v));
  }
}

TEST_CASE("SpscRing capacity rounds up to a power of two") {
  SpscRing<int> ring(5);
  CHECK(ring.capacity() == 8);
}

TEST_CASE("SpscRing across two threads delivers every item once and in order") {
  SpscRing<std::uint64_t> ring(64);
  constexpr std::uint64_t kItems = 200000;
  std::thread producer([&] {
    for (std::uint64_t i = 0; i < kItems;)
      if (ring.tryPush(i)) ++i;
  });
  std::uint64_t expected = 0;
  bool ordered = true;
  while (expected < kItems) {
    std::uint64_t v = 0;
    if (ring.tryPop(v)) {
      ordered = ordered && v == expected;
      ++expected;
    }
  }
  producer.join();
  CHECK(ordered);
}

TEST_CASE("MpscQueue: several producers, one consumer, nothing lost") {
  MpscQueue<std::uint32_t> queue(1024);
  constexpr std::uint32_t kPerProducer = 20000;
  std::vector<std::thread> producers;
  for (std::uint32_t p = 0; p < 3; ++p)
    producers.emplace_back([&, p] {
      for (std::uint32_t i = 0; i < kPerProducer;)
        if (queue.tryPush(p * kPerProducer + i)) ++i;
    });
  std::vector<int> seen(3 * kPerProducer, 0);
  std::uint32_t received = 0;
  while (received < 3 * kPerProducer) {
    std::uint32_t v = 0;
    if (queue.tryPop(v)) {
      ++seen[v];
      ++received;
    }
  }
  for (auto& t : producers) t.join();
  bool once = true;
  for (int s : seen) once = once && s == 1;
  CHECK(once);
}

TEST_CASE("SeqLockCell never hands a reader a torn snapshot") {
  struct Pair {
    std::uint64_t a, b, c;
  };
  SeqLockCell<Pair> cell;
  cell.store({0, ~0ULL, 0});
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (std::uint64_t i = 1; i < 200000; ++i) cell.store({i, ~i, i * 3});
    done = true;
  });
  bool consistent = true;
  std::uint64_t last = 0;
  bool monotonic = true;
  while (!done.load()) {
    const Pair p = cell.load();
    consistent = consistent && p.b == ~p.a && p.c == p.a * 3;
    monotonic = monotonic && p.a >= last;
    last = p.a;
  }
  writer.join();
  CHECK(consistent);
  CHECK(monotonic);
}
