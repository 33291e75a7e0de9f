#include "engine/instruments/synth_instruments.hpp"

#include "engine/instruments/bank_instrument.hpp"
#include "engine/instruments/general_midi.hpp"

namespace auralis::engine {
namespace {

using instruments::BankInstrument;
using SawInstrument = BankInstrument<dsp::SawVoiceBank, dsp::SawPatch>;
using FmInstrument = BankInstrument<dsp::FmVoiceBank, dsp::FmPatch>;
using PercInstrument = BankInstrument<dsp::PercVoiceBank, dsp::PercPatch>;

dsp::SawPatch padPatch() {
  dsp::SawPatch p;
  p.detuneCents = 14.0F;
  p.cutoffHz = 1400.0F;
  p.resonance = 0.35F;
  p.keyTrack = 0.4F;
  p.lfoHz = 0.13F;
  p.lfoDepth = 0.35F;
  p.stereoSpread = 0.45F;
  p.gain = 0.16F;
  p.adsr = {0.6F, 1.5F, 0.75F, 1.8F};
  return p;
}

dsp::SawPatch bassPatch() {
  dsp::SawPatch p;
  p.detuneCents = 4.0F;
  p.osc2Ratio = 0.5F;  // sub octave
  p.cutoffHz = 420.0F;
  p.resonance = 0.4F;
  p.keyTrack = 0.6F;
  p.filterEnvOctaves = 2.5F;
  p.filterEnvDecaySeconds = 0.25F;
  p.gain = 0.35F;
  p.adsr = {0.003F, 0.4F, 0.7F, 0.12F};
  return p;
}

dsp::FmPatch keysPatch() {
  dsp::FmPatch p;
  p.ratio = 1.0F;
  p.index = 1.8F;
  p.indexDecaySeconds = 0.8F;
  p.gain = 0.22F;
  p.adsr = {0.002F, 2.5F, 0.0F, 0.35F};
  return p;
}

dsp::FmPatch bellPatch() {
  dsp::FmPatch p;
  p.ratio = 3.5F;  // inharmonic partials: the bell's clang
  p.index = 2.4F;
  p.indexDecaySeconds = 2.0F;
  p.gain = 0.18F;
  p.adsr = {0.001F, 5.0F, 0.0F, 2.5F};
  return p;
}

dsp::PercPatch kickPatch() {
  dsp::PercPatch p;
  p.sweepStartHz = 180.0F;
  p.sweepSeconds = 0.12F;
  p.toneDecaySeconds = 0.6F;
  p.noiseLevel = 0.08F;  // the beater's click
  p.noiseCutoffHz = 3000.0F;
  p.noiseLow = 0.0F, p.noiseBand = 1.0F, p.noiseHigh = 0.0F;
  p.gain = 0.8F;
  p.adsr = {0.0005F, 0.5F, 0.0F, 0.3F};
  return p;
}

dsp::PercPatch snarePatch() {
  dsp::PercPatch p;
  p.toneLevel = 0.5F;
  p.sweepStartHz = 260.0F;
  p.sweepSeconds = 0.03F;
  p.toneDecaySeconds = 0.12F;
  p.noiseLevel = 0.9F;
  p.noiseCutoffHz = 2600.0F;
  p.noiseLow = 0.0F, p.noiseBand = 0.6F, p.noiseHigh = 0.6F;
  p.gain = 0.5F;
  p.adsr = {0.0005F, 0.28F, 0.0F, 0.2F};
  return p;
}

dsp::PercPatch hihatPatch() {
  dsp::PercPatch p;
  p.toneLevel = 0.0F;
  p.sweepStartHz = 0.0F;
  p.noiseLevel = 1.0F;
  p.noiseCutoffHz = 4200.0F;  // scaled by sqrt(pitch / C4): F#2 (42) ~ 2.4 kHz high-pass
  p.noiseResonance = 0.3F;
  p.noiseLow = 0.0F, p.noiseBand = 0.3F, p.noiseHigh = 1.0F;
  p.gain = 0.3F;
  p.adsr = {0.0005F, 0.09F, 0.0F, 0.05F};
  return p;
}

dsp::PercPatch swellPatch() {
  dsp::PercPatch p;
  p.toneLevel = 0.0F;
  p.sweepStartHz = 0.0F;
  p.noiseLevel = 1.0F;
  p.noiseCutoffHz = 250.0F;
  p.noiseResonance = 0.5F;
  p.noiseLow = 0.7F, p.noiseBand = 0.5F, p.noiseHigh = 0.0F;
  p.cutoffEnvOctaves = 5.0F;  // opens ~32x as it swells
  p.gain = 0.25F;
  p.adsr = {2.0F, 0.5F, 0.9F, 0.8F};
  return p;
}

}  // namespace

std::unique_ptr<Instrument> makeSynthInstrument(music::InstrumentKind kind) {
  using K = music::InstrumentKind;
  switch (kind) {
    case K::Pad:
      return std::make_unique<SawInstrument>(padPatch(), 24);
    case K::Bass:
      return std::make_unique<SawInstrument>(bassPatch(), 8);
    case K::Keys:
      return std::make_unique<FmInstrument>(keysPatch(), 24);
    case K::Bell:
      return std::make_unique<FmInstrument>(bellPatch(), 12);
    case K::Kick:
      return std::make_unique<PercInstrument>(kickPatch(), 4);
    case K::Snare:
      return std::make_unique<PercInstrument>(snarePatch(), 4);
    case K::Hihat:
      return std::make_unique<PercInstrument>(hihatPatch(), 8);
    case K::Swell:
      return std::make_unique<PercInstrument>(swellPatch(), 4);
    case K::GeneralMidi:
      return std::make_unique<instruments::GeneralMidiInstrument>();
    case K::TestTone:
    case K::Count:
      break;
  }
  return nullptr;
}

}  // namespace auralis::engine
