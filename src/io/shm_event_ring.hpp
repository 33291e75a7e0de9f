// The shared-memory event ring: a POSIX shm segment ("/auralis-events" by
// default) holding a lock-free single-writer ring of fixed 32-byte events that
// any number of processes read without ever slowing the writer.
//
// Layout (little-endian, x86-64; every word an 8-byte aligned atomic):
//   header, 128 bytes: magic "AURLEVT1", version, slot size (32), capacity
//     (slots, a power of two), sample rate, writer pid, next sequence (the
//     count of events published), the playhead (engine sample the writer last
//     saw), the writer's start time (ns since the epoch).
//   slots[capacity], 32 bytes each: word 0 is the slot's sequence stamp
//     (2n+1 while event n is being written, 2n+2 once it is complete, 0 never
//     written); words 1..3 hold the event (sample; type, source, pitch,
//     velocity and param 0; params 1 and 2).
// Each slot is its own seqlock: a reader that finds a stamp other than 2n+2 for
// the event n it wants either waits (older: not written yet) or knows it was
// lapped (newer: overwritten) and skips ahead, reporting how many it missed.
//
// Thread rules
//   ShmEventWriter: one writer thread in one process; publish() is wait-free,
//     noexcept and allocation-free (it could run on the audio thread; today it
//     runs on the event-ring thread).
//   ShmEventReader: one thread per reader object; any number of readers in any
//     number of processes. Readers only load, so they never slow the writer.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/result.hpp"

namespace auralis::io {

/// What an event reports. Values are part of the shared-memory format.
enum class RingEventType : std::uint8_t {
  Note = 1,     // pitch, velocity 0..127; params: duration s, pan, bar
  Chord = 2,    // pitch: root pitch class; params: bar
  Section = 3,  // params: intensity, bar
  Onset = 4,    // params: strength (0 if unknown)
  Beat = 5,     // params: bpm (0 if unknown)
  Tempo = 6,    // params: bpm
  Key = 7,      // pitch: root pitch class; velocity: 1 major, 0 minor/other
};

/// Sources: agents by music::Channel index (0 harmony .. 4 response), then
/// the analysis side-chain and the conductor.
inline constexpr std::uint8_t kSourceAnalysis = 16;
inline constexpr std::uint8_t kSourceConductor = 255;

/// One event, exactly 32 bytes as it lies in a slot (the first 8 bytes are
/// the sequence number the writer assigned).
struct RingEvent {
  std::uint64_t sequence = 0;
  std::int64_t sample = 0;  // engine sample clock (header: sample rate)
  RingEventType type = RingEventType::Note;
  std::uint8_t source = 0;
  std::uint8_t pitch = 0;
  std::uint8_t velocity = 0;
  float params[3] = {0.0F, 0.0F, 0.0F};
};
static_assert(sizeof(RingEvent) == 32);

inline constexpr std::uint32_t kRingVersion = 1;
inline constexpr char kRingMagic[8] = {'A', 'U', 'R', 'L', 'E', 'V', 'T', '1'};

/// The writer: creates (or takes over from a dead writer) and owns the segment.
class ShmEventWriter {
 public:
  /// Any non-real-time thread. `name` starts with '/'; `capacity` is a power of
  /// two in [16, 2^24]. A segment of that name whose writer is alive is not
  /// taken over ("busy"); one left by a dead writer is replaced.
  static Result<std::unique_ptr<ShmEventWriter>> create(const std::string& name,
                                                        std::size_t capacity, double sampleRate);
  ~ShmEventWriter();  // unmaps and unlinks the segment
  ShmEventWriter(const ShmEventWriter&) = delete;
  ShmEventWriter& operator=(const ShmEventWriter&) = delete;

  /// Writer thread. Stamps `event.sequence` and publishes it; returns the
  /// sequence. Wait-free, noexcept, no allocation.
  std::uint64_t publish(RingEvent event) noexcept;
  /// Writer thread. Records the engine's playhead for readers. Wait-free.
  void setPlayhead(std::int64_t sample) noexcept;
  /// Any thread. Events published so far.
  std::uint64_t published() const noexcept;
  const std::string& name() const { return name_; }
  std::size_t capacity() const { return capacity_; }

  struct Layout;

 private:
  ShmEventWriter(std::string name, Layout* layout, std::size_t bytes, std::size_t capacity);
  std::string name_;
  Layout* layout_;
  std::size_t bytes_;
  std::size_t capacity_;
};

/// What one ShmEventReader::next() found.
enum class ReadStatus { Event, Empty, Lapped };

/// A reader, in any process.
class ShmEventReader {
 public:
  enum class Start { Oldest, Latest };
  /// Any thread. Maps the segment read-only; refuses a bad magic or version.
  static Result<std::unique_ptr<ShmEventReader>> open(const std::string& name,
                                                      Start start = Start::Latest);
  ~ShmEventReader();
  ShmEventReader(const ShmEventReader&) = delete;
  ShmEventReader& operator=(const ShmEventReader&) = delete;

  /// Reader thread. Event: `out` holds the next event (sequences increase by
  /// one between Events unless a Lapped came between). Empty: nothing new yet.
  /// Lapped: the writer overwrote events we had not read; `missed()` grew by
  /// the number skipped and the next call continues at the oldest safe event.
  ReadStatus next(RingEvent& out) noexcept;

  /// Reader thread. Events skipped because the writer lapped us, in total.
  std::uint64_t missed() const noexcept { return missed_; }
  /// Reader thread. The sequence the next Event should carry.
  std::uint64_t position() const noexcept { return next_; }
  /// Any thread. The writer's published count and playhead, and the rate.
  std::uint64_t writerSequence() const noexcept;
  std::int64_t playhead() const noexcept;
  double sampleRate() const noexcept;
  std::size_t capacity() const noexcept { return capacity_; }
  /// Whether the writer process still runs (its pid is alive).
  bool writerAlive() const noexcept;

 private:
  ShmEventReader(const ShmEventWriter::Layout* layout, std::size_t bytes, std::size_t capacity);
  const ShmEventWriter::Layout* layout_;
  std::size_t bytes_;
  std::size_t capacity_;
  std::uint64_t next_ = 0;
  std::uint64_t missed_ = 0;
};

/// "note", "chord", ... for printing. Any thread.
const char* ringEventTypeName(RingEventType type) noexcept;

}  // namespace auralis::io
