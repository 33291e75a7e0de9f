#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "stream/broadcaster.hpp"

using namespace auralis::stream;
using namespace std::chrono_literals;

namespace {
// Feeds `chunks` PCM chunks (100 ms each at 1 kHz mono = 100 frames) of silence.
struct Feeder {
  Broadcaster& b;
  std::int64_t pos = 0;
  std::vector<float> block = std::vector<float>(100, 0.0F);
  void chunks(int n) {
    for (int i = 0; i < n; ++i) {
      b.feed(block.data(), 100, pos);
      pos += 100;
    }
  }
};

BroadcasterConfig smallConfig() {
  BroadcasterConfig c;
  c.sampleRate = 1000;  // 100-frame PCM chunks keep the tests fast
  c.channels = 1;
  c.opus = false;
  c.windowSeconds = 1.0;  // 10 frames
  c.skipBehindSeconds = 0.5;
  c.closeWindowSeconds = 10.0;
  c.maxSkipsInWindow = 3;
  return c;
}
}  // namespace

TEST_CASE("broadcaster fans one immutable frame out to every subscriber") {
  auto b = Broadcaster::create(smallConfig()).value();
  CHECK_FALSE(b->hasCodec(Codec::Opus));
  CHECK(b->subscribe(Codec::Opus, std::nullopt) == nullptr);
  std::atomic<int> notified{0};
  auto s1 = b->subscribe(Codec::Pcm16, std::nullopt, [&] { notified.fetch_add(1); });
  auto s2 = b->subscribe(Codec::Pcm16, std::nullopt);
  Feeder f{*b};
  f.chunks(3);
  CHECK(notified.load() == 1);  // one wake-up stays pending until the subscriber pulls
  std::vector<FramePtr> a, c;
  CHECK(s1->pull(a, 10) == 3);
  CHECK(s2->pull(c, 10) == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(a[i].get() == c[i].get());  // encoded once, shared
    CHECK(a[i]->header.sequence == i + 1);
    CHECK(a[i]->header.samplePosition == i * 100);
  }
  CHECK(s1->pull(a, 10) == 0);
  CHECK(b->latestSequence(Codec::Pcm16) == 3);
  CHECK(b->subscriberCount() == 2);
  s2.reset();
  f.chunks(1);
  CHECK(b->subscriberCount() == 1);
}

TEST_CASE("resume resends missed frames inside the window, else joins live") {
  auto b = Broadcaster::create(smallConfig()).value();
  Feeder f{*b};
  f.chunks(8);
  auto resumed = b->subscribe(Codec::Pcm16, 5);
  CHECK(resumed->resumeOutcome() == ResumeOutcome::Resumed);
  std::vector<FramePtr> got;
  CHECK(resumed->pull(got, 10) == 3);
  CHECK(got.front()->header.sequence == 6);
  f.chunks(20);  // frames 1..18 have left the 10-frame window
  auto late = b->subscribe(Codec::Pcm16, 5);
  CHECK(late->resumeOutcome() == ResumeOutcome::Live);
  CHECK(late->firstSequence() == 29);
  auto fresh = b->subscribe(Codec::Pcm16, std::nullopt);
  CHECK(fresh->resumeOutcome() == ResumeOutcome::None);
}

