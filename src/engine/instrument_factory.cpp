#include "engine/instrument.hpp"
#if __has_include("engine/instruments/synth_instruments.hpp")
#include "engine/instruments/synth_instruments.hpp"
#define AURALIS_HAVE_SYNTHS 1
#endif
#include "engine/test_tone.hpp"

namespace auralis::engine {

std::unique_ptr<Instrument> makeInstrument(music::InstrumentKind kind) {
  if (kind == music::InstrumentKind::TestTone) return std::make_unique<TestTone>();
#ifdef AURALIS_HAVE_SYNTHS
  return makeSynthInstrument(kind);
#else
  return nullptr;
#endif
}

}  // namespace auralis::engine
