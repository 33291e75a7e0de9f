// MidiOut: one MIDI output port through RtMidi, on the ALSA sequencer or JACK
// MIDI, opened as a virtual port other programs connect to ("auralis:midi_out").
// RtMidi's JACK backend queues bytes into a ring its process callback drains,
// so send() never waits for the JACK period.
//
// Thread rules: open() and send() from one non-real-time thread (RtMidi's
// sendMessage allocates on ALSA).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/result.hpp"

class RtMidiOut;

namespace auralis::io {

enum class MidiApi { Alsa, Jack };

class MidiOut {
 public:
  /// Opens a virtual output port `portName` for client `clientName`; an error
  /// says why (no ALSA sequencer device, no JACK server).
  static Result<std::unique_ptr<MidiOut>> open(MidiApi api, const std::string& clientName,
                                               const std::string& portName);
  ~MidiOut();
  MidiOut(const MidiOut&) = delete;
  MidiOut& operator=(const MidiOut&) = delete;

  /// Sends one complete MIDI message (1..3 bytes); false when RtMidi refused it.
  bool send(const std::uint8_t* bytes, std::size_t size) noexcept;

 private:
  explicit MidiOut(std::unique_ptr<RtMidiOut> out);
  std::unique_ptr<RtMidiOut> out_;
};

}  // namespace auralis::io
