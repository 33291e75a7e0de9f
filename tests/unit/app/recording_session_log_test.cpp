// A bundle's notes.jsonl lines: written and read back exactly, and a field out of its range
// (a damaged or hand-edited bundle) refused by name instead of cast into an index.
#include <doctest/doctest.h>

#include <string>

#include "app/recording_session_log.hpp"

using namespace auralis;

TEST_CASE("bundle notes round-trip, and out-of-range fields are refused by name") {
  music::NoteEvent n;
  n.startSample = 123456789;
  n.lengthSamples = 4800;
  n.channel = music::Channel::Melody;
  n.instrument = music::InstrumentKind::GeneralMidi;
  n.pitch = 72;
  n.program = 73;
  n.velocity = 0.6F;
  n.pan = -0.25F;
  const music::NoteEvent back = app::noteFromJson(app::noteToJson(n));
  CHECK(back.startSample == n.startSample);
  CHECK(back.lengthSamples == n.lengthSamples);
  CHECK(back.channel == n.channel);
  CHECK(back.instrument == n.instrument);
  CHECK(back.pitch == n.pitch);
  CHECK(back.program == n.program);
  CHECK(back.velocity == n.velocity);
  CHECK(back.pan == n.pan);

  for (const auto& [key, value] : {std::pair<const char*, int>{"inst", 200},
                                   {"inst", -1},
                                   {"ch", music::kChannelCount},
                                   {"pitch", 128},
                                   {"program", 300}}) {
    CAPTURE(key);
    nlohmann::json j = app::noteToJson(n);
    j[key] = value;
    try {
      app::noteFromJson(j);
      FAIL("accepted");
    } catch (const nlohmann::json::out_of_range& e) {
      CHECK(std::string(e.what()).find(std::string("'") + key + "'") != std::string::npos);
    }
  }
}
