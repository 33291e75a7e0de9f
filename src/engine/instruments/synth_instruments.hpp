// The synthesised instruments: one factory for every InstrumentKind except the
// engine's own TestTone.
//
//   Pad    two detuned PolyBLEP saws -> resonant low-pass -> slow ADSR, LFO on
//          the cutoff, voices spread left/right          (dsp::SawVoiceBank)
//   Bass   saw + sub-octave saw, filter envelope pluck    (dsp::SawVoiceBank)
//   Keys   two-operator FM, ratio 1, bright attack        (dsp::FmVoiceBank)
//   Bell   two-operator FM, ratio 3.5, long ring          (dsp::FmVoiceBank)
//   Kick   sine swept from 160 Hz down to the note        (dsp::PercVoiceBank)
//   Snare  tone body + band/high-passed noise             (dsp::PercVoiceBank)
//   Hihat  high-passed noise, short                       (dsp::PercVoiceBank)
//   Swell  low-passed noise riser whose cutoff opens      (dsp::PercVoiceBank)
//   GeneralMidi  a General MIDI SoundFont through libfluidsynth (rendered on
//          a worker thread a few ms ahead; see general_midi.hpp)
#pragma once

#include <memory>

#include "engine/instrument.hpp"
#include "music/note_event.hpp"

namespace auralis::engine {

/// Parameter ids for Instrument::setParameter on the synthesised kinds.
enum SynthParam : int {
  kParamBrightness = 0,  // Hz: filter cutoff (Pad, Bass, drum noise); FM index for Keys/Bell
  kParamResonance = 1,   // 0..1 (Pad, Bass)
};

/// Control thread. An unprepared instrument of `kind`; nullptr for TestTone
/// (the engine's own) and for out-of-range kinds.
std::unique_ptr<Instrument> makeSynthInstrument(music::InstrumentKind kind);

}  // namespace auralis::engine
