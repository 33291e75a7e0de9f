#include "ensemble/ensemble.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "ensemble/bar_context.hpp"
#include "ensemble/bass_agent.hpp"
#include "ensemble/harmony_agent.hpp"
#include "ensemble/melody_agent.hpp"
#include "ensemble/percussion_agent.hpp"
#include "ensemble/song_form.hpp"
#include "music/pitch.hpp"
#include "music/tempo.hpp"

namespace auralis::ensemble {
namespace {

using music::InstrumentKind;

bool instrumentAllowed(Agent agent, InstrumentKind kind) {
  switch (agent) {
    case Agent::Harmony:
      return kind == InstrumentKind::Pad || kind == InstrumentKind::Keys ||
             kind == InstrumentKind::Bell || kind == InstrumentKind::GeneralMidi;
    case Agent::Bass:
      return kind == InstrumentKind::Bass || kind == InstrumentKind::GeneralMidi;
    case Agent::Melody:
      return kind == InstrumentKind::Keys || kind == InstrumentKind::Bell ||
             kind == InstrumentKind::Pad || kind == InstrumentKind::GeneralMidi;
    case Agent::Percussion:
    case Agent::Count:
      return true;
  }
  return true;
}

EnsembleParams sanitised(EnsembleParams p) {
  p.bpm = music::clampBpm(Bpm(p.bpm)).value;
  p.intensity = std::isfinite(p.intensity) ? std::clamp(p.intensity, 0.0, 1.0) : 0.5;
  p.key.root = music::pitchClass(p.key.root);
  const auto defaults = defaultAgentParams();
  for (std::size_t i = 0; i < p.agents.size(); ++i) {
    AgentParams& a = p.agents[i];
    a.level = std::isfinite(a.level) ? std::clamp(a.level, 0.0F, 1.0F) : defaults[i].level;
    for (float* w : {&a.personality.lead, &a.personality.follow, &a.personality.fill})
      *w = std::isfinite(*w) ? std::clamp(*w, 0.0F, 1.0F) : 0.5F;
    if (!instrumentAllowed(static_cast<Agent>(i), a.instrument)) {
      a.instrument = defaults[i].instrument;
    }
  }
  p.space = std::isfinite(p.space) ? std::clamp(p.space, 0.0, 1.0) : 0.0;
  p.humanLevel = std::isfinite(p.humanLevel) ? std::min(p.humanLevel, 1.0) : -1.0;
  return p;
}

/// A fixed pseudo-random number in [0, 1) per (bar, agent, note): thinning
/// must not draw from the agents' own streams, or a seed would replay
/// different music whenever a human had played.
double noteHash(std::int64_t bar, int agent, std::size_t index) {
  std::uint64_t x = static_cast<std::uint64_t>(bar) * 0x9E3779B97F4A7C15ULL ^
                    (static_cast<std::uint64_t>(agent) << 40U) ^ index;
  x ^= x >> 31U;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 29U;
  return static_cast<double>(x >> 11U) * (1.0 / 9007199254740992.0);
}

/// Leaves space for the human (drops a share of the agent's notes, never its
/// downbeat) and leans velocities toward the human's dynamics.
void shapeForHuman(std::int64_t bar, int agent, const AgentParams& p, const EnsembleParams& params,
                   std::size_t from, NoteList& notes) {
  const double drop = params.space * static_cast<double>(p.personality.fill);
  if (drop > 0.0) {
    std::size_t kept = from;
    for (std::size_t i = from; i < notes.size(); ++i) {
      if (notes[i].beat > 1e-9 && noteHash(bar, agent, i) < drop) continue;
      notes[kept++] = notes[i];
    }
    notes.resize(kept);
  }
  if (params.humanLevel >= 0.0) {
    const double target = 0.3 + 0.7 * params.humanLevel;
    const auto follow = static_cast<double>(p.personality.follow);
    const double factor = (1.0 - follow) + follow * target;
    for (std::size_t i = from; i < notes.size(); ++i)
      notes[i].note.velocity = static_cast<float>(
          std::clamp(static_cast<double>(notes[i].note.velocity) * factor, 0.0, 1.0));
  }
}

}  // namespace

void Ensemble::queueAnswer(std::vector<PhraseNote> call) {
  call_ = std::move(call);
}

void Ensemble::planAnswer(const BarContext& ctx, const AgentParams& melody, NoteList& out) {
  const auto variant =
      static_cast<AnswerVariant>(answers_ % static_cast<std::uint64_t>(AnswerVariant::Count));
  for (const AnswerNote& a : answerPhrase(call_, ctx.key, variant)) {
    PlannedNote n;
    n.beat = a.beat;
    n.chord = ctx.chordAt(a.beat).chord;
    n.note.startSample = ctx.sampleAt(a.beat);
    n.note.lengthSamples = ctx.samplesFor(a.beats * 0.9);
    n.note.channel = music::Channel::Melody;
    n.note.instrument = melody.instrument;
    n.note.pitch = static_cast<std::uint8_t>(a.pitch);
    n.note.velocity = 0.75F * melody.level;
    n.note.pan = 0.15F;
    out.push_back(n);
  }
  call_.clear();
  ++answers_;
}

std::string_view agentName(Agent agent) {
  switch (agent) {
    case Agent::Harmony:
      return "harmony";
    case Agent::Bass:
      return "bass";
    case Agent::Melody:
      return "melody";
    case Agent::Percussion:
      return "percussion";
    case Agent::Count:
      break;
  }
  return "unknown";
}

std::array<AgentParams, 4> defaultAgentParams() {
  return {// Personalities: the pads follow and leave room, the bass anchors, the
          // melody leads (it answers the human), the drums fill.
          AgentParams{true, 0.8F, InstrumentKind::Pad, {0.1F, 0.8F, 0.6F}},
          AgentParams{true, 0.8F, InstrumentKind::Bass, {0.2F, 0.6F, 0.3F}},
          AgentParams{true, 0.8F, InstrumentKind::Keys, {0.9F, 0.4F, 0.8F}},
          AgentParams{true, 0.8F, InstrumentKind::Kick, {0.1F, 0.5F, 0.7F}}};
}

Status validateParams(const EnsembleParams& params) {
  if (!(params.bpm >= music::kMinBpm && params.bpm <= music::kMaxBpm)) {
    return makeError("invalid_param", "bpm must be between 40 and 200", "bpm");
  }
  if (!(params.intensity >= 0.0 && params.intensity <= 1.0)) {
    return makeError("invalid_param", "intensity must be between 0 and 1", "intensity");
  }
  for (int i = 0; i < kAgentCount; ++i) {
    const auto agent = static_cast<Agent>(i);
    const AgentParams& a = params.agents[static_cast<std::size_t>(i)];
    const std::string prefix = "agents." + std::string(agentName(agent));
    if (!(a.level >= 0.0F && a.level <= 1.0F)) {
      return makeError("invalid_param", "level must be between 0 and 1", prefix + ".level");
    }
    if (!instrumentAllowed(agent, a.instrument)) {
      return makeError("invalid_param",
                       "instrument not available for " + std::string(agentName(agent)) +
                           " (harmony: pad, keys, bell, gm; bass: bass, gm; melody: keys, bell, "
                           "pad, gm)",
                       prefix + ".instrument");
    }
  }
  return Ok{};
}

Ensemble::Ensemble(const EnsembleConfig& config)
    : config_(config),
      requested_(sanitised(config.params)),
      active_(requested_),
      form_(std::make_unique<SongForm>(config.seed)),
      harmony_(std::make_unique<HarmonyAgent>(config.seed)),
      bass_(std::make_unique<BassAgent>(config.seed)),
      melody_(std::make_unique<MelodyAgent>(config.seed)),
      percussion_(std::make_unique<PercussionAgent>(config.seed)) {}

Ensemble::~Ensemble() = default;

void Ensemble::setParams(const EnsembleParams& params) {
  requested_ = sanitised(params);
}
const EnsembleParams& Ensemble::params() const {
  return requested_;
}
void Ensemble::setObserver(GenerationObserver* observer) {
  observer_ = observer;
}
std::string Ensemble::currentChord() const {
  return chord_;
}
std::string Ensemble::currentSection() const {
  return section_;
}
std::int64_t Ensemble::barCount() const {
  return bars_;
}
std::int64_t Ensemble::nextBarSample() const {
  return std::llround(nextBar_);
}

void Ensemble::skipTo(std::int64_t sample) {
  if (static_cast<double>(sample) > nextBar_) nextBar_ = static_cast<double>(sample);
}

void Ensemble::planUntil(std::int64_t horizonSample, NoteSink& sink) {
  while (nextBar_ < static_cast<double>(horizonSample)) planBar(sink);
}

void Ensemble::planBar(NoteSink& sink) {
  // 1. Latch parameters: key, tempo and intensity change only here, at a bar start.
  const EnsembleParams previous = active_;
  const bool first = !started_;
  active_ = requested_;
  started_ = true;
  const bool keyChanged = first || !(previous.key == active_.key);
  const bool tempoChanged = first || previous.bpm != active_.bpm;
  if (keyChanged && !first) harmony_->restartOnTonic();

  // 2. The conductor: form, effective intensity, chords.
  const bool newSection = form_->advance();
  BarContext ctx;
  ctx.bar = bars_;
  ctx.startSample = nextBar_;
  ctx.sampleRate = config_.sampleRate;
  ctx.samplesPerBeat = music::samplesPerBeat(Bpm(active_.bpm), Hz(config_.sampleRate));
  ctx.key = active_.key;
  ctx.section = form_->section();
  ctx.barInSection = form_->barInSection();
  ctx.intensity = std::clamp(active_.intensity + form_->energy(), 0.0, 1.0);
  harmony_->chooseChords(ctx);

  std::vector<GenerationEvent> events;
  events.reserve(128);
  const auto barStart = static_cast<std::int64_t>(std::llround(nextBar_));
  auto event = [&](GenerationEvent::Kind kind, std::int64_t sample, std::string text) {
    GenerationEvent e;
    e.kind = kind;
    e.sample = sample;
    e.text = std::move(text);
    e.bar = bars_;
    e.key = ctx.key;
    e.chord = ctx.chords[0].chord;
    return e;
  };
  if (keyChanged) events.push_back(event(GenerationEvent::Kind::Key, barStart, ctx.key.name()));
  if (tempoChanged) {
    auto e = event(GenerationEvent::Kind::Tempo, barStart, "bpm");
    e.value = active_.bpm;
    events.push_back(std::move(e));
  }
  if (newSection) {
    auto e = event(GenerationEvent::Kind::Section, barStart, std::string(ctx.section.name));
    e.value = ctx.intensity;
    events.push_back(std::move(e));
    section_ = std::string(ctx.section.name);
  }
  for (int s = 0; s < ctx.chordCount; ++s) {
    const ChordSpan& span = ctx.chords[static_cast<std::size_t>(s)];
    if (!span.changed) continue;
    chord_ = music::chordLabel(ctx.key, span.chord);
    auto e = event(GenerationEvent::Kind::Chord, ctx.sampleAt(span.beat), chord_);
    e.beat = span.beat;
    e.chord = span.chord;
    events.push_back(std::move(e));
  }
  if (chord_.empty()) chord_ = music::chordLabel(ctx.key, ctx.chords[0].chord);

  // 3. The agents.
  NoteList notes;
  notes.reserve(96);
  for (int a = 0; a < kAgentCount; ++a) {
    const AgentParams& p = active_.agents[static_cast<std::size_t>(a)];
    if (!p.enabled) continue;
    const std::size_t before = notes.size();
    switch (static_cast<Agent>(a)) {
      case Agent::Harmony:
        harmony_->plan(ctx, p.instrument, p.level, notes);
        break;
      case Agent::Bass:
        bass_->plan(ctx, p.instrument, p.level, notes);
        break;
      case Agent::Melody:
        if (!call_.empty() && p.personality.lead > 0.0F)
          planAnswer(ctx, p, notes);
        else
          melody_->plan(ctx, p.instrument, p.level, notes);
        break;
      case Agent::Percussion:
        percussion_->plan(ctx, p.level, notes);
        break;
      case Agent::Count:
        break;
    }
    shapeForHuman(bars_, a, p, active_, before, notes);
    for (std::size_t i = before; i < notes.size(); ++i) {
      const PlannedNote& n = notes[i];
      GenerationEvent e = event(GenerationEvent::Kind::Note, n.note.startSample, {});
      e.agent = static_cast<Agent>(a);
      e.note = n.note;
      e.passing = n.passing;
      e.beat = n.beat;
      e.chord = n.chord;
      events.push_back(std::move(e));
    }
  }

  // 4. Hand over in sample order (ties keep planning order).
  std::stable_sort(
      events.begin(), events.end(),
      [](const GenerationEvent& x, const GenerationEvent& y) { return x.sample < y.sample; });
  for (const GenerationEvent& e : events) {
    if (e.kind == GenerationEvent::Kind::Note && !sink.push(e.note)) ++dropped_;
    if (observer_ != nullptr) observer_->onEvent(e);
  }
  nextBar_ += ctx.samplesPerBeat * music::kBeatsPerBar;
  if (observer_ != nullptr)
    observer_->onBarPlanned(bars_, barStart, static_cast<std::int64_t>(std::llround(nextBar_)));
  ++bars_;
}

}  // namespace auralis::ensemble