TEST_CASE("a slow subscriber skips to the live edge (counted) and is closed if it stays behind") {
  auto b = Broadcaster::create(smallConfig()).value();
  Feeder f{*b};
  auto slow = b->subscribe(Codec::Pcm16, std::nullopt);
  auto keen = b->subscribe(Codec::Pcm16, std::nullopt);
  std::vector<FramePtr> got;
  std::vector<FramePtr> keenGot;
  const auto t0 = AudioSubscriber::Clock::now();
  // The keen subscriber pulls after every chunk; the slow one rarely.
  auto feedKeen = [&](int n, AudioSubscriber::Clock::time_point t) {
    for (int i = 0; i < n; ++i) {
      f.chunks(1);
      CHECK(keen->pull(keenGot, 100, t) == 1);
    }
  };
  feedKeen(4, t0);  // 0.4 s behind: within tolerance
  CHECK(slow->pull(got, 2, t0) == 2);
  CHECK(slow->skips() == 0);
  feedKeen(6, t0);  // 0.8 s behind now
  got.clear();
  CHECK(slow->pull(got, 100, t0) == 0);  // jumped to live; nothing new yet
  CHECK(slow->skips() == 1);
  CHECK(b->skips() == 1);
  feedKeen(1, t0);
  CHECK(slow->pull(got, 100, t0) == 1);
  CHECK(got.back()->header.sequence == 11);
  feedKeen(12, t0 + 1s);
  slow->pull(got, 100, t0 + 1s);
  CHECK_FALSE(slow->closed());
  feedKeen(12, t0 + 2s);
  slow->pull(got, 100, t0 + 2s);  // third skip within 10 s
  CHECK(slow->closed());
  CHECK(b->closedSubscribers() == 1);
  CHECK(slow->pull(got, 100, t0 + 2s) == 0);
  feedKeen(3, t0 + 3s);
  CHECK(keen->skips() == 0);  // the other subscriber is unaffected
  CHECK_FALSE(keen->closed());
  CHECK(keenGot.back()->header.sequence == 38);
}

TEST_CASE("skips spread out over time do not close a subscriber") {
  auto b = Broadcaster::create(smallConfig()).value();
  Feeder f{*b};
  auto s = b->subscribe(Codec::Pcm16, std::nullopt);
  std::vector<FramePtr> got;
  const auto t0 = AudioSubscriber::Clock::now();
  for (int i = 0; i < 6; ++i) {
    f.chunks(8);
    s->pull(got, 100, t0 + std::chrono::seconds(11 * i));
  }
  CHECK(s->skips() == 6);
  CHECK_FALSE(s->closed());
}

TEST_CASE("feed never waits for subscribers, even ones that never pull") {
  BroadcasterConfig c;  // 48 kHz stereo, both codecs
  auto b = Broadcaster::create(c).value();
  std::vector<std::shared_ptr<AudioSubscriber>> idle;
  for (int i = 0; i < 50; ++i) idle.push_back(b->subscribe(i % 2 ? Codec::Opus : Codec::Pcm16, 0));
  std::atomic<bool> stop{false};
  auto busy = b->subscribe(Codec::Pcm16, std::nullopt);
  std::thread reader([&] {
    std::vector<FramePtr> got;
    while (!stop.load()) {
      got.clear();
      busy->pull(got, 4);
    }
  });
  std::vector<float> block(2 * 480, 0.25F);
  const auto start = std::chrono::steady_clock::now();
  std::int64_t pos = 0;
  for (int i = 0; i < 500; ++i) {  // 5 s of audio
    b->feed(block.data(), 480, pos);
    pos += 480;
  }
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stop = true;
  reader.join();
  CHECK(b->latestSequence(Codec::Pcm16) == 50);
  CHECK(b->latestSequence(Codec::Opus) == 250);
  MESSAGE("fed 5 s of stereo audio (pcm16 + opus) in " << took << " s");
  CHECK(took < 5.0);  // faster than real time with 51 subscribers attached
}

