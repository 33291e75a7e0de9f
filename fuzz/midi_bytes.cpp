// MIDI / SysEx bytes, as JACK MIDI, the ALSA sequencer and Web MIDI hand them to
// music::parseMidi. Beyond "no crash": a refusal has a code and a message, every
// accepted message is well formed (channel, 7-bit data, pitch-bend range, SysEx
// length), and the running status handed back is a channel status or none.
#include <cstddef>
#include <cstdint>
#include <span>

#include "fuzz_require.hpp"
#include "music/midi_message.hpp"

using namespace auralis;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // The first byte picks the running status to start from and where to cut.
  const std::uint8_t running = (data[0] & 0x80) != 0 ? static_cast<std::uint8_t>(data[0]) : 0;
  const std::span<const std::uint8_t> bytes(data + 1, size - 1);
  auto whole = music::parseMidi(bytes, running < 0xF0 ? running : 0);
  if (!whole) {
    fuzz::require(!whole.error().code.empty() && !whole.error().message.empty(),
                  "a refusal has a code and a message");
    return 0;
  }
  for (const auto& m : whole.value().messages) {
    if (music::isChannelMessage(m.kind)) fuzz::require(m.channel < 16, "channel in 0..15");
    fuzz::require(m.data1 < 128 && m.data2 < 128, "data bytes are 7-bit");
    if (m.kind == music::MidiKind::PitchBend)
      fuzz::require(m.value >= -8192 && m.value <= 8191, "pitch bend in range");
    if (m.kind == music::MidiKind::SysEx)
      fuzz::require(m.value >= 2 && static_cast<std::size_t>(m.value) <= music::kMaxSysExBytes,
                    "SysEx length bounded");
  }
  fuzz::require(whole.value().runningStatus == 0 ||
                    (whole.value().runningStatus >= 0x80 && whole.value().runningStatus < 0xF0),
                "running status is a channel status or none");
  return 0;
}
