// SpscRing<T>: a bounded, wait-free single-producer single-consumer queue.
//
// Contract
//   producer: exactly one thread calls tryPush / pushSlot+commit.
//   consumer: exactly one thread calls tryPop / front+pop.
//   full:     tryPush returns false and the item is not enqueued. The caller
//             counts the drop; nothing ever blocks or waits.
//   memory:   allocated once in the constructor (non-real-time); capacity is
//             rounded up to a power of two.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>

namespace auralis {

inline constexpr std::size_t kCacheLine = 64;

template <class T>
class SpscRing {
  static_assert(std::is_trivially_copyable_v<T>, "ring items are copied, never constructed");

 public:
  explicit SpscRing(std::size_t capacity)
      : capacity_(roundUp(capacity)), mask_(capacity_ - 1), slots_(new T[capacity_]) {}

  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  /// Producer. Wait-free. False when full (the item is dropped by the caller).
  bool tryPush(const T& item) noexcept {
    T* slot = pushSlot();
    if (slot == nullptr) return false;
    *slot = item;
    commitPush();
    return true;
  }

  /// Producer. The slot to fill in place (large items), or nullptr when full.
  /// Must be followed by commitPush() before the next pushSlot().
  T* pushSlot() noexcept {
    const auto w = write_.load(std::memory_order_relaxed);
    if (w - readCache_ >= capacity_) {
      readCache_ = read_.load(std::memory_order_acquire);
      if (w - readCache_ >= capacity_) return nullptr;
    }
    return &slots_[w & mask_];
  }
  void commitPush() noexcept {
    write_.store(write_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }

  /// Consumer. Wait-free. False when empty.
  bool tryPop(T& out) noexcept {
    const T* item = front();
    if (item == nullptr) return false;
    out = *item;
    pop();
    return true;
  }

  /// Consumer. The oldest item, read in place, or nullptr when empty.
  const T* front() noexcept {
    const auto r = read_.load(std::memory_order_relaxed);
    if (r == writeCache_) {
      writeCache_ = write_.load(std::memory_order_acquire);
      if (r == writeCache_) return nullptr;
    }
    return &slots_[r & mask_];
  }
  void pop() noexcept {
    read_.store(read_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }

  /// Any thread. A snapshot that may be stale by the time it is used.
  std::size_t sizeApprox() const noexcept {
    return static_cast<std::size_t>(write_.load(std::memory_order_acquire) -
                                    read_.load(std::memory_order_acquire));
  }
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  static std::size_t roundUp(std::size_t n) {
    std::size_t c = 2;
    while (c < n) c <<= 1;
    return c;
  }

  const std::size_t capacity_;
  const std::size_t mask_;
  std::unique_ptr<T[]> slots_;
  alignas(kCacheLine) std::atomic<std::uint64_t> write_{0};
  std::uint64_t readCache_ = 0;  // producer's view of read_
  alignas(kCacheLine) std::atomic<std::uint64_t> read_{0};
  std::uint64_t writeCache_ = 0;  // consumer's view of write_
};

}  // namespace auralis
