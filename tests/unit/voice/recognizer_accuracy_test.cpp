// The accuracy changes of issue 8's follow-up: decoder options, dictionary variants, and
// command-mode partials that commit nothing.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "voice/command_grammar.hpp"
#include "voice/recognizer.hpp"
#include "voice/transcript.hpp"

using namespace auralis::voice;

TEST_CASE("decoder options reach pocketsphinx and an unknown one is refused") {
  PocketsphinxConfig pc;
  pc.grammar = commandGrammar();
  pc.extraWords = grammarPronunciations();
  pc.decoderArgs = {{"lw", "6.5"}, {"beam", "1e-48"}};
  pc.wholeUtteranceFinal = true;
  auto ok = makePocketsphinxRecognizer(pc);
  REQUIRE_MESSAGE(ok.ok(), (ok.ok() ? "" : ok.error().message));
  // A full second of silence through the two passes (live, then the whole utterance).
  std::vector<std::int16_t> silence(16000, 0);
  ok.value()->startUtterance();
  ok.value()->process(silence.data(), static_cast<int>(silence.size()));
  CHECK(ok.value()->finish().text.empty());

  pc.decoderArgs = {{"no_such_option", "1"}};
  auto bad = makePocketsphinxRecognizer(pc);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == "invalid_argument");
}

TEST_CASE("pronunciation variants are alternates of words the grammar uses") {
  const auto extra = grammarPronunciations();
  const auto grammar = commandGrammar();
  for (const auto& [word, phones] : extra) {
    CHECK_FALSE(phones.empty());
    // "flat(2)" is a variant of "flat": the base word must be one the grammar can produce.
    const auto base = word.substr(0, word.find('('));
    CHECK_MESSAGE(grammar.find(base) != std::string::npos, base);
  }
  CHECK(
      std::any_of(extra.begin(), extra.end(), [](const auto& e) { return e.first == "flat(2)"; }));
}

TEST_CASE("command-mode partials commit nothing and the final commits the decode as it is") {
  StableText s;
  TranscriptEvent e;
  s.update("lights", false, e, false);
  s.update("lights tempo", false, e, false);
  CHECK(e.committed.empty());
  CHECK(e.tentative == "lights tempo");
  // The grammar decode changed its mind about the first word: nothing to retract.
  s.update("tempo to one hundred", true, e, false);
  CHECK(e.text == "tempo to one hundred");
  CHECK(e.committed == "tempo to one hundred");
}
