// The spoken command vocabulary: one table of phrases, from which both the JSGF grammar the
// recognizer decodes against and the parser that turns a transcript into a CommandIntent are
// built, so the two never disagree.
//
// Phrases (see docs/protocol.md, "Voice commands"):
//   tempo <n> | set tempo [to] <n> | bpm <n>    faster | slower | speed up | slow down
//   key [of] <note> [flat|sharp] [major|minor|dorian|...] | <note> [flat|sharp] <mode>
//   more intensity | less intensity | calmer | wilder     louder | quieter
//   <agent> on|off (drums, percussion, bass, harmony, chords, melody)
//   start|begin recording | stop|end recording     lights blackout | lights on | lights off
//   dictation mode | command mode
// Spoken numbers ("one twenty", "one hundred and five", "ninety five") and music terms
// ("a flat minor" -> "Ab minor") are normalised here.
//
// Thread rules: pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace auralis::voice {

enum class CommandKind : std::uint8_t {
  SetBpm,           // value: bpm
  AdjustBpm,        // value: +/- bpm
  SetKey,           // name: "Ab minor"
  AdjustIntensity,  // value: +/- 0..1
  AdjustVolume,     // value: +/- 0..1
  AgentSwitch,      // name: harmony|bass|melody|percussion, on
  Recording,        // on: start (true) / stop (false)
  Lights,           // name: blackout|on|off
  Mode,             // name: command|dictation
};

struct CommandIntent {
  CommandKind kind = CommandKind::SetBpm;
  double value = 0.0;
  std::string name;
  bool on = false;
};

/// Relative steps: "faster" is +kBpmStep, "more intensity" +kIntensityStep.
inline constexpr double kBpmStep = 10.0;
inline constexpr double kIntensityStep = 0.15;
inline constexpr double kVolumeStep = 0.1;

/// The JSGF grammar of every command phrase (public rule <command>).
std::string commandGrammar();

/// Pronunciations (CMU phones) of grammar words missing from the CMU dictionary.
std::vector<std::pair<std::string, std::string>> grammarPronunciations();

/// Splits into lower-case words, dropping punctuation.
std::vector<std::string> words(std::string_view text);

/// A spoken number in [0, 999] from the whole of `w` ("one twenty" -> 120, "ninety five" ->
/// 95, "one hundred and five" -> 105, "one oh five" -> 105, digits too); nullopt otherwise.
std::optional<int> parseSpokenNumber(const std::vector<std::string>& w);

/// A key name from words such as "a flat minor" -> "Ab minor", "f sharp" -> "F# major",
/// "d dorian" -> "D dorian"; nullopt when they are not a key.
std::optional<std::string> parseSpokenKey(const std::vector<std::string>& w);

/// The command a transcript says, or nullopt (text is normalised first).
std::optional<CommandIntent> parseCommand(std::string_view text);

/// "tempo 120", "key Ab minor", "drums off": a short description for confirmations.
std::string describe(const CommandIntent& intent);

}  // namespace auralis::voice
