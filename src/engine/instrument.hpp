// Instrument: a fixed pool of voices of one kind, rendered together.
//
// Thread rules
//   prepare():   control thread, before the engine starts; may allocate.
//   all others:  audio thread only; noexcept; no allocation, lock, I/O or wait.
// The engine splits each block at note times, so noteOn/noteOff always take
// effect at the first sample of the next render() call.
#pragma once

#include <cstdint>
#include <memory>

#include "music/note_event.hpp"

namespace auralis::engine {

struct RenderSpec {
  double sampleRate = 48000.0;
  int maxBlockFrames = 1024;
};

struct NoteStart {
  std::uint32_t noteId = 0;  // engine-assigned; noteOff names it
  std::uint8_t pitch = 60;
  std::uint8_t program = 0;
  float velocity = 0.8F;
  float pan = 0.0F;
};

class Instrument {
 public:
  virtual ~Instrument() = default;

  /// Sizes the voice pool and all state. Control thread, before start.
  virtual void prepare(const RenderSpec& spec) = 0;

  /// Starts a voice; when the pool is full the quietest/oldest voice is stolen
  /// (with a short fade, never a click) and counted.
  virtual void noteOn(const NoteStart& note) noexcept = 0;
  /// Releases the voice playing `noteId`; an unknown id is ignored.
  virtual void noteOff(std::uint32_t noteId) noexcept = 0;
  /// Releases every voice through its envelope.
  virtual void allNotesOff() noexcept = 0;
  /// Silences immediately and clears all state (after a NaN, or on stop).
  virtual void reset() noexcept = 0;

  /// Adds `frames` samples into left/right (does not clear them).
  /// frames <= RenderSpec::maxBlockFrames.
  virtual void render(float* left, float* right, int frames) noexcept = 0;

  /// Instrument-specific parameter (e.g. cutoff, brightness); smoothed inside.
  virtual void setParameter(int /*id*/, float /*value*/) noexcept {}

  /// Any non-real-time thread (Engine::postNote): a note for this instrument is on its way.
  /// An instrument whose worker sleeps while it has nothing to play wakes it here, so the
  /// note does not wait for a poll. Never called on the audio thread.
  virtual void expectNotes() noexcept {}

  virtual int activeVoices() const noexcept = 0;
  virtual std::uint64_t voicesStolen() const noexcept = 0;
};

/// Builds an unprepared instrument of the given kind (control thread).
std::unique_ptr<Instrument> makeInstrument(music::InstrumentKind kind);

}  // namespace auralis::engine
