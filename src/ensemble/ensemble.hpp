// The generative ensemble: a conductor (key, tempo, intensity, song form) and
// four agents (harmony, bass, melody, percussion) that compose a bar at a time
// and hand timestamped notes to the engine.
//
// Design, and why:
// - Whole bars are planned at once, ahead of the playhead. Planning in bars
//   lets an agent see the bar's harmony and the next chord (bass approaches,
//   melodic cadences); the engine only has to schedule, never to decide.
// - Parameter changes are latched at the next bar start. Key and tempo must not
//   change mid-bar (a chord or a beat would be torn); intensity could move per
//   beat, but one latch point keeps every agent agreeing. Notes already planned
//   play out, so nothing is cut (no clicks).
// - The harmony is chosen one bar ahead, so bass and melody can lead into it.
// - Every random choice comes from seeded xoshiro streams, one per agent and
//   one for the form, with our own mappings (std distributions differ between
//   libraries), so a seed replays the same music anywhere.
// - Looping is avoided by construction, not by checking: a Markov harmony,
//   a Markov song form with varied section instances, motifs that are always
//   varied when reused, and humanized timing.
// - Promises the tests hold us to: melody and bass notes are in the key's
//   scale unless marked `passing` (bass approach notes); melody notes on beats
//   1 and 3 are chord tones 100% of the time (melody_agent.hpp); registers are
//   bass 28-52, pads 48-76, melody 60-84. A bar held at most 71 notes in
//   10-minute runs at full intensity, so a note queue of 256 covers two bars.
//
// Thread rules: Ensemble is not thread-safe; one thread (the ensemble thread,
// see EnsembleRunner) calls everything. It is never called on the audio thread.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "ensemble/call_response.hpp"
#include "music/chord.hpp"
#include "music/key.hpp"
#include "music/note_event.hpp"

namespace auralis::ensemble {

enum class Agent : std::uint8_t { Harmony, Bass, Melody, Percussion, Count };
inline constexpr int kAgentCount = static_cast<int>(Agent::Count);

/// "harmony", "bass", "melody", "percussion".
std::string_view agentName(Agent agent);

/// How an agent plays with a human (each 0..1): `lead` answers the human's
/// phrases (the melody, when > 0), `follow` makes its velocities follow the
/// human's dynamics, `fill` is how much of its part it gives up when the human
/// plays densely (a filler leaves the most space).
struct Personality {
  float lead = 0.5F;
  float follow = 0.5F;
  float fill = 0.5F;
};

struct AgentParams {
  bool enabled = true;
  float level = 0.8F;  // 0..1, scales velocities
  /// Harmony: Pad | Keys | Bell | GeneralMidi. Bass: Bass | GeneralMidi.
  /// Melody: Keys | Bell | Pad | GeneralMidi. Percussion: ignored (it always
  /// plays Kick, Snare, Hihat and Swell).
  music::InstrumentKind instrument = music::InstrumentKind::Pad;
  Personality personality;
};

/// The default instrument of each agent: Pad, Bass, Keys, Kick.
std::array<AgentParams, 4> defaultAgentParams();

struct EnsembleParams {
  music::Key key{2, music::Mode::NaturalMinor};
  double bpm = 90.0;       // 40..200
  double intensity = 0.5;  // 0..1
  std::array<AgentParams, 4> agents = defaultAgentParams();
  /// Room left for a human player, 0..1: each agent drops that share of its
  /// notes, weighted by its `fill` personality (LiveFollower sets it).
  double space = 0.0;
  /// The human's level 0..1, or < 0 when nobody plays: agents' velocities
  /// lean toward it by their `follow` personality.
  double humanLevel = -1.0;
};

/// Checks ranges and instruments; Error{"invalid_param", message, field} with
/// field "bpm", "intensity", "agents.<name>.level" or "agents.<name>.instrument".
/// Any thread.
Status validateParams(const EnsembleParams& params);

struct EnsembleConfig {
  double sampleRate = 48000.0;
  std::uint64_t seed = 1;
  EnsembleParams params;
};

/// Receives planned notes; returns false when the note had to be dropped (queue full).
class NoteSink {
 public:
  virtual ~NoteSink() = default;
  virtual bool push(const music::NoteEvent& note) = 0;
};

/// What clients see as `generation_update`: chord and section changes and every note, with
/// sample times.
struct GenerationEvent {
  enum class Kind { Chord, Section, Note, Tempo, Key } kind = Kind::Note;
  std::int64_t sample = 0;
  std::string text;  // "Dm7 (i7)", "verse", "D minor", ...
  Agent agent = Agent::Harmony;
  music::NoteEvent note;
  bool passing = false;  // melody/bass note deliberately outside the chord/scale (passing/approach)
  double value = 0;      // Tempo: bpm; Section: effective intensity
  // Added members (context for clients and tests):
  std::int64_t bar = 0;  // index of the bar the event belongs to
  double beat = 0.0;     // grid position in the bar (before humanizing)
  music::Key key;        // the key in force
  music::Chord chord;    // the chord in force at `beat`
};

class GenerationObserver {
 public:
  virtual ~GenerationObserver() = default;
  virtual void onEvent(const GenerationEvent& event) = 0;
  /// After the last event of a bar: the bar's index, first sample and the next
  /// bar's first sample (so an observer can publish the whole bar's plan).
  virtual void onBarPlanned(std::int64_t /*bar*/, std::int64_t /*startSample*/,
                            std::int64_t /*endSample*/) {}
};

class SongForm;
struct BarContext;
struct PlannedNote;
class HarmonyAgent;
class BassAgent;
class MelodyAgent;
class PercussionAgent;

/// Not thread-safe: one thread plans; see EnsembleRunner for the live wrapper.
class Ensemble {
 public:
  explicit Ensemble(const EnsembleConfig& config);
  ~Ensemble();
  Ensemble(const Ensemble&) = delete;
  Ensemble& operator=(const Ensemble&) = delete;

