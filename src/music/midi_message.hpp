// MIDI bytes -> typed messages: the one parser every MIDI input (JACK MIDI, the
// ALSA sequencer through RtMidi, Web MIDI over the WebSocket) goes through, so
// they all agree on what a byte stream means.
//
// Public interface
//   parseMidi(bytes, runningStatus) -> Result<MidiParse>
//
// It follows the MIDI 1.0 byte grammar: a status byte (0x80..0xFF) starts a
// message, data bytes (0x00..0x7F) follow; running status lets a channel
// message omit its status when it repeats; real-time bytes (0xF8..0xFF) may
// appear anywhere, even inside another message, and never disturb running
// status; system common messages (0xF0..0xF7) cancel it. A note-on with
// velocity 0 is a note-off (as every sender means it). SysEx is reported by
// its length only, and a SysEx longer than kMaxSysExBytes is refused.
//
// Thread rules: a pure function; any thread except the audio thread (the
// result allocates).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/result.hpp"

namespace auralis::music {

enum class MidiKind : std::uint8_t {
  NoteOff,
  NoteOn,
  PolyPressure,
  ControlChange,
  ProgramChange,
  ChannelPressure,
  PitchBend,
  SysEx,          // F0 .. F7; `length` bytes including both
  TimeCode,       // F1
  SongPosition,   // F2; value = MIDI beats (sixteenths)
  SongSelect,     // F3
  TuneRequest,    // F6
  Clock,          // F8
  Start,          // FA
  Continue,       // FB
  Stop,           // FC
  ActiveSensing,  // FE
  Reset,          // FF
};

/// One decoded message. Fields a kind does not use are 0.
struct MidiMessage {
  MidiKind kind = MidiKind::NoteOn;
  std::uint8_t channel = 0;  // 0..15 for channel messages
  std::uint8_t data1 = 0;    // note, controller, program, pressure
  std::uint8_t data2 = 0;    // velocity, controller value
  int value = 0;             // pitch bend -8192..8191; song position; SysEx length
  bool operator==(const MidiMessage&) const = default;
};

/// The longest SysEx accepted, bytes including F0 and F7.
inline constexpr std::size_t kMaxSysExBytes = 256;

struct MidiParse {
  std::vector<MidiMessage> messages;
  /// The running status after the bytes (0 when none): pass it to the next call
  /// for a stream that arrives in pieces.
  std::uint8_t runningStatus = 0;
};

/// Decodes `bytes`. Errors (code "invalid_param", message naming the byte
/// offset): a data byte with no status to run on, a message cut short, an
/// undefined status (F4, F5, F9, FD), a stray F7, an unterminated or oversized
/// SysEx.
Result<MidiParse> parseMidi(std::span<const std::uint8_t> bytes, std::uint8_t runningStatus = 0);

/// "note_on", "control_change", ... (stable names for JSON and logs).
const char* midiKindName(MidiKind kind);

/// Whether `kind` carries a channel.
constexpr bool isChannelMessage(MidiKind kind) {
  return kind <= MidiKind::PitchBend;
}

}  // namespace auralis::music
