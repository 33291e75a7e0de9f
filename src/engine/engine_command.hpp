// EngineCommand: the small, trivially-copyable message a control thread sends
// the audio thread. Validation happens at the edge (src/control); by the time a
// command is here its values are in range. Applied at the start of a block.
#pragma once

#include <cstdint>

namespace auralis::engine {

enum class CommandType : std::uint8_t {
  MasterGain,         // value: linear gain, smoothed
  ChannelLevel,       // channel, value 0..1 (linear), smoothed
  ChannelPan,         // channel, value -1..1, smoothed
  ChannelEnabled,     // channel, value 0 or 1 (a fade, never a cut)
  ChannelReverbSend,  // channel, value 0..1
  ChannelDelaySend,   // channel, value 0..1
  ReverbSize,         // value 0..1
  ReverbDecay,        // value seconds
  ReverbDamping,      // value 0..1
  DelayTime,          // value seconds
  DelayFeedback,      // value 0..0.95
  DelayDamping,       // value 0..1
  InstrumentParam,    // channel, instrument kind, param id, value
  AllNotesOff,        // release every voice on every channel
  FadeIn,             // master fade up (start)
  FadeOut,            // master fade to silence (stop); Engine::fadedOut() turns true
  LoudnessTrim,       // value: dB, pre-limiter, ramped (the loudness normalisation loop)
  RespondToOnsets,    // value 0 or 1: an input onset starts an answer on the Response channel
  // Never posted, only logged: a note the engine drained after its start sample and so
  // started at the block's first sample. channel and instrument are the note's, param its
  // pitch, value how many samples late it was; a replay holds that note back to this block.
  NoteLate,
  // Uploaded sources (SourcePlayer). Start: channel = slot, instrument/param = the
  // generation's low/high byte, value = fade-in (and crossfade) seconds. Stop: value =
  // fade-out seconds. Gain: value = the player's linear level, smoothed.
  PlaybackStart,
  PlaybackStop,
  PlaybackGain,
};

struct EngineCommand {
  CommandType type = CommandType::MasterGain;
  std::uint8_t channel = 0;
  std::uint8_t instrument = 0;
  std::uint8_t param = 0;
  float value = 0.0F;
};

/// A command as the audio thread applied it: at the start of the block that
/// begins at `blockStart`. A session log keeps these so a replay applies each
/// one on the very same block (docs/operations.md, "Session bundles").
struct AppliedCommand {
  std::int64_t blockStart = 0;
  EngineCommand command;
};

}  // namespace auralis::engine
