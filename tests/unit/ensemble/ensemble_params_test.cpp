// Parameters: validation, clamping, agent switches, levels, instruments.
#include <doctest/doctest.h>

#include "ensemble/ensemble.hpp"
#include "recorder.hpp"

using namespace auralis;
using namespace auralis::ensemble;
using namespace auralis::ensemble::test;

TEST_CASE("validateParams refuses out-of-range values and wrong instruments") {
  EnsembleParams p;
  CHECK(validateParams(p).ok());
  p.bpm = 250;
  auto r = validateParams(p);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().field == "bpm");
  CHECK(r.error().code == "invalid_param");
  p.bpm = 100;
  p.intensity = -0.1;
  CHECK(validateParams(p).error().field == "intensity");
  p.intensity = 0.5;
  p.agents[1].instrument = music::InstrumentKind::Bell;
  CHECK(validateParams(p).error().field == "agents.bass.instrument");
  p.agents[1].instrument = music::InstrumentKind::Bass;
  p.agents[2].level = 2.0F;
  CHECK(validateParams(p).error().field == "agents.melody.level");
}

TEST_CASE("setParams clamps and keeps the defaults for unusable instruments") {
  Ensemble ens(makeConfig(1));
  EnsembleParams p;
  p.bpm = 500;
  p.intensity = 3;
  p.agents[0].instrument = music::InstrumentKind::Kick;
  ens.setParams(p);
  CHECK(ens.params().bpm == 200.0);
  CHECK(ens.params().intensity == 1.0);
  CHECK(ens.params().agents[0].instrument == music::InstrumentKind::Pad);
}

TEST_CASE("agent switches, levels, instruments and GM programs") {
  EnsembleConfig config = makeConfig(2, 0.7);
  config.params.agents[static_cast<int>(Agent::Melody)].enabled = false;
  config.params.agents[static_cast<int>(Agent::Harmony)].instrument =
      music::InstrumentKind::GeneralMidi;
  config.params.agents[static_cast<int>(Agent::Bass)].instrument =
      music::InstrumentKind::GeneralMidi;
  config.params.agents[static_cast<int>(Agent::Percussion)].level = 0.25F;
  Ensemble ens(config);
  Recorder rec;
  simulate(ens, rec, 0.0, 60.0);
  int harmony = 0, bass = 0;
  float loudestDrum = 0.0F;
  for (const GenerationEvent* e : rec.noteEvents()) {
    CHECK(e->agent != Agent::Melody);
    CHECK(static_cast<int>(e->note.channel) == static_cast<int>(e->agent));
    if (e->agent == Agent::Harmony) {
      ++harmony;
      CHECK(e->note.instrument == music::InstrumentKind::GeneralMidi);
      CHECK(e->note.program == 89);
    }
    if (e->agent == Agent::Bass) {
      ++bass;
      CHECK(e->note.program == 33);
    }
    if (e->agent == Agent::Percussion) loudestDrum = std::max(loudestDrum, e->note.velocity);
  }
  CHECK(harmony > 0);
  CHECK(bass > 0);
  CHECK(loudestDrum <= 0.25F);
  CHECK(loudestDrum > 0.1F);

  // Switching melody on again takes effect at the next bar.
  EnsembleParams p = ens.params();
  p.agents[static_cast<int>(Agent::Melody)].enabled = true;
  p.agents[static_cast<int>(Agent::Melody)].instrument = music::InstrumentKind::Bell;
  ens.setParams(p);
  const std::int64_t boundary = ens.nextBarSample();
  simulate(ens, rec, 60.0, 120.0);
  int melody = 0;
  for (const GenerationEvent* e : rec.noteEvents()) {
    if (e->agent != Agent::Melody) continue;
    ++melody;
    CHECK(e->note.startSample >= boundary);
    CHECK(e->note.instrument == music::InstrumentKind::Bell);
  }
  CHECK(melody > 0);
}

TEST_CASE("a full sink drops and counts") {
  struct FullSink : NoteSink {
    bool push(const music::NoteEvent&) override { return false; }
  } sink;
  Ensemble ens(makeConfig(1));
  ens.planUntil(seconds(10), sink);
  CHECK(ens.droppedNotes() > 0);
  CHECK(ens.barCount() > 0);
}

TEST_CASE("skipTo moves a stalled plan to the playhead") {
  Ensemble ens(makeConfig(1));
  Recorder rec;
  ens.planUntil(seconds(1), rec);
  const auto next = ens.nextBarSample();
  ens.skipTo(next - 10);  // not behind: no change
  CHECK(ens.nextBarSample() == next);
  ens.skipTo(next + seconds(30));
  CHECK(ens.nextBarSample() == next + seconds(30));
  const auto before = rec.notes.size();
  ens.planUntil(next + seconds(31), rec);
  for (std::size_t i = before; i < rec.notes.size(); ++i) {
    CHECK(rec.notes[i].startSample >= next + seconds(30));
  }
}
