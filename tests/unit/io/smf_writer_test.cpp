// The Standard MIDI File writer, read back by a small independent parser:
// format 1, one track per agent, the tempo map, notes at the right ticks
// (also when placed by engine sample through a tempo change).
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "io/smf_writer.hpp"

using auralis::io::SmfWriter;

namespace {

struct ParsedNote {
  std::int64_t on;
  std::int64_t off;
  int channel;
  int pitch;
  int velocity;
};

struct ParsedTrack {
  std::string name;
  std::vector<ParsedNote> notes;
  std::vector<std::pair<std::int64_t, std::uint32_t>> tempos;  // tick, us per quarter
  std::vector<std::string> markers;
  int program = -1;
};

struct ParsedFile {
  int format = -1;
  int division = 0;
  std::vector<ParsedTrack> tracks;
};

std::uint32_t be(const std::vector<std::uint8_t>& d, std::size_t at, int n) {
  std::uint32_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | d.at(at + static_cast<std::size_t>(i));
  return v;
}

std::uint32_t varLen(const std::vector<std::uint8_t>& d, std::size_t& at) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    const std::uint8_t b = d.at(at++);
    v = (v << 7) | (b & 0x7F);
    if ((b & 0x80) == 0) return v;
  }
  FAIL("variable-length quantity longer than 4 bytes");
  return v;
}

ParsedFile parse(const std::vector<std::uint8_t>& d) {
  ParsedFile f;
  REQUIRE(d.size() >= 14);
  REQUIRE(std::string(d.begin(), d.begin() + 4) == "MThd");
  REQUIRE(be(d, 4, 4) == 6);
  f.format = static_cast<int>(be(d, 8, 2));
  const auto count = be(d, 10, 2);
  f.division = static_cast<int>(be(d, 12, 2));
  std::size_t at = 14;
  for (std::uint32_t t = 0; t < count; ++t) {
    REQUIRE(std::string(d.begin() + static_cast<long>(at), d.begin() + static_cast<long>(at) + 4) ==
            "MTrk");
    const std::size_t end = at + 8 + be(d, at + 4, 4);
    REQUIRE(end <= d.size());
    at += 8;
    ParsedTrack track;
    std::int64_t tick = 0;
    std::map<int, std::int64_t> open;  // channel*128+pitch -> note index
    bool ended = false;
    while (at < end) {
      tick += varLen(d, at);
      const std::uint8_t status = d.at(at++);
      if (status == 0xFF) {
        const std::uint8_t type = d.at(at++);
        const std::uint32_t len = varLen(d, at);
        const std::string text(d.begin() + static_cast<long>(at),
                               d.begin() + static_cast<long>(at + len));
        if (type == 0x03) track.name = text;
        if (type == 0x06) track.markers.push_back(text);
        if (type == 0x51) track.tempos.emplace_back(tick, be(d, at, 3));
        if (type == 0x2F) ended = true;
        at += len;
      } else if ((status & 0xF0) == 0x90 || (status & 0xF0) == 0x80) {
        const int ch = status & 0x0F;
        const int pitch = d.at(at++);
        const int vel = d.at(at++);
        if ((status & 0xF0) == 0x90 && vel > 0) {
          open[ch * 128 + pitch] = static_cast<std::int64_t>(track.notes.size());
          track.notes.push_back({tick, -1, ch, pitch, vel});
        } else {
          auto it = open.find(ch * 128 + pitch);
          REQUIRE(it != open.end());
          track.notes[static_cast<std::size_t>(it->second)].off = tick;
          open.erase(it);
        }
      } else if ((status & 0xF0) == 0xC0) {
        track.program = d.at(at++);
      } else {
        FAIL("unexpected status byte " << int(status));
      }
    }
    CHECK(ended);
    CHECK(open.empty());
    f.tracks.push_back(track);
    at = end;
  }
  CHECK(at == d.size());
  return f;
}

}  // namespace

TEST_CASE("smf: format 1, a tempo track and one track per agent, notes where placed") {
  SmfWriter smf(480);
  smf.setTempo(0, 90.0);
  smf.setTempo(1920, 120.0);
  smf.addMarker(0, "intro");
  const int harmony = smf.addTrack("harmony", 0, 48);
  const int bass = smf.addTrack("bass", 1, 33);
  CHECK(smf.addNote(bass, 0, 480, 38, 100));
  CHECK(smf.addNote(bass, 480, 480, 38, 90));  // repeated pitch: the off must come first
  CHECK(smf.addNote(harmony, 960, 1920, 62, 70));
  CHECK(smf.addNote(harmony, 960, 1920, 65, 70));
  CHECK_FALSE(smf.addNote(7, 0, 10, 60, 60));

  const auto f = parse(smf.bytes());
  CHECK(f.format == 1);
  CHECK(f.division == 480);
  REQUIRE(f.tracks.size() == 3);
  REQUIRE(f.tracks[0].tempos.size() == 2);
  CHECK(f.tracks[0].tempos[0] == std::make_pair(std::int64_t{0}, std::uint32_t{666667}));
  CHECK(f.tracks[0].tempos[1] == std::make_pair(std::int64_t{1920}, std::uint32_t{500000}));
  CHECK(f.tracks[0].markers == std::vector<std::string>{"intro"});
  CHECK(f.tracks[1].name == "harmony");
  CHECK(f.tracks[1].program == 48);
  CHECK(f.tracks[2].name == "bass");
  REQUIRE(f.tracks[2].notes.size() == 2);
  CHECK(f.tracks[2].notes[0].on == 0);
  CHECK(f.tracks[2].notes[0].off == 480);
  CHECK(f.tracks[2].notes[1].on == 480);
  CHECK(f.tracks[2].notes[1].off == 960);
  CHECK(f.tracks[2].notes[1].channel == 1);
  REQUIRE(f.tracks[1].notes.size() == 2);
  CHECK(f.tracks[1].notes[1].pitch == 65);
  CHECK(f.tracks[1].notes[1].off == 2880);
}

TEST_CASE("smf: engine samples become ticks through the tempo map") {
  SmfWriter smf(480);
  const double rate = 48000.0;
  smf.setTempoAtSample(0, 120.0, rate);  // a quarter = 0.5 s = 24000 samples
  CHECK(smf.sampleToTick(24000, rate) == 480);
  smf.setTempoAtSample(96000, 60.0, rate);  // after 2 s (4 quarters): a quarter = 1 s
  CHECK(smf.sampleToTick(96000, rate) == 1920);
  CHECK(smf.sampleToTick(144000, rate) == 1920 + 480);
  const int t = smf.addTrack("melody", 2);
  CHECK(smf.addNoteAtSample(t, 120000, 48000, 72, 127, rate));
  const auto f = parse(smf.bytes());
  REQUIRE(f.tracks[1].notes.size() == 1);
  CHECK(f.tracks[1].notes[0].on == 1920 + 240);
  CHECK(f.tracks[1].notes[0].off == 1920 + 240 + 480);
  CHECK(f.tracks[1].program == -1);
}

TEST_CASE("smf: write() puts the same bytes in a file and names a bad path") {
  SmfWriter smf;
  smf.addNote(smf.addTrack("percussion", 9), 0, 120, 36, 127);
  const std::string path = "/tmp/auralis-smf-test-" + std::to_string(getpid()) + ".mid";
  REQUIRE(smf.write(path).ok());
  std::ifstream in(path, std::ios::binary);
  const std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(in)), {});
  CHECK(data == smf.bytes());
  std::remove(path.c_str());
  auto bad = smf.write("/nonexistent-dir/x.mid");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("/nonexistent-dir/x.mid") != std::string::npos);
}
