// DmxCapture: the lighting frames of a session bundle, written to
// `<bundle>/dmx.bin` while a bundle recording runs.
//
// The lighting frame thread offers every frame it renders (the heard sample
// position and the patched universes); a bounded SPSC queue carries them to a
// small writer thread of our own. The frame loop never waits: a full queue drops
// the frame and counts it (the manifest reports the drops).
//
// dmx.bin, little-endian:
//   header (24 bytes): "AURALDMX", uint16 version = 1, uint16 slots per universe = 512,
//                      uint32 sample rate (Hz), uint32 frame rate × 1000, uint32 reserved = 0
//   then per frame:    int64 heard sample, uint16 universes, universes × 512 bytes (DMX slots)
//
// Thread rules: attach() on the main thread before the lighting starts; offer()
// on the lighting frame thread only; begin()/end() from one control thread at a
// time (RecordingService holds its mutex).
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "core/result.hpp"
#include "core/spsc_ring.hpp"
#include "lighting/scene.hpp"

namespace auralis::app {

class DmxCapture {
 public:
  static constexpr std::size_t kQueueFrames = 64;  // 1.6 s at 40 FPS of writer stall
  static constexpr std::size_t kHeaderBytes = 24;

  DmxCapture() = default;
  ~DmxCapture();
  DmxCapture(const DmxCapture&) = delete;
  DmxCapture& operator=(const DmxCapture&) = delete;

  /// Main thread, before the lighting starts: allocates the queue. Without it
  /// bundles have no dmx.bin (lighting is off).
  void attach(double sampleRate, double fps);
  /// Any thread.
  bool attached() const { return ring_ != nullptr; }

  /// Lighting frame thread. Queues the frame while a capture runs; never waits.
  void offer(std::int64_t heardSample, const lighting::DmxFrame& frame) noexcept;

  /// Control thread. Creates `path`, writes the header and captures every frame
  /// heard from `fromSample` on. io_error when the file cannot be written.
  Status begin(const std::string& path, std::int64_t fromSample);

  struct Summary {
    std::uint64_t frames = 0;  // written
    std::uint64_t drops = 0;   // lost: the queue was full
    std::string error;         // a write error ("" when none)
  };
  /// Control thread. Stops capturing, writes what is queued, closes the file.
  Summary end();
  /// Any thread.
  bool capturing() const { return capturing_.load(std::memory_order_acquire); }

 private:
  struct Slot {
    std::int64_t sample;
    std::uint32_t session;
    std::int32_t universes;
    std::array<std::array<std::uint8_t, lighting::kDmxSlots>, lighting::kMaxUniverses> data;
  };
  void writeLoop();
  void writeSlot(const Slot& slot);

  std::unique_ptr<SpscRing<Slot>> ring_;
  double sampleRate_ = 48000.0;
  double fps_ = 40.0;
  std::atomic<bool> capturing_{false};
  std::atomic<std::uint32_t> session_{0};
  std::atomic<std::uint64_t> drops_{0};
  std::atomic<bool> stop_{false};
  std::thread writer_;
  std::FILE* file_ = nullptr;  // the writer thread's while it runs
  std::int64_t fromSample_ = 0;
  std::uint64_t frames_ = 0;
  std::string error_;
};

}  // namespace auralis::app
