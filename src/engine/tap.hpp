// Tap: a copy of the engine's audio handed to a side-chain consumer through a
// bounded SPSC ring. The audio thread is the only producer; one side-chain
// thread is the only consumer. A full ring drops the block and counts it:
// a side-chain that falls behind loses data, it never pushes back on audio.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <string>

#include "core/spsc_ring.hpp"

namespace auralis::engine {

inline constexpr int kMaxBlockFrames = 1024;

/// Every side-chain reads its own tap, so one that stalls drops only its own
/// blocks. Master taps carry the limited output, input taps the live input.
enum class TapId : std::uint8_t {
  Master,          // stream side-chain (encoders)
  MasterAnalysis,  // meters, spectrum, classifier, lighting features
  MasterLoudness,  // loudness normalisation (EBU R128 control loop)
  MasterRecord,    // recorder
  MasterEcho,      // voice side-chain's echo reference
  Input,           // input analysis (onsets, pitch, tempo, key)
  InputVoice,      // voice side-chain (speech recognition)
  InputRecord,     // recorder, when it records the input too
  Count
};
inline constexpr std::size_t kTapCount = static_cast<std::size_t>(TapId::Count);

/// The tap's name: the `tap` label of auralis_tap_drops_total.
constexpr const char* tapName(TapId id) noexcept {
  switch (id) {
    case TapId::Master:
      return "master";
    case TapId::MasterAnalysis:
      return "master_analysis";
    case TapId::MasterLoudness:
      return "master_loudness";
    case TapId::MasterRecord:
      return "master_record";
    case TapId::MasterEcho:
      return "master_echo";
    case TapId::Input:
      return "input";
    case TapId::InputVoice:
      return "input_voice";
    case TapId::InputRecord:
      return "input_record";
    case TapId::Count:
      break;
  }
  return "unknown";
}

/// True for taps fed from the master output, false for input taps.
constexpr bool isMasterTap(TapId id) noexcept {
  return id < TapId::Input;
}

struct TapBlock {
  std::int64_t samplePos = 0;      // engine sample position of the first frame
  std::uint64_t startedNanos = 0;  // core::monotonicNanos() when the audio thread began the block
  std::int32_t frames = 0;
  std::int32_t channels = 2;
  float samples[kMaxBlockFrames * 2];  // interleaved
};

class Tap {
 public:
  Tap(std::string name, std::size_t capacityBlocks)
      : name_(std::move(name)), ring_(capacityBlocks) {}

  /// Audio thread. Copies one stereo block in (interleaving); drops when full.
  /// `startedNanos` lets a reader predict the next blocks (tap_pacer.hpp).
  void push(const float* left, const float* right, int frames, std::int64_t samplePos,
            std::uint64_t startedNanos) noexcept {
    if (!enabled_.load(std::memory_order_relaxed)) return;
    TapBlock* slot = ring_.pushSlot();
    if (slot == nullptr) {
      drops_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    slot->samplePos = samplePos;
    slot->startedNanos = startedNanos;
    slot->frames = frames;
    slot->channels = 2;
    for (int i = 0; i < frames; ++i) {
      slot->samples[2 * i] = left[i];
      slot->samples[2 * i + 1] = right[i];
    }
    ring_.commitPush();
  }

  /// Consumer thread. The oldest block, read in place, or nullptr; then pop().
  const TapBlock* front() noexcept { return ring_.front(); }
  void pop() noexcept { ring_.pop(); }

  /// A tap nobody reads stays disabled so that it neither copies nor counts drops.
  void setEnabled(bool on) noexcept { enabled_.store(on, std::memory_order_relaxed); }
  std::uint64_t drops() const noexcept { return drops_.load(std::memory_order_relaxed); }
  const std::string& name() const noexcept { return name_; }

 private:
  std::string name_;
  SpscRing<TapBlock> ring_;
  std::atomic<bool> enabled_{false};
  std::atomic<std::uint64_t> drops_{0};
};

}  // namespace auralis::engine
