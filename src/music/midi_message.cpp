#include "music/midi_message.hpp"

#include <string>

namespace auralis::music {

namespace {

/// Data bytes that follow a channel status (by its high nibble) or -1 for
/// system statuses, which are handled one by one.
int channelDataBytes(std::uint8_t status) {
  switch (status & 0xF0) {
    case 0xC0:
    case 0xD0:
      return 1;
    case 0xF0:
      return -1;
    default:
      return 2;
  }
}

Error malformed(std::size_t at, const std::string& why) {
  return makeError("invalid_param", why + " at byte " + std::to_string(at));
}

MidiMessage channelMessage(std::uint8_t status, std::uint8_t d1, std::uint8_t d2) {
  MidiMessage m;
  m.channel = status & 0x0F;
  m.data1 = d1;
  switch (status & 0xF0) {
    case 0x80:
      m.kind = MidiKind::NoteOff;
      m.data2 = d2;
      break;
    case 0x90:
      m.kind = d2 == 0 ? MidiKind::NoteOff : MidiKind::NoteOn;
      m.data2 = d2;
      break;
    case 0xA0:
      m.kind = MidiKind::PolyPressure;
      m.data2 = d2;
      break;
    case 0xB0:
      m.kind = MidiKind::ControlChange;
      m.data2 = d2;
      break;
    case 0xC0:
      m.kind = MidiKind::ProgramChange;
      break;
    case 0xD0:
      m.kind = MidiKind::ChannelPressure;
      break;
    default:
      m.kind = MidiKind::PitchBend;
      m.data1 = 0;
      m.value = (d2 << 7 | d1) - 8192;
      break;
  }
  return m;
}

bool realTime(std::uint8_t b, MidiMessage& out) {
  switch (b) {
    case 0xF8:
      out.kind = MidiKind::Clock;
      return true;
    case 0xFA:
      out.kind = MidiKind::Start;
      return true;
    case 0xFB:
      out.kind = MidiKind::Continue;
      return true;
    case 0xFC:
      out.kind = MidiKind::Stop;
      return true;
    case 0xFE:
      out.kind = MidiKind::ActiveSensing;
      return true;
    case 0xFF:
      out.kind = MidiKind::Reset;
      return true;
    default:
      return false;
  }
}

}  // namespace

Result<MidiParse> parseMidi(std::span<const std::uint8_t> bytes, std::uint8_t runningStatus) {
  MidiParse out;
  std::uint8_t status = runningStatus >= 0x80 && runningStatus < 0xF0 ? runningStatus : 0;
  std::uint8_t data[2] = {0, 0};
  int have = 0;                 // data bytes collected for the current message
  std::size_t begun = 0;        // where it began, for errors
  std::size_t sysex = 0;        // > 0: inside a SysEx, bytes so far
  std::uint8_t common = 0;      // a system common status waiting for its data
  bool explicitStatus = false;  // the current message began with its own status byte

  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const std::uint8_t b = bytes[i];
    if (b >= 0xF8) {
      MidiMessage rt;
      if (!realTime(b, rt)) return malformed(i, "undefined real-time status");
      out.messages.push_back(rt);  // interleaves anywhere; running status untouched
      continue;
    }
    if (sysex > 0) {
      if (b == 0xF7) {
        MidiMessage m;
        m.kind = MidiKind::SysEx;
        m.value = static_cast<int>(sysex + 1);
        out.messages.push_back(m);
        sysex = 0;
        continue;
      }
      if (b >= 0x80) return malformed(i, "SysEx not terminated by F7");
      if (++sysex >= kMaxSysExBytes) return malformed(i, "SysEx longer than 256 bytes");
      continue;
    }
    if (b >= 0x80) {
      if (have > 0 || common != 0) return malformed(begun, "message cut short");
      begun = i;
      if (b < 0xF0) {
        status = b;
        explicitStatus = true;
        continue;
      }
      status = 0;  // system common cancels running status
      switch (b) {
        case 0xF0:
          sysex = 1;
          break;
        case 0xF1:
        case 0xF2:
        case 0xF3:
          common = b;
          break;
        case 0xF6: {
          MidiMessage m;
          m.kind = MidiKind::TuneRequest;
          out.messages.push_back(m);
          break;
        }
        case 0xF7:
          return malformed(i, "F7 outside a SysEx");
        default:
          return malformed(i, "undefined system status");
      }
      continue;
    }
    // A data byte.
    if (common != 0) {
      data[have++] = b;
      const int need = common == 0xF2 ? 2 : 1;
      if (have < need) continue;
      MidiMessage m;
      m.kind = common == 0xF1   ? MidiKind::TimeCode
               : common == 0xF2 ? MidiKind::SongPosition
                                : MidiKind::SongSelect;
      m.data1 = data[0];
      m.value = common == 0xF2 ? (data[1] << 7 | data[0]) : data[0];
      out.messages.push_back(m);
      common = 0;
      have = 0;
      continue;
    }
    if (status == 0) return malformed(i, "data byte without a status");
    if (have == 0 && !explicitStatus) begun = i;  // running status: it starts here
    explicitStatus = false;
    data[have++] = b;
    if (have < channelDataBytes(status)) continue;
    out.messages.push_back(channelMessage(status, data[0], have > 1 ? data[1] : 0));
    have = 0;
  }
  if (sysex > 0) return malformed(bytes.size(), "SysEx not terminated by F7");
  if (have > 0 || common != 0) return malformed(begun, "message cut short");
  out.runningStatus = status;
  return out;
}

const char* midiKindName(MidiKind kind) {
  switch (kind) {
    case MidiKind::NoteOff:
      return "note_off";
    case MidiKind::NoteOn:
      return "note_on";
    case MidiKind::PolyPressure:
      return "poly_pressure";
    case MidiKind::ControlChange:
      return "control_change";
    case MidiKind::ProgramChange:
      return "program_change";
    case MidiKind::ChannelPressure:
      return "channel_pressure";
    case MidiKind::PitchBend:
      return "pitch_bend";
    case MidiKind::SysEx:
      return "sysex";
    case MidiKind::TimeCode:
      return "time_code";
    case MidiKind::SongPosition:
      return "song_position";
    case MidiKind::SongSelect:
      return "song_select";
    case MidiKind::TuneRequest:
      return "tune_request";
    case MidiKind::Clock:
      return "clock";
    case MidiKind::Start:
      return "start";
    case MidiKind::Continue:
      return "continue";
    case MidiKind::Stop:
      return "stop";
    case MidiKind::ActiveSensing:
      return "active_sensing";
    case MidiKind::Reset:
      return "reset";
  }
  return "unknown";
}

}  // namespace auralis::music
