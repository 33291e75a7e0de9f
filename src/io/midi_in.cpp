#include "io/midi_in.hpp"

#include <rtmidi/RtMidi.h>

#include <vector>

namespace auralis::io {

Result<std::unique_ptr<MidiIn>> MidiIn::open(MidiApi api, const std::string& clientName,
                                             const std::string& portName, Callback callback) {
  const auto rtApi = api == MidiApi::Jack ? RtMidi::UNIX_JACK : RtMidi::LINUX_ALSA;
  const char* apiName = api == MidiApi::Jack ? "JACK MIDI" : "the ALSA sequencer";
  std::unique_ptr<MidiIn> self(new MidiIn());
  self->callback_ = std::move(callback);
  try {
    auto in = std::make_unique<RtMidiIn>(rtApi, clientName);
    // The callback must be set before the port opens so no message is lost.
    in->setCallback(&MidiIn::trampoline, self.get());
    in->ignoreTypes(/*sysex*/ true, /*timing*/ false, /*active sensing*/ true);
    in->openVirtualPort(portName);
    if (!in->isPortOpen() && api == MidiApi::Alsa)
      return makeError("io_error", std::string("cannot open a MIDI input port on ") + apiName,
                       "midi.in");
    self->in_ = std::move(in);
    return self;
  } catch (const RtMidiError& e) {
    return makeError(
        "io_error",
        std::string("cannot open a MIDI input port on ") + apiName + ": " + e.getMessage(),
        "midi.in");
  }
}

MidiIn::~MidiIn() {
  // Close first: RtMidi's thread must stop calling back before callback_ goes.
  if (in_) {
    try {
      in_->cancelCallback();
      in_->closePort();
    } catch (...) {
    }
  }
}

void MidiIn::trampoline(double delta, std::vector<unsigned char>* message, void* self) {
  if (message == nullptr || message->empty() || self == nullptr) return;
  auto* me = static_cast<MidiIn*>(self);
  try {
    me->callback_(std::span<const std::uint8_t>(message->data(), message->size()), delta);
  } catch (...) {
    // Never let an exception unwind into RtMidi's thread.
  }
}

}  // namespace auralis::io
