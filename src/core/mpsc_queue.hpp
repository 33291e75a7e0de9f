// MpscQueue<T>: many non-real-time producers, one real-time consumer.
//
// Contract
//   producers: any number of threads (network, OSC, IPC, voice); they serialise
//              on a mutex among themselves. Never call tryPush from the audio thread.
//   consumer:  exactly one thread (the audio thread); tryPop is wait-free and
//              never touches the mutex.
//   full:      tryPush returns false; the producer answers its client with an error.
#pragma once

#include <mutex>

#include "core/spsc_ring.hpp"

namespace auralis {

template <class T>
class MpscQueue {
 public:
  explicit MpscQueue(std::size_t capacity) : ring_(capacity) {}

  /// Producers (non-real-time). May wait for another producer, never for the consumer.
  bool tryPush(const T& item) {
    std::lock_guard lock(producerMutex_);
    return ring_.tryPush(item);
  }
  /// Consumer (audio thread). Wait-free.
  bool tryPop(T& out) noexcept { return ring_.tryPop(out); }
  std::size_t sizeApprox() const noexcept { return ring_.sizeApprox(); }

 private:
  std::mutex producerMutex_;
  SpscRing<T> ring_;
};

}  // namespace auralis
