#include "engine/engine.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/monotonic_clock.hpp"
#include "core/rt_guard.hpp"
#include "core/units.hpp"

namespace auralis::engine {

EngineConfig testToneConfig(double sampleRate, int maxBlockFrames) {
  EngineConfig c;
  c.sampleRate = sampleRate;
  c.maxBlockFrames = maxBlockFrames;
  for (int ch = 0; ch < music::kChannelCount; ++ch)
    c.instruments.emplace_back(static_cast<music::Channel>(ch), music::InstrumentKind::TestTone);
  return c;
}

EngineConfig ensembleEngineConfig(double sampleRate, int maxBlockFrames) {
  using music::Channel;
  using music::InstrumentKind;
  EngineConfig c;
  c.sampleRate = sampleRate;
  c.maxBlockFrames = maxBlockFrames;
  c.instruments = {
      {Channel::Harmony, InstrumentKind::Pad},
      {Channel::Harmony, InstrumentKind::Keys},
      {Channel::Harmony, InstrumentKind::Bell},
      {Channel::Harmony, InstrumentKind::GeneralMidi},
      {Channel::Bass, InstrumentKind::Bass},
      {Channel::Bass, InstrumentKind::GeneralMidi},
      {Channel::Melody, InstrumentKind::Keys},
      {Channel::Melody, InstrumentKind::Bell},
      {Channel::Melody, InstrumentKind::Pad},
      {Channel::Melody, InstrumentKind::GeneralMidi},
      {Channel::Percussion, InstrumentKind::Kick},
      {Channel::Percussion, InstrumentKind::Snare},
      {Channel::Percussion, InstrumentKind::Hihat},
      {Channel::Percussion, InstrumentKind::Swell},
      {Channel::Response, InstrumentKind::TestTone},
      {Channel::Response, InstrumentKind::Snare},  // the default answer to an input onset
      {Channel::Response, InstrumentKind::Keys},   // MIDI in played live (midi.in.play)
  };
  return c;
}

Engine::Engine() = default;
Engine::~Engine() = default;

void Engine::prepare(const EngineConfig& config) {
  config_ = config;
  config_.maxBlockFrames = std::clamp(config_.maxBlockFrames, 1, kMaxBlockFrames);
  const int maxFrames = config_.maxBlockFrames;
  const RenderSpec spec{config_.sampleRate, maxFrames};

  notes_ = std::make_unique<MpscQueue<music::NoteEvent>>(config_.noteQueueCapacity);
  commands_ = std::make_unique<MpscQueue<EngineCommand>>(config_.commandQueueCapacity);
  appliedCommands_ = std::make_unique<SpscRing<AppliedCommand>>(4 * config_.commandQueueCapacity);
  scheduler_.prepare(config_.schedulerCapacity);
  for (auto& strip : channels_) strip = ChannelStrip{};
  for (auto& strip : channels_) strip.prepare(config_.sampleRate, maxFrames);
  for (const auto& [channel, kind] : config_.instruments) {
    auto inst = config_.instrumentFactory ? config_.instrumentFactory(kind) : makeInstrument(kind);
    if (!inst) continue;
    inst->prepare(spec);
    channels_[static_cast<std::size_t>(channel)].addInstrument(kind, std::move(inst));
  }
  effects_.prepare(config_.sampleRate, maxFrames);
  player_.prepare(config_.sampleRate, maxFrames, config_.playbackRingSeconds);
  master_.prepare(config_.sampleRate, config_.master);
  master_.fadeIn();
  mix_.prepare(maxFrames);
  reverbSend_.prepare(maxFrames);
  delaySend_.prepare(maxFrames);
  silence_.assign(static_cast<std::size_t>(maxFrames), 0.0F);
  inputL_.assign(static_cast<std::size_t>(maxFrames), 0.0F);
  inputR_.assign(static_cast<std::size_t>(maxFrames), 0.0F);
  onsets_.prepare(config_.sampleRate);
  respond_ = config_.respondToOnsets;
  for (std::size_t i = 0; i < kTapCount; ++i)
    taps_[i] = std::make_unique<Tap>(tapName(static_cast<TapId>(i)), config_.tapCapacityBlocks);
  position_.store(0, std::memory_order_release);
}

bool Engine::postNote(const music::NoteEvent& note) {
  if (!notes_->tryPush(note)) return false;
  // The instruments are fixed from prepare() on, so a producer may look one up.
  if (Instrument* inst = instrumentFor(note)) inst->expectNotes();
  return true;
}

Instrument* Engine::instrumentFor(const music::NoteEvent& note) noexcept {
  // Both come from outside (a replayed bundle, a producer's bug): never an index past the end.
  const auto channel = static_cast<std::size_t>(note.channel);
  if (channel >= channels_.size() ||
      static_cast<std::size_t>(note.instrument) >= music::kInstrumentKindCount)
    return nullptr;
  return channels_[channel].instrument(note.instrument);
}

void Engine::applyCommand(const EngineCommand& c) noexcept {
  auto& strip = channels_[std::min<std::size_t>(c.channel, channels_.size() - 1)];
  switch (c.type) {
    case CommandType::MasterGain:
      master_.setGain(c.value);
      break;
    case CommandType::ChannelLevel:
      strip.setLevel(c.value);
      break;
    case CommandType::ChannelPan:
      strip.setPan(c.value);
      break;
    case CommandType::ChannelEnabled:
      strip.setEnabled(c.value > 0.5F);
      break;
    case CommandType::ChannelReverbSend:
      strip.setReverbSend(c.value);
      break;
    case CommandType::ChannelDelaySend:
      strip.setDelaySend(c.value);
      break;
    case CommandType::ReverbSize:
      effects_.setReverbSize(c.value);
      break;
    case CommandType::ReverbDecay:
      effects_.setReverbDecay(c.value);
      break;
    case CommandType::ReverbDamping:
      effects_.setReverbDamping(c.value);
      break;
    case CommandType::DelayTime:
      effects_.setDelayTime(c.value);
      break;
    case CommandType::DelayFeedback:
      effects_.setDelayFeedback(c.value);
      break;
    case CommandType::DelayDamping:
      effects_.setDelayDamping(c.value);
      break;
    case CommandType::InstrumentParam:
      if (c.instrument < music::kInstrumentKindCount) {
        if (auto* inst = strip.instrument(static_cast<music::InstrumentKind>(c.instrument)))
          inst->setParameter(c.param, c.value);
      }
      break;
    case CommandType::AllNotesOff:
      for (auto& s : channels_) s.allNotesOff();
      break;
    case CommandType::FadeIn:
      master_.fadeIn();
      break;
    case CommandType::FadeOut:
      master_.fadeOut();
      break;
    case CommandType::RespondToOnsets:
      respond_ = c.value > 0.5F;
      break;
    case CommandType::LoudnessTrim:
      master_.setTrimDb(c.value);
      metrics_.loudnessTrimDb.store(master_.trimDb(), std::memory_order_relaxed);
      break;
    case CommandType::PlaybackStart:
      player_.start(c.channel, static_cast<std::uint16_t>(c.instrument | (c.param << 8)), c.value);
      break;
    case CommandType::PlaybackStop:
      player_.stop(c.value);
      break;
    case CommandType::PlaybackGain:
      player_.setGain(c.value);
      break;
    case CommandType::NoteLate:
      return;  // a log record, not a command
  }
  metrics_.commandsApplied.fetch_add(1, std::memory_order_relaxed);
}

void Engine::drainNotes(std::int64_t blockStart, std::int64_t /*blockEnd*/) noexcept {
  music::NoteEvent note;
  while (notes_->tryPop(note)) {
    ScheduledEvent e;
    e.kind = ScheduledEvent::Kind::NoteOn;
    e.note = note;
    e.sample = note.startSample;
    if (e.sample < blockStart) {
      // A late note still plays, at the first sample we can give it; the log says
      // so, so a replay can make it just as late.
      e.sample = blockStart;
      metrics_.lateNotes.fetch_add(1, std::memory_order_relaxed);
      if (logCommands_.load(std::memory_order_relaxed)) {
        const EngineCommand late{CommandType::NoteLate, static_cast<std::uint8_t>(note.channel),
                                 static_cast<std::uint8_t>(note.instrument), note.pitch,
                                 static_cast<float>(blockStart - note.startSample)};
        if (!appliedCommands_->tryPush({blockStart, late}))
          commandLogDrops_.fetch_add(1, std::memory_order_relaxed);
      }
    }
    if (!scheduler_.push(e)) metrics_.droppedNotes.fetch_add(1, std::memory_order_relaxed);
  }
}

void Engine::fire(const ScheduledEvent& e) noexcept {
  Instrument* inst = instrumentFor(e.note);
  if (inst == nullptr) {
    metrics_.droppedNotes.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (e.kind == ScheduledEvent::Kind::NoteOff) {
    inst->noteOff(e.noteId);
    return;
  }
  const std::uint32_t id = nextNoteId_++;
  inst->noteOn(NoteStart{id, e.note.pitch, e.note.program, e.note.velocity, e.note.pan});
  metrics_.notesStarted.fetch_add(1, std::memory_order_relaxed);
  // Sounded (the sample it starts on) minus due (the sample it was planned for).
  const auto ch = static_cast<std::size_t>(e.note.channel);  // known: instrumentFor found it
  if (ch < metrics_.noteLateness.size())
    metrics_.noteLateness[ch].record(static_cast<double>(e.sample - e.note.startSample) /
                                     config_.sampleRate);
  ScheduledEvent off = e;
  off.kind = ScheduledEvent::Kind::NoteOff;
  off.noteId = id;
  off.sample = e.sample + std::max<std::int32_t>(1, e.note.lengthSamples);
  if (!scheduler_.push(off)) {
    // Never leave a note hanging: with no room to schedule its end, end it now.
    inst->noteOff(id);
    metrics_.droppedNotes.fetch_add(1, std::memory_order_relaxed);
  }
}

void Engine::renderSegment(int offset, int frames) noexcept {
  if (frames <= 0) return;
  for (auto& strip : channels_) strip.render(offset, frames, mix_, reverbSend_, delaySend_);
}

void Engine::detectAndRespond(const float* inL, const float* inR, int frames,
                              std::int64_t blockStart) noexcept {
  const int at = onsets_.process(inL, inR, frames);
  if (at < 0) return;
  metrics_.inputOnsets.fetch_add(1, std::memory_order_relaxed);
  if (!respond_) return;
  // Straight into the scheduler (not the note queue): the answer starts on the
  // onset's own sample, in this block, before any other thread could react.
  ScheduledEvent e;
  e.kind = ScheduledEvent::Kind::NoteOn;
  e.note = config_.response;
  e.sample = blockStart + at;
  e.note.startSample = e.sample;
  if (!scheduler_.push(e)) {
    metrics_.droppedNotes.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  metrics_.responsesStarted.fetch_add(1, std::memory_order_relaxed);
  // Onset sample in, first output sample of the answer out: the start offset
  // (zero here) plus what the master bus delays everything by.
  metrics_.responseLatency.record(e.sample + master_.latencyFrames() - (blockStart + at));
}

void Engine::process(const float* const* input, int inputChannels, float* const* output,
                     int frames) noexcept {
  rt::AudioCallbackScope audioScope;
  const std::uint64_t started = core::monotonicNanos();
  frames = std::clamp(frames, 0, config_.maxBlockFrames);
  const std::int64_t blockStart = position_.load(std::memory_order_relaxed);
  const std::int64_t blockEnd = blockStart + frames;

  EngineCommand command;
  const bool logCommands = logCommands_.load(std::memory_order_relaxed);
  while (commands_->tryPop(command)) {
    applyCommand(command);
    if (logCommands && !appliedCommands_->tryPush({blockStart, command}))
      commandLogDrops_.fetch_add(1, std::memory_order_relaxed);
  }
  drainNotes(blockStart, blockEnd);

  // Live input: the backend's, else the pulled source's, else silence.
  const float* inL = (input != nullptr && inputChannels > 0) ? input[0] : nullptr;
  const float* inR = (input != nullptr && inputChannels > 1) ? input[1] : inL;
  if (inL == nullptr) {
    if (InputSource* source = inputSource_.load(std::memory_order_acquire)) {
      source->read(inputL_.data(), inputR_.data(), frames);
      inL = inputL_.data();
      inR = inputR_.data();
    } else {
      inL = inR = silence_.data();
    }
  }
  detectAndRespond(inL, inR, frames, blockStart);

  mix_.clear(0, frames);
  reverbSend_.clear(0, frames);
  delaySend_.clear(0, frames);

  // Render up to each event inside the block, fire it, continue: every note
  // starts and ends at its exact sample.
  int rendered = 0;
  while (!scheduler_.empty() && scheduler_.top().sample < blockEnd) {
    const ScheduledEvent e = scheduler_.top();
    scheduler_.pop();
    const int at = static_cast<int>(std::max<std::int64_t>(e.sample - blockStart, 0));
    renderSegment(rendered, at - rendered);
    rendered = std::max(rendered, at);
    fire(e);
  }
  renderSegment(rendered, frames - rendered);
  player_.render(mix_.left.data(), mix_.right.data(), frames);  // uploaded sources, dry
  effects_.process(reverbSend_, delaySend_, mix_, frames);

  if (!master_.process(mix_.left.data(), mix_.right.data(), frames)) {
    metrics_.nanEvents.fetch_add(1, std::memory_order_relaxed);
    effects_.reset();
    for (auto& s : channels_) s.reset();
  }

  float peak = 0.0F;
  for (int i = 0; i < frames; ++i) {
    const auto k = static_cast<std::size_t>(i);
    output[0][i] = mix_.left[k];
    output[1][i] = mix_.right[k];
    peak = std::max(peak, std::max(std::fabs(mix_.left[k]), std::fabs(mix_.right[k])));
  }
  for (std::size_t i = 0; i < kTapCount; ++i) {
    if (isMasterTap(static_cast<TapId>(i)))
      taps_[i]->push(output[0], output[1], frames, blockStart, started);
    else
      taps_[i]->push(inL, inR, frames, blockStart, started);
  }

  int voices = 0;
  for (const auto& s : channels_) voices += s.activeVoices();
  metrics_.activeVoices.store(voices, std::memory_order_relaxed);
  metrics_.peakLinear.store(peak, std::memory_order_relaxed);
  metrics_.limiterGainReductionDb.store(
      static_cast<float>(-gainToDb(static_cast<double>(master_.lastLimiterGain())).value),
      std::memory_order_relaxed);
  metrics_.blocks.fetch_add(1, std::memory_order_relaxed);
  metrics_.frames.fetch_add(static_cast<std::uint64_t>(frames), std::memory_order_relaxed);
  position_.store(blockEnd, std::memory_order_release);

  const std::uint64_t elapsed = core::monotonicNanos() - started;
  metrics_.callback.record(elapsed);
  const double periodNanos = 1e9 * frames / config_.sampleRate;
  if (static_cast<double>(elapsed) > periodNanos)
    metrics_.deadlineMisses.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace auralis::engine
