// SeqLockCell<T>: one writer publishes a small trivially-copyable snapshot; any
// number of readers copy it out. The writer never waits; a reader retries when
// it raced a write. For feature snapshots and parameter views read off the
// audio or side-chain threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace auralis {

template <class T>
class SeqLockCell {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  /// Single writer thread. Wait-free.
  void store(const T& value) noexcept {
    std::uint64_t in[kWords]{};
    std::memcpy(in, &value, sizeof(T));
    // The acquire half of this RMW keeps the data stores below from moving
    // above the odd (write in progress) mark. No standalone fences: GCC's
    // ThreadSanitizer does not model them.
    const auto s = seq_.fetch_add(1, std::memory_order_acq_rel);
    for (std::size_t i = 0; i < kWords; ++i)
      std::atomic_ref<std::uint64_t>(words_[i]).store(in[i], std::memory_order_relaxed);
    seq_.store(s + 2, std::memory_order_release);
  }

  /// Any thread. Lock-free; retries while a write is in progress.
  T load() const noexcept {
    std::uint64_t out[kWords];
    for (;;) {
      const auto s1 = seq_.load(std::memory_order_acquire);
      if (s1 & 1U) continue;
      // Word-wise atomics keep the racing copy free of data races (TSan-clean);
      // acquire keeps the re-check of seq_ below from moving above them.
      for (std::size_t i = 0; i < kWords; ++i)
        out[i] = std::atomic_ref<std::uint64_t>(words_[i]).load(std::memory_order_acquire);
      if (seq_.load(std::memory_order_relaxed) == s1) break;
    }
    T value;
    std::memcpy(&value, out, sizeof(T));
    return value;
  }

 private:
  static constexpr std::size_t kWords = (sizeof(T) + 7) / 8;

  std::atomic<std::uint64_t> seq_{0};
  alignas(8) mutable std::uint64_t words_[kWords]{};
};

}  // namespace auralis