  /// Takes effect at the next bar start (values are clamped to their ranges and
  /// unsuitable instruments replaced by the agent's default).
  void setParams(const EnsembleParams& params);
  /// The parameters most recently set (possibly not yet in force).
  const EnsembleParams& params() const;
  /// Plans every bar that starts before `horizonSample`, pushing its notes to `sink` (and
  /// events to the observer if set). Deterministic: same config + same calls => same notes.
  void planUntil(std::int64_t horizonSample, NoteSink& sink);
  /// Observer called on the planning thread for every event, in sample order within a bar.
  void setObserver(GenerationObserver* observer);
  /// If `sample` is past the next bar start (planning fell behind the playhead),
  /// the next bar starts at `sample` instead, so no note is sent late.
  void skipTo(std::int64_t sample);

  /// The melody answers `call` (a phrase the human just played) in the next
  /// bar it plans, with a transformed version in that bar's key, instead of its
  /// own line. A newer call replaces one not yet answered.
  void queueAnswer(std::vector<PhraseNote> call);
  /// Phrases answered so far.
  std::uint64_t answersPlayed() const { return answers_; }

  std::string currentChord() const;
  std::string currentSection() const;
  /// Bars planned so far.
  std::int64_t barCount() const;
  /// Where the next bar to be planned starts (a change made now lands there).
  std::int64_t nextBarSample() const;
  /// Notes the sink refused (queue full).
  std::uint64_t droppedNotes() const { return dropped_; }

 private:
  void planBar(NoteSink& sink);
  void planAnswer(const BarContext& ctx, const AgentParams& melody, std::vector<PlannedNote>& out);

  EnsembleConfig config_;
  EnsembleParams requested_;
  EnsembleParams active_;
  bool started_ = false;
  double nextBar_ = 0.0;
  std::int64_t bars_ = 0;
  std::uint64_t dropped_ = 0;
  std::vector<PhraseNote> call_;  // a phrase waiting for its answer
  std::uint64_t answers_ = 0;
  std::string chord_;
  std::string section_;
  GenerationObserver* observer_ = nullptr;
  std::unique_ptr<SongForm> form_;
  std::unique_ptr<HarmonyAgent> harmony_;
  std::unique_ptr<BassAgent> bass_;
  std::unique_ptr<MelodyAgent> melody_;
  std::unique_ptr<PercussionAgent> percussion_;
};

}  // namespace auralis::ensemble
