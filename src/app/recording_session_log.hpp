// SessionLog: what `auralis render --replay` needs to re-render a live session
// bit for bit: every note the engine accepted since the server started (with
// its exact sample time) and every applied control state, stamped with the
// engine position at which its commands were posted.
//
// Why notes and not "seed + commands": the live ensemble latches a musical
// change at the first bar it has not planned yet, and which bar that is
// depends on when its thread woke; the first bar also starts wherever the
// playhead was at its first wake. Logging the notes the engine was given
// makes the replay independent of that timing. Mix changes (levels, sends,
// master volume, the tempo-synced delay) land at a block boundary and are
// replayed before the first block that starts at or after their stamp.
//
// It wraps the ensemble's note sink: the runner thread pushes through it.
// Memory is bounded by `maxNotes` (24 bytes each); past it the log stops and
// bundles say `replayable: false`.
//
// Given the engine, it also keeps the engine's applied-command log: every
// command stamped with the block it landed on (levels, sends, the loudness
// trim, ...), so a replay applies each on the very same block and renders the
// same samples bit for bit. The log is drained whenever the runner pushes a
// note (20 times a second) and when a snapshot is taken.
//
// Thread rules: push() on the ensemble runner thread; onApplied() on any
// control thread; snapshots from any thread. One mutex, held for an append or
// a copy (never on the audio thread).
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include <nlohmann/json.hpp>

#include "control/params.hpp"
#include "engine/engine.hpp"
#include "ensemble/ensemble.hpp"
#include "music/note_event.hpp"

namespace auralis::app {

struct LoggedState {
  std::int64_t sample = 0;  // engine position when its commands were posted
  control::ControlParams params;
};

class SessionLog final : public ensemble::NoteSink {
 public:
  SessionLog(ensemble::NoteSink& next, std::size_t maxNotes, engine::Engine* engine = nullptr);

  /// Runner thread: forwards, and logs the note when the engine took it.
  bool push(const music::NoteEvent& note) override;
  /// Any control thread (LiveController's apply observer).
  void onApplied(const control::ControlParams& params, std::int64_t sample);

  /// Any thread: copies.
  std::vector<music::NoteEvent> notes() const;
  std::vector<LoggedState> states() const;
  /// Any thread: the engine commands applied so far, in order (empty without an engine).
  std::vector<engine::AppliedCommand> engineCommands() const;
  /// Whether engine commands are logged, and how many the engine dropped.
  bool logsEngineCommands() const { return engine_ != nullptr; }
  std::uint64_t engineCommandDrops() const;
  /// False once the note cap was reached (the log no longer replays the session).
  bool complete() const;

 private:
  ensemble::NoteSink& next_;
  const std::size_t maxNotes_;
  mutable std::mutex mutex_;
  std::vector<music::NoteEvent> notes_;
  std::vector<LoggedState> states_;
  void drainEngineCommands() const;  // with mutex_ held: the ring's one consumer
  engine::Engine* engine_ = nullptr;
  mutable std::vector<engine::AppliedCommand> engineCommands_;
  mutable bool overflowed_ = false;
};

/// One note as a JSON line object {"t":start,"len":..,"ch":..,"inst":..,"pitch":..,
/// "program":..,"vel":..,"pan":..}; floats are written with enough digits to round-trip.
nlohmann::json noteToJson(const music::NoteEvent& note);
music::NoteEvent noteFromJson(const nlohmann::json& j);
/// One line of a bundle's engine_commands.jsonl, and back (floats round-trip exactly).
nlohmann::json engineCommandToJson(const engine::AppliedCommand& c);
engine::AppliedCommand engineCommandFromJson(const nlohmann::json& j);

}  // namespace auralis::app
