// Recognizer: the speech-to-text engine behind the voice side-chain, fed 16 kHz mono
// 16-bit audio one utterance at a time. Implementations are loaded once and kept warm;
// switching mode between utterances is cheap.
//
// Thread rules: one side-chain thread drives an instance; not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace auralis::voice {

/// Command mode decodes against the command grammar; dictation is free text.
enum class RecognizerMode : std::uint8_t { Command, Dictation };

/// "command" / "dictation".
const char* modeName(RecognizerMode mode);

struct Hypothesis {
  std::string text;         // lower-case words separated by single spaces
  double confidence = 0.0;  // 0..1
  int frames = 0;           // 10 ms feature frames decoded so far
  /// Dictation final only: the command grammar heard the way back to command mode
  /// (PocketsphinxConfig::dictationEscape), whatever the dictated text says.
  bool escape = false;
};

class Recognizer {
 public:
  virtual ~Recognizer() = default;
  /// Between utterances. Selects the grammar or the dictation model.
  virtual Status setMode(RecognizerMode mode) = 0;
  virtual RecognizerMode mode() const = 0;
  virtual void startUtterance() = 0;
  /// Feeds audio of the current utterance.
  virtual void process(const std::int16_t* samples, int count) = 0;
  /// The best hypothesis so far (a partial).
  virtual Hypothesis partial() = 0;
  /// Ends the utterance; the final hypothesis.
  virtual Hypothesis finish() = 0;
};

struct PocketsphinxConfig {
  std::string modelDir;  // empty: Debian's pocketsphinx-en-us
  std::string grammar;   // JSGF text for command mode
  /// Words the dictionary lacks: {word, phones} ("lydian", "L IH D IY AH N").
  std::vector<std::pair<std::string, std::string>> extraWords;
  /// Decoder options over the defaults, without the dash: {"lw", "6.5"}, {"beam", "1e-60"}.
  /// The defaults are measured (docs/benchmarks.md, "Voice"): pocketsphinx's
  /// spectral noise removal smears the plosive bursts that tell "d" from "b" and "off" from
  /// "on" (+11 % of phrases without it), and 8 Gaussians per senone instead of 4 score the
  /// phones more finely (+4 %). A 40 ms analysis window (the model's is 25.6 ms; 1024-point
  /// FFT to hold it) steadies the spectra of short vowels and bursts, and dither keeps
  /// digital silence (a file, a muted input, the pre-roll) out of the log spectrum: together
  /// +10 % of phrases on the tuning voices, +8 % on voices not tuned on.
  std::vector<std::pair<std::string, std::string>> decoderArgs = {{"remove_noise", "no"},
                                                                  {"topn", "8"},
                                                                  {"dither", "yes"},
                                                                  {"wlen", "0.040"},
                                                                  {"nfft", "1024"}};
  /// The final decodes the whole utterance again, normalised by its own cepstral mean. Off:
  /// measured +1/80 phrases for about +230 ms on the final (past the 500 ms goal).
  bool wholeUtteranceFinal = false;
  /// In dictation, the final also decodes the utterance against the command grammar and,
  /// when that hears exactly this phrase with at least `escapeConfidence`, returns it instead
  /// of the dictated text: the way back to command mode. Empty: dictation only.
  std::string dictationEscape;
  double escapeConfidence = 0.3;
};

/// Loads the acoustic model, dictionary, language model and grammar (about 0.3 s), or says
/// which file is missing. Any non-real-time thread.
Result<std::unique_ptr<Recognizer>> makePocketsphinxRecognizer(const PocketsphinxConfig& config);

}  // namespace auralis::voice
