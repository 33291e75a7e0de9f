#include "ensemble/percussion_agent.hpp"

#include <algorithm>
#include <cmath>

namespace auralis::ensemble {

PercussionAgent::PercussionAgent(std::uint64_t seed) : rng_(seed, 44) {}

void PercussionAgent::plan(const BarContext& ctx, float level, NoteList& out) {
  const double intensity = ctx.intensity;
  const double sixteenthMs = ctx.samplesPerBeat * 0.25 * 1000.0 / ctx.sampleRate;
  auto hit = [&](int step, music::InstrumentKind kind, std::uint8_t pitch, double velocity,
                 double lengthMs, float pan) {
    const double beat = step * 0.25;
    // Swing delays the off-beat 16ths; the bell() jitter is a drummer's few ms.
    const double swing = step % 2 == 1 ? ctx.section.swing * sixteenthMs : 0.0;
    const double jitter = step == 0 ? std::abs(rng_.bell()) * 1.5 : rng_.bell() * 2.5;
    PlannedNote n;
    n.note.startSample = ctx.sampleAt(beat, swing + jitter);
    n.note.lengthSamples = ctx.samplesForMs(lengthMs);
    n.note.channel = music::Channel::Percussion;
    n.note.instrument = kind;
    n.note.pitch = pitch;
    const double v = velocity * (1.0 + 0.08 * rng_.bell());
    n.note.velocity = static_cast<float>(std::clamp(v, 0.05, 1.0)) * level;
    n.note.pan = pan;
    n.beat = beat;
    n.chord = ctx.chordAt(beat).chord;
    out.push_back(n);
  };

  const bool lastBarOfSection = ctx.barInSection + 1 >= ctx.section.lengthBars;
  if (lastBarOfSection && intensity > 0.3 && rng_.chance(0.8)) {
    const double beats = music::kBeatsPerBar;
    PlannedNote n;
    n.note.startSample = ctx.sampleAt(0.0);
    n.note.lengthSamples = ctx.samplesFor(beats);
    n.note.channel = music::Channel::Percussion;
    n.note.instrument = music::InstrumentKind::Swell;
    n.note.pitch = kSwellPitch;
    n.note.velocity = static_cast<float>(0.4 + 0.4 * intensity) * level;
    n.chord = ctx.chords[0].chord;
    out.push_back(n);
  }
  if (!ctx.section.drums) return;

  const double density = ctx.section.density;
  // Kick: the four-on-the-floor skeleton thins at low intensity, syncopates high.
  for (int step = 0; step < 16; step += 4) {
    const bool downbeat = step == 0 || step == 8;
    if (downbeat || rng_.chance(intensity * density * 0.9)) {
      hit(step, music::InstrumentKind::Kick, kKickPitch, downbeat ? 0.9 : 0.72, 180.0, 0.0F);
    }
  }
  if (intensity > 0.5) {
    for (int step : {6, 10, 14}) {
      if (rng_.chance((intensity - 0.5) * 0.6 * density)) {
        hit(step, music::InstrumentKind::Kick, kKickPitch, 0.6, 150.0, 0.0F);
      }
    }
  }
  // Snare on 2 and 4, ghosts in between at high intensity.
  if (ctx.section.snare && intensity > 0.4) {
    hit(4, music::InstrumentKind::Snare, kSnarePitch, 0.78, 160.0, -0.1F);
    hit(12, music::InstrumentKind::Snare, kSnarePitch, 0.82, 160.0, -0.1F);
    if (intensity > 0.75) {
      for (int step = 1; step < 16; step += 2) {
        if (rng_.chance(0.18 * density)) {
          hit(step, music::InstrumentKind::Snare, kSnarePitch, 0.22, 80.0, -0.1F);
        }
      }
    }
  }
  // Hats: eighths, then sixteenths; accents on the beat, an open hat now and then.
  if (intensity > 0.25) {
    const int stride = intensity > 0.6 && density > 0.8 ? 1 : 2;
    for (int step = 0; step < 16; step += stride) {
      if (stride == 1 && step % 2 == 1 && !rng_.chance(0.85)) continue;
      const bool open = step == 14 && rng_.chance(0.25);
      const double accent = step % 4 == 0 ? 0.55 : (step % 2 == 0 ? 0.42 : 0.3);
      hit(step, music::InstrumentKind::Hihat, open ? kOpenHatPitch : kClosedHatPitch,
          accent * (0.8 + 0.4 * intensity), open ? 220.0 : 45.0, 0.3F);
    }
  }
}

}  // namespace auralis::ensemble
