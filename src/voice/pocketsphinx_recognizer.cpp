// The pocketsphinx (5prealpha) Recognizer. Two searches share one decoder: "cmd" is the JSGF
// command grammar, "lm" the default English trigram model for dictation.
#include <pocketsphinx.h>
#include <sphinxbase/feat.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "voice/recognizer.hpp"

#ifndef AURALIS_PS_MODEL_DIR
#define AURALIS_PS_MODEL_DIR "/usr/share/pocketsphinx/model/en-us"
#endif

namespace auralis::voice {

const char* modeName(RecognizerMode mode) {
  return mode == RecognizerMode::Command ? "command" : "dictation";
}

namespace {

constexpr const char* kGrammarSearch = "cmd";
constexpr const char* kDictationSearch = "lm";
/// The longest utterance kept for the final pass: 20 s at 16 kHz (the pipeline cuts at 12 s);
/// a longer one keeps its first 20 s.
constexpr std::size_t kMaxUtteranceSamples = 20 * 16000;

/// Pocketsphinx's posterior is 1 for every grammar result, so command confidence comes from
/// the acoustic score per 10 ms frame instead: about -20 for clean speech that fits, below
/// -60 for speech the grammar cannot explain. A heuristic, calibrated on espeak-ng voices.
double scoreConfidence(std::int32_t score, int frames) {
  if (frames <= 0) return 0.0;
  const double perFrame = static_cast<double>(score) / frames;
  return std::clamp((perFrame + 60.0) / 40.0, 0.0, 1.0);
}

/// Removes pocketsphinx's filler tokens (<s>, <sil>, [NOISE], ...) and word variants "(2)".
std::string cleanText(const char* hyp) {
  std::string out;
  if (hyp == nullptr) return out;
  std::string word;
  auto flush = [&] {
    if (!word.empty() && word[0] != '<' && word[0] != '[') {
      if (auto p = word.find('('); p != std::string::npos) word.resize(p);
      if (!out.empty()) out += ' ';
      out += word;
    }
    word.clear();
  };
  for (const char* c = hyp; *c != '\0'; ++c) {
    if (*c == ' ')
      flush();
    else
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(*c)));
  }
  flush();
  return out;
}

class PocketsphinxRecognizer final : public Recognizer {
 public:
  PocketsphinxRecognizer(ps_decoder_t* ps, cmd_ln_t* config, std::vector<std::string> args)
      : ps_(ps), config_(config), args_(std::move(args)) {
    utterance_.reserve(kMaxUtteranceSamples);
  }
  ~PocketsphinxRecognizer() override {
    if (inUtterance_) ps_end_utt(ps_);
    ps_free(ps_);
    cmd_ln_free_r(config_);
  }
  PocketsphinxRecognizer(const PocketsphinxRecognizer&) = delete;
  PocketsphinxRecognizer& operator=(const PocketsphinxRecognizer&) = delete;

  Status setMode(RecognizerMode mode) override {
    if (inUtterance_) return makeError("internal", "cannot switch mode inside an utterance");
    const char* search = mode == RecognizerMode::Command ? kGrammarSearch : kDictationSearch;
    if (ps_set_search(ps_, search) != 0)
      return makeError("internal", std::string("pocketsphinx: no search ") + search);
    mode_ = mode;
    return Ok{};
  }
  RecognizerMode mode() const override { return mode_; }
  void setWholeUtteranceFinal(bool on) { wholeUtteranceFinal_ = on; }
  void setDictationEscape(std::string phrase, double minConfidence) {
    dictationEscape_ = std::move(phrase);
    escapeConfidence_ = minConfidence;
  }

  void startUtterance() override {
    if (inUtterance_) ps_end_utt(ps_);
    utterance_.clear();
    ps_start_utt(ps_);
    inUtterance_ = true;
  }
  void process(const std::int16_t* samples, int count) override {
    if (!inUtterance_ || count <= 0) return;
    ps_process_raw(ps_, samples, static_cast<std::size_t>(count), FALSE, FALSE);
    if (utterance_.size() + static_cast<std::size_t>(count) <= utterance_.capacity())
      utterance_.insert(utterance_.end(), samples, samples + count);
  }
  Hypothesis partial() override { return hypothesis(); }
  Hypothesis finish() override {
    if (!inUtterance_) return {};
    ps_end_utt(ps_);
    // The model's cepstral mean normalisation is "batch": while live it normalises with the
    // previous utterances' mean (so the first command after a level change is decoded with a
    // wrong mean). The final decodes the whole utterance again, normalised by its own mean.
    if (wholeUtteranceFinal_ && !utterance_.empty() && ps_start_utt(ps_) == 0) {
      ps_process_raw(ps_, utterance_.data(), utterance_.size(), FALSE, TRUE);
      ps_end_utt(ps_);
    }
    inUtterance_ = false;
    Hypothesis h = hypothesis();
    if (mode_ == RecognizerMode::Dictation && !dictationEscape_.empty() && !utterance_.empty())
      if (auto escape = spotEscape(); !escape.text.empty()) h = escape;
    utterance_.clear();
    return h;
  }

 private:
  Hypothesis hypothesis() {
    std::int32_t score = 0;
    const char* hyp = ps_get_hyp(ps_, &score);
    Hypothesis h;
    h.text = cleanText(hyp);
    h.frames = ps_get_n_frames(ps_);
    if (mode_ == RecognizerMode::Dictation && !inUtterance_) {
      // The language-model search has a real posterior once the utterance is complete.
      h.confidence = logmath_exp(ps_get_logmath(ps_), ps_get_prob(ps_));
    } else {
      h.confidence = scoreConfidence(score, h.frames);
    }
    if (h.text.empty()) h.confidence = 0.0;
    return h;
  }

