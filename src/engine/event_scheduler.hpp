// EventScheduler: the audio thread's agenda of timed note starts and releases.
// A fixed-capacity binary min-heap ordered by (sample, arrival sequence), so
// events due at the same sample keep the order in which they arrived.
// Audio thread only, after prepare(); a full agenda refuses and the caller counts.
#pragma once

#include <cstdint>
#include <vector>

#include "music/note_event.hpp"

namespace auralis::engine {

struct ScheduledEvent {
  enum class Kind : std::uint8_t { NoteOn, NoteOff };
  std::int64_t sample = 0;
  std::uint64_t sequence = 0;
  Kind kind = Kind::NoteOn;
  std::uint32_t noteId = 0;
  music::NoteEvent note;
};

class EventScheduler {
 public:
  /// Control thread.
  void prepare(std::size_t capacity) {
    heap_.assign(capacity, ScheduledEvent{});
    size_ = 0;
  }
  void clear() noexcept { size_ = 0; }

  /// False when full.
  bool push(ScheduledEvent event) noexcept {
    if (size_ == heap_.size()) return false;
    event.sequence = nextSequence_++;
    std::size_t i = size_++;
    while (i > 0) {
      const std::size_t parent = (i - 1) / 2;
      if (!before(event, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = event;
    return true;
  }

  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }
  const ScheduledEvent& top() const noexcept { return heap_[0]; }

  void pop() noexcept {
    const ScheduledEvent last = heap_[--size_];
    std::size_t i = 0;
    for (;;) {
      const std::size_t l = 2 * i + 1;
      if (l >= size_) break;
      const std::size_t r = l + 1;
      const std::size_t child = (r < size_ && before(heap_[r], heap_[l])) ? r : l;
      if (!before(heap_[child], last)) break;
      heap_[i] = heap_[child];
      i = child;
    }
    if (size_ > 0) heap_[i] = last;
  }

 private:
  static bool before(const ScheduledEvent& a, const ScheduledEvent& b) noexcept {
    return a.sample != b.sample ? a.sample < b.sample : a.sequence < b.sequence;
  }

  std::vector<ScheduledEvent> heap_;
  std::size_t size_ = 0;
  std::uint64_t nextSequence_ = 0;
};

}  // namespace auralis::engine