TEST_CASE("broadcaster wakes a subscriber once per pull, and every n frames when asked") {
  BroadcasterConfig cfg;
  cfg.opus = false;  // PCM16: one frame per 100 ms chunk (4800 frames at 48 kHz)
  auto created = Broadcaster::create(cfg);
  REQUIRE(created.ok());
  Broadcaster& b = *created.value();
  std::atomic<int> wakesA{0};
  std::atomic<int> wakesB{0};
  auto a = b.subscribe(Codec::Pcm16, std::nullopt, [&] { ++wakesA; });
  auto batched = b.subscribe(Codec::Pcm16, std::nullopt, [&] { ++wakesB; });
  batched->setWakeEvery(3);
  std::vector<float> chunk(2 * 4800, 0.1F);
  std::int64_t pos = 0;
  auto feedFrames = [&](int n) {
    for (int i = 0; i < n; ++i, pos += 4800) b.feed(chunk.data(), 4800, pos);
  };
  std::vector<FramePtr> out;
  // No pull yet: five frames, one wake-up (it stays pending until pulled).
  feedFrames(5);
  CHECK(wakesA == 1);
  CHECK(a->pull(out, 100) == 5);
  feedFrames(1);
  CHECK(wakesA == 2);
  // The batched one: its first wake-up came with the first frame; after a pull it
  // wakes only once three more frames are waiting.
  CHECK(wakesB == 1);
  out.clear();
  CHECK(batched->pull(out, 100) == 6);
  feedFrames(2);
  CHECK(wakesB == 1);
  feedFrames(1);
  CHECK(wakesB == 2);
  out.clear();
  CHECK(batched->pull(out, 100) == 3);
  CHECK(out.front()->header.sequence == 7);
}

TEST_CASE("a subscriber detached at a batch boundary is not woken, reattach resumes where told") {
  BroadcasterConfig cfg;
  cfg.opus = false;  // PCM16: one frame per 100 ms chunk
  auto created = Broadcaster::create(cfg);
  REQUIRE(created.ok());
  Broadcaster& b = *created.value();
  std::atomic<int> wakes{0};
  auto sub = b.subscribe(Codec::Pcm16, std::nullopt, [&] { ++wakes; });
  std::vector<float> chunk(2 * 4800, 0.1F);
  std::int64_t pos = 0;
  auto feedFrames = [&](int n) {
    for (int i = 0; i < n; ++i, pos += 4800) b.feed(chunk.data(), 4800, pos);
  };
  std::vector<FramePtr> out;
  feedFrames(3);
  // Not at the live edge (three frames wait): refused, nothing changes.
  CHECK_FALSE(sub->detachAtLiveEdge(1).has_value());
  CHECK(sub->pull(out, 100) == 3);
  // At the live edge (cursor 4) but not on a boundary of 2 (3 is odd).
  CHECK_FALSE(sub->detachAtLiveEdge(2).has_value());
  const auto at = sub->detachAtLiveEdge(3);  // (4 - 1) % 3 == 0
  REQUIRE(at.has_value());
  CHECK(*at == 4);
  CHECK(b.subscriberCount() == 1);  // parked out of feed()'s walk, still counted
  const int before = wakes.load();
  feedFrames(4);  // frames 4..7 arrive while someone else delivers them
  CHECK(wakes.load() == before);
  // Delivery resumes from 6 (4 and 5 went out elsewhere): the next pull starts there.
  sub->reattach(6);
  out.clear();
  CHECK(sub->pull(out, 100) == 2);
  CHECK(out.front()->header.sequence == 6);
  feedFrames(1);
  CHECK(wakes.load() == before + 1);
  CHECK(b.subscriberCount() == 1);
  sub.reset();
  CHECK(b.subscriberCount() == 0);
}

TEST_CASE("framesToNextFrame counts down to the nearest frame of any codec") {
  BroadcasterConfig c;
  c.sampleRate = 48000;
  c.channels = 2;
  c.opus = true;  // 960-frame Opus frames beside 4800-frame PCM16 chunks
  auto b = Broadcaster::create(c).value();
  CHECK(b->framesToNextFrame() == 960);
  std::vector<float> block(2 * 256, 0.0F);
  b->feed(block.data(), 256, 0);
  CHECK(b->framesToNextFrame() == 704);
  b->feed(block.data(), 256, 256);
  b->feed(block.data(), 256, 512);
  b->feed(block.data(), 256, 768);  // Opus frame done at 960, 64 frames into the next
  CHECK(b->framesToNextFrame() == 896);
  CHECK(b->latestSequence(Codec::Opus) == 1);

  c.opus = false;  // PCM16 alone: its 100 ms chunk
  auto pcm = Broadcaster::create(c).value();
  pcm->feed(block.data(), 256, 0);
  CHECK(pcm->framesToNextFrame() == 4800 - 256);
}
