#include "io/midi_out.hpp"

#include <rtmidi/RtMidi.h>

#include <vector>

namespace auralis::io {

Result<std::unique_ptr<MidiOut>> MidiOut::open(MidiApi api, const std::string& clientName,
                                               const std::string& portName) {
  const auto rtApi = api == MidiApi::Jack ? RtMidi::UNIX_JACK : RtMidi::LINUX_ALSA;
  const char* apiName = api == MidiApi::Jack ? "JACK MIDI" : "the ALSA sequencer";
  try {
    auto out = std::make_unique<RtMidiOut>(rtApi, clientName);
    // RtMidi reports some failures through a callback-less warning print; a
    // port that failed to open leaves isPortOpen() false.
    out->openVirtualPort(portName);
    if (!out->isPortOpen() && api == MidiApi::Alsa)
      return makeError("io_error", std::string("cannot open a MIDI port on ") + apiName,
                       "midi.out");
    return std::unique_ptr<MidiOut>(new MidiOut(std::move(out)));
  } catch (const RtMidiError& e) {
    return makeError("io_error",
                     std::string("cannot open a MIDI port on ") + apiName + ": " + e.getMessage(),
                     "midi.out");
  }
}

MidiOut::MidiOut(std::unique_ptr<RtMidiOut> out) : out_(std::move(out)) {}

MidiOut::~MidiOut() = default;

bool MidiOut::send(const std::uint8_t* bytes, std::size_t size) noexcept {
  try {
    out_->sendMessage(bytes, size);
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace auralis::io
