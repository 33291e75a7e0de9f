// EventBus: one way out for everything observers see (status broadcasts,
// generation updates, telemetry). A publisher serialises an event once; each
// subscriber gets the same immutable text through its own bounded queue.
//
// Contract
//   publish:    any thread except the audio thread (it serialises and allocates).
//               Never waits for a subscriber: a full queue drops its OLDEST event
//               (fresh telemetry beats stale) and counts the drop.
//   subscriber: one consumer thread (or strand) per Subscription calls tryPop.
//               `onReady` runs on the publisher's thread when the queue goes from
//               empty to non-empty; it must be cheap (e.g. post to a strand).
//   cost:       a publish touches only the subscribers that want its kind. Kinds
//               are interned as bits; the bus counts how many subscribers want
//               each bit, so telemetry nobody asked for (2,000 audio-only
//               listeners, 150 events a second) costs one load, not a walk.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace auralis::control {

/// One published event: its kind and its serialised JSON text (shared, immutable).
struct Event {
  std::string kind;
  std::shared_ptr<const std::string> text;
};

/// Any thread. The bit interned for `kind` (the first 63 kinds get one each;
/// later ones share the last bit and are told apart by name).
std::uint64_t eventKindBit(std::string_view kind);

/// How many subscriptions want each kind bit (shared by a bus and its subscriptions).
class KindInterest {
 public:
  /// Any thread.
  void add(std::uint64_t mask);
  void remove(std::uint64_t mask);
  bool any(std::uint64_t bit) const;

 private:
  std::array<std::atomic<std::uint32_t>, 64> counts_{};
};

class Subscription {
 public:
  Subscription(std::vector<std::string> kinds, std::size_t capacity, std::function<void()> onReady,
               std::shared_ptr<KindInterest> interest = nullptr);
  ~Subscription();
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  /// Consumer. The oldest queued event; false when the queue is empty.
  bool tryPop(Event& out);
  /// Any thread. Replaces the kinds this subscription receives ("*" means all).
  void setKinds(std::vector<std::string> kinds);
  /// Any thread. Events dropped because the queue was full.
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  friend class EventBus;
  void deliver(const Event& event);
  bool wantsByName(std::string_view kind) const;

  const std::size_t capacity_;
  const std::function<void()> onReady_;
  const std::shared_ptr<KindInterest> interest_;
  // The kinds as bits, shared with the bus's list so a publish can skip this
  // subscription without locking it.
  const std::shared_ptr<std::atomic<std::uint64_t>> mask_;
  mutable std::mutex mutex_;
  std::vector<std::string> kinds_;
  std::deque<Event> queue_;
  std::atomic<std::uint64_t> dropped_{0};
};

class EventBus {
 public:
  /// Any non-real-time thread. Sets payload["type"] = kind when absent, serialises
  /// once and delivers to every live subscriber that wants `kind`.
  void publish(std::string_view kind, nlohmann::json payload);
  /// Any non-real-time thread. Delivers already-serialised text.
  void publishText(std::string_view kind, std::shared_ptr<const std::string> text);

  /// Any thread. A new subscription; it lives as long as the caller holds it.
  std::shared_ptr<Subscription> subscribe(std::vector<std::string> kinds,
                                          std::size_t capacity = 256,
                                          std::function<void()> onReady = {});

  /// Any thread. Events published so far, and drops summed over live subscribers.
  std::uint64_t published() const { return published_.load(std::memory_order_relaxed); }
  std::uint64_t droppedTotal() const;

 private:
  struct Entry {
    std::weak_ptr<Subscription> subscription;
    std::shared_ptr<const std::atomic<std::uint64_t>> mask;
  };
  std::vector<std::shared_ptr<Subscription>> liveSubscribers() const;

  const std::shared_ptr<KindInterest> interest_ = std::make_shared<KindInterest>();
  mutable std::mutex mutex_;
  mutable std::vector<Entry> subscribers_;
  std::atomic<std::uint64_t> published_{0};
};

}  // namespace auralis::control
