#include <doctest/doctest.h>

#include <vector>

#include "music/midi_message.hpp"

using namespace auralis::music;

namespace {
MidiParse mustParse(std::vector<std::uint8_t> bytes, std::uint8_t running = 0) {
  auto r = parseMidi(bytes, running);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  return r.value();
}
bool refused(std::vector<std::uint8_t> bytes) {
  return !parseMidi(bytes).ok();
}
}  // namespace

TEST_CASE("midi: channel voice messages decode with their channel") {
  const auto p =
      mustParse({0x93, 60, 100, 0x83, 60, 0, 0xB1, 7, 99, 0xC2, 5, 0xD4, 33, 0xA5, 61, 9});
  REQUIRE(p.messages.size() == 6);
  CHECK(p.messages[0] == MidiMessage{MidiKind::NoteOn, 3, 60, 100, 0});
  CHECK(p.messages[1] == MidiMessage{MidiKind::NoteOff, 3, 60, 0, 0});
  CHECK(p.messages[2] == MidiMessage{MidiKind::ControlChange, 1, 7, 99, 0});
  CHECK(p.messages[3] == MidiMessage{MidiKind::ProgramChange, 2, 5, 0, 0});
  CHECK(p.messages[4] == MidiMessage{MidiKind::ChannelPressure, 4, 33, 0, 0});
  CHECK(p.messages[5] == MidiMessage{MidiKind::PolyPressure, 5, 61, 9, 0});
  CHECK(p.runningStatus == 0xA5);
}

TEST_CASE("midi: note-on with velocity 0 is a note-off") {
  const auto p = mustParse({0x90, 64, 0});
  REQUIRE(p.messages.size() == 1);
  CHECK(p.messages[0].kind == MidiKind::NoteOff);
  CHECK(p.messages[0].data1 == 64);
}

TEST_CASE("midi: pitch bend is 14 bits around the centre") {
  CHECK(mustParse({0xE0, 0x00, 0x40}).messages[0].value == 0);
  CHECK(mustParse({0xE0, 0x00, 0x00}).messages[0].value == -8192);
  CHECK(mustParse({0xEF, 0x7F, 0x7F}).messages[0].value == 8191);
  CHECK(mustParse({0xEF, 0x7F, 0x7F}).messages[0].channel == 15);
}

TEST_CASE("midi: running status repeats the last channel status, across calls too") {
  const auto p = mustParse({0x90, 60, 100, 62, 90, 64, 0});
  REQUIRE(p.messages.size() == 3);
  CHECK(p.messages[1] == MidiMessage{MidiKind::NoteOn, 0, 62, 90, 0});
  CHECK(p.messages[2].kind == MidiKind::NoteOff);
  const auto next = mustParse({67, 80}, p.runningStatus);
  REQUIRE(next.messages.size() == 1);
  CHECK(next.messages[0] == MidiMessage{MidiKind::NoteOn, 0, 67, 80, 0});
}

TEST_CASE("midi: real-time bytes interleave without breaking a message or running status") {
  const auto p = mustParse({0x90, 0xF8, 60, 0xFA, 100, 62, 0xFC, 70});
  REQUIRE(p.messages.size() == 5);
  CHECK(p.messages[0].kind == MidiKind::Clock);
  CHECK(p.messages[1].kind == MidiKind::Start);
  CHECK(p.messages[2] == MidiMessage{MidiKind::NoteOn, 0, 60, 100, 0});
  CHECK(p.messages[3].kind == MidiKind::Stop);
  CHECK(p.messages[4] == MidiMessage{MidiKind::NoteOn, 0, 62, 70, 0});
}

TEST_CASE("midi: system common messages decode and cancel running status") {
  const auto p = mustParse({0xF2, 0x10, 0x01, 0xF3, 4, 0xF6, 0xF1, 0x23});
  REQUIRE(p.messages.size() == 4);
  CHECK(p.messages[0].kind == MidiKind::SongPosition);
  CHECK(p.messages[0].value == 0x10 + 128);
  CHECK(p.messages[1].kind == MidiKind::SongSelect);
  CHECK(p.messages[2].kind == MidiKind::TuneRequest);
  CHECK(p.messages[3].kind == MidiKind::TimeCode);
  CHECK(refused({0x90, 60, 100, 0xF6, 61, 100}));  // no running status after F6
}

TEST_CASE("midi: SysEx is reported by length and bounded") {
  const auto p = mustParse({0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7, 0x90, 60, 1});
  REQUIRE(p.messages.size() == 2);
  CHECK(p.messages[0].kind == MidiKind::SysEx);
  CHECK(p.messages[0].value == 6);
  std::vector<std::uint8_t> huge(kMaxSysExBytes + 10, 0x01);
  huge.front() = 0xF0;
  huge.back() = 0xF7;
  CHECK(refused(huge));
  CHECK(refused({0xF0, 1, 2}));         // unterminated
  CHECK(refused({0xF0, 1, 0x90, 60}));  // a status inside
}

TEST_CASE("midi: malformed streams are refused with the offset") {
  CHECK(refused({60, 100}));                // no status
  CHECK(refused({0x90, 60}));               // cut short at the end
  CHECK(refused({0x90, 60, 0x80, 60, 0}));  // cut short by a new status
  CHECK(refused({0xF4}));
  CHECK(refused({0xFD}));
  CHECK(refused({0xF7}));
  CHECK(refused({0xF2, 1}));
  const auto r = parseMidi(std::vector<std::uint8_t>{0x90, 60, 100, 0x90, 61});
  REQUIRE(!r.ok());
  CHECK(r.error().code == "invalid_param");
  CHECK(r.error().message.find("byte 3") != std::string::npos);
  CHECK(mustParse({}).messages.empty());
}

TEST_CASE("midi: every kind has a stable name") {
  CHECK(std::string(midiKindName(MidiKind::NoteOn)) == "note_on");
  CHECK(std::string(midiKindName(MidiKind::PitchBend)) == "pitch_bend");
  CHECK(isChannelMessage(MidiKind::PitchBend));
  CHECK(!isChannelMessage(MidiKind::Clock));
}
