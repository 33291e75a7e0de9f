// MidiIn: one MIDI input port through RtMidi, on the ALSA sequencer or JACK
// MIDI, opened as a virtual port other programs connect to ("auralis:midi_in").
// Each complete message RtMidi assembles is handed to the callback as raw bytes
// (parse them with music::parseMidi).
//
// Thread rules: open() and the destructor on one non-real-time thread (the main
// thread). The callback runs on RtMidi's own input thread (ALSA) or is fed from
// RtMidi's JACK process callback through its ring (JACK): never the engine's
// audio thread, but it must still be quick and must not block for long.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "core/result.hpp"
#include "io/midi_out.hpp"

class RtMidiIn;

namespace auralis::io {

class MidiIn {
 public:
  /// bytes of one message; `deltaSeconds` since the previous one (RtMidi's stamp).
  using Callback = std::function<void(std::span<const std::uint8_t> bytes, double deltaSeconds)>;

  /// Opens a virtual input port; an error says why (no ALSA sequencer device,
  /// no JACK server). SysEx and active sensing are filtered out by RtMidi.
  static Result<std::unique_ptr<MidiIn>> open(MidiApi api, const std::string& clientName,
                                              const std::string& portName, Callback callback);
  ~MidiIn();
  MidiIn(const MidiIn&) = delete;
  MidiIn& operator=(const MidiIn&) = delete;

 private:
  MidiIn() = default;
  static void trampoline(double delta, std::vector<unsigned char>* message, void* self);

  Callback callback_;
  std::unique_ptr<RtMidiIn> in_;
};

}  // namespace auralis::io