  /// The live cepstral-mean state (sphinxbase's cmn_t: the mean and its running sum).
  struct CmnState {
    std::vector<mfcc_t> mean, sum;
    std::int32_t nframe = 0;
  };
  CmnState saveCmn() {
    CmnState st;
    const cmn_t* c = ps_get_feat(ps_)->cmn_struct;
    if (c == nullptr) return st;
    st.mean.assign(c->cmn_mean, c->cmn_mean + c->veclen);
    st.sum.assign(c->sum, c->sum + c->veclen);
    st.nframe = c->nframe;
    return st;
  }
  void restoreCmn(const CmnState& st) {
    cmn_t* c = ps_get_feat(ps_)->cmn_struct;
    if (c == nullptr || st.mean.size() != static_cast<std::size_t>(c->veclen)) return;
    std::copy(st.mean.begin(), st.mean.end(), c->cmn_mean);
    std::copy(st.sum.begin(), st.sum.end(), c->sum);
    c->nframe = st.nframe;
  }

  /// Dictation's language model rarely hears the short "command mode" in synthetic or
  /// clipped speech, and without it there is no way back by voice. The utterance is decoded
  /// again against the command grammar; only that exact phrase, scored as well as a command
  /// is, counts. The second decode's frames are kept out of the running cepstral mean.
  Hypothesis spotEscape() {
    Hypothesis none;
    if (ps_set_search(ps_, kGrammarSearch) != 0) return none;
    const CmnState before = saveCmn();
    Hypothesis g;
    if (ps_start_utt(ps_) == 0) {
      ps_process_raw(ps_, utterance_.data(), utterance_.size(), FALSE, FALSE);
      ps_end_utt(ps_);
      std::int32_t score = 0;
      g.text = cleanText(ps_get_hyp(ps_, &score));
      g.frames = ps_get_n_frames(ps_);
      g.confidence = scoreConfidence(score, g.frames);
    }
    restoreCmn(before);
    ps_set_search(ps_, kDictationSearch);
    g.escape = true;
    return g.text == dictationEscape_ && g.confidence >= escapeConfidence_ ? g : none;
  }

  ps_decoder_t* ps_;
  cmd_ln_t* config_;
  std::vector<std::string> args_;  // cmd_ln may keep pointers into them: they live as long
  RecognizerMode mode_ = RecognizerMode::Command;
  bool inUtterance_ = false;
  bool wholeUtteranceFinal_ = false;
  std::string dictationEscape_;
  double escapeConfidence_ = 0.0;
  std::vector<std::int16_t> utterance_;  // this utterance's audio, for the final's second pass
};

}  // namespace

Result<std::unique_ptr<Recognizer>> makePocketsphinxRecognizer(const PocketsphinxConfig& config) {
  namespace fs = std::filesystem;
  const fs::path dir =
      config.modelDir.empty() ? fs::path(AURALIS_PS_MODEL_DIR) : fs::path(config.modelDir);
  const auto hmm = (dir / "en-us").string();
  const auto dict = (dir / "cmudict-en-us.dict").string();
  const auto lm = (dir / "en-us.lm.bin").string();
  for (const auto& p : {hmm, dict, lm}) {
    std::error_code ec;
    if (!fs::exists(p, ec))
      return makeError("unavailable",
                       "speech model not found: " + p + " (install Debian's pocketsphinx-en-us)");
  }
  std::vector<std::string> args = {"-hmm", hmm, "-dict", dict};
  const bool quiet = std::none_of(config.decoderArgs.begin(), config.decoderArgs.end(),
                                  [](const auto& a) { return a.first == "logfn"; });
  if (quiet) args.insert(args.end(), {"-logfn", "/dev/null"});
  for (const auto& [name, value] : config.decoderArgs) {
    args.push_back("-" + name);
    args.push_back(value);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  cmd_ln_t* cfg =
      cmd_ln_parse_r(nullptr, ps_args(), static_cast<std::int32_t>(argv.size()), argv.data(), TRUE);
  if (cfg == nullptr) return makeError("invalid_argument", "pocketsphinx: bad decoder option");
  ps_decoder_t* ps = ps_init(cfg);
  if (ps == nullptr) {
    cmd_ln_free_r(cfg);
    return makeError("internal", "pocketsphinx: cannot load the model in " + dir.string());
  }
  auto rec = std::make_unique<PocketsphinxRecognizer>(ps, cfg, std::move(args));
  rec->setWholeUtteranceFinal(config.wholeUtteranceFinal);
  rec->setDictationEscape(config.dictationEscape, config.escapeConfidence);
  if (ps_set_lm_file(ps, kDictationSearch, lm.c_str()) != 0)
    return makeError("internal", "pocketsphinx: cannot load " + lm);
  for (const auto& [word, phones] : config.extraWords)
    if (ps_lookup_word(ps, word.c_str()) == nullptr)
      ps_add_word(ps, word.c_str(), phones.c_str(), FALSE);
  if (!config.grammar.empty() &&
      ps_set_jsgf_string(ps, kGrammarSearch, config.grammar.c_str()) != 0)
    return makeError("internal", "pocketsphinx: the command grammar does not compile");
  if (auto s = rec->setMode(config.grammar.empty() ? RecognizerMode::Dictation
                                                   : RecognizerMode::Command);
      !s)
    return s.error();
  return std::unique_ptr<Recognizer>(std::move(rec));
}

}  // namespace auralis::voice
