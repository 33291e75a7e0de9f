// The timed note: what the ensemble plans and the engine plays. Plain data so it
// can cross threads through a lock-free ring.
#pragma once

#include <cstdint>

namespace auralis::music {

/// Which mixer channel a note belongs to; one channel per agent.
enum class Channel : std::uint8_t {
  Harmony = 0,
  Bass = 1,
  Melody = 2,
  Percussion = 3,
  Response = 4,  // notes answering live input (play-with-a-human)
  Count
};
inline constexpr int kChannelCount = static_cast<int>(Channel::Count);

/// The kinds of instrument a channel can host; the engine builds one instance
/// per (channel, kind) it is configured with.
enum class InstrumentKind : std::uint8_t {
  TestTone = 0,  // sine/saw with an envelope: the engine's built-in test voice
  Pad,           // detuned band-limited saws -> resonant low-pass -> ADSR
  Keys,          // FM / plucked keys
  Bass,
  Bell,
  Kick,
  Snare,
  Hihat,
  Swell,        // filtered-noise riser
  GeneralMidi,  // SoundFont through libfluidsynth
  Count
};
inline constexpr int kInstrumentKindCount = static_cast<int>(InstrumentKind::Count);

/// One note, placed on the engine's sample clock. The engine starts it at
/// exactly `startSample` (split inside the block) and releases it
/// `lengthSamples` later.
struct NoteEvent {
  std::int64_t startSample = 0;
  std::int32_t lengthSamples = 0;
  Channel channel = Channel::Harmony;
  InstrumentKind instrument = InstrumentKind::TestTone;
  std::uint8_t pitch = 60;  // MIDI note number
  std::uint8_t program = 0; // General MIDI program, for InstrumentKind::GeneralMidi
  float velocity = 0.8F;    // 0..1
  float pan = 0.0F;         // -1 (left) .. 1 (right)
};

}  // namespace auralis::music
