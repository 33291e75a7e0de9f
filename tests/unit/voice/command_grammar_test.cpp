#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "voice/command_grammar.hpp"
#include "voice/recognizer.hpp"
#include "voice/transcript.hpp"
#include "voice/vad.hpp"

using namespace auralis::voice;

TEST_CASE("spoken numbers: tens, teens, 'one twenty', hundreds, digits") {
  CHECK(parseSpokenNumber(words("ninety")) == 90);
  CHECK(parseSpokenNumber(words("ninety five")) == 95);
  CHECK(parseSpokenNumber(words("one twenty")) == 120);
  CHECK(parseSpokenNumber(words("one twenty five")) == 125);
  CHECK(parseSpokenNumber(words("one hundred and five")) == 105);
  CHECK(parseSpokenNumber(words("one oh five")) == 105);
  CHECK(parseSpokenNumber(words("two hundred")) == 200);
  CHECK(parseSpokenNumber(words("one fifteen")) == 115);
  CHECK(parseSpokenNumber(words("84")) == 84);
  CHECK_FALSE(parseSpokenNumber(words("ninety banana")).has_value());
  CHECK_FALSE(parseSpokenNumber(words("")).has_value());
}

TEST_CASE("spoken keys are normalised to the names the controller parses") {
  CHECK(parseSpokenKey(words("a flat minor")) == std::optional<std::string>("Ab minor"));
  CHECK(parseSpokenKey(words("f sharp")) == std::optional<std::string>("F# major"));
  CHECK(parseSpokenKey(words("d dorian")) == std::optional<std::string>("D dorian"));
  CHECK_FALSE(parseSpokenKey(words("h minor")).has_value());
  CHECK_FALSE(parseSpokenKey(words("a flat happy")).has_value());
}

TEST_CASE("commands: absolute, relative, agents, transport, lights, modes") {
  auto c = parseCommand("tempo one twenty");
  REQUIRE(c);
  CHECK(c->kind == CommandKind::SetBpm);
  CHECK(c->value == doctest::Approx(120));
  c = parseCommand("Key of A flat minor");
  REQUIRE(c);
  CHECK(c->kind == CommandKind::SetKey);
  CHECK(c->name == "Ab minor");
  c = parseCommand("faster");
  REQUIRE(c);
  CHECK(c->kind == CommandKind::AdjustBpm);
  CHECK(c->value > 0);
  c = parseCommand("calmer");
  REQUIRE(c);
  CHECK(c->kind == CommandKind::AdjustIntensity);
  CHECK(c->value < 0);
  c = parseCommand("drums off");
  REQUIRE(c);
  CHECK(c->kind == CommandKind::AgentSwitch);
  CHECK(c->name == "percussion");
  CHECK_FALSE(c->on);
  c = parseCommand("start recording");
  REQUIRE(c);
  CHECK(c->kind == CommandKind::Recording);
  CHECK(c->on);
  c = parseCommand("lights blackout");
  REQUIRE(c);
  CHECK(c->name == "blackout");
  c = parseCommand("dictation mode");
  REQUIRE(c);
  CHECK(c->kind == CommandKind::Mode);
  CHECK_FALSE(parseCommand("the weather is nice").has_value());
  CHECK_FALSE(parseCommand("tempo banana").has_value());
}

TEST_CASE("added forms: bpm, keys without 'key of', begin/end recording") {
  auto c = parseCommand("bpm ninety");
  REQUIRE(c);
  CHECK(c->kind == CommandKind::SetBpm);
  CHECK(c->value == doctest::Approx(90));
  c = parseCommand("d minor");
  REQUIRE(c);
  CHECK(c->kind == CommandKind::SetKey);
  CHECK(c->name == "D minor");
  c = parseCommand("b flat major");
  REQUIRE(c);
  CHECK(c->name == "Bb major");
  // A lone letter or a letter with only an accidental is not a key command.
  CHECK_FALSE(parseCommand("d").has_value());
  CHECK_FALSE(parseCommand("e flat").has_value());
  c = parseCommand("begin recording");
  REQUIRE(c);
  CHECK(c->kind == CommandKind::Recording);
  CHECK(c->on);
  c = parseCommand("end recording");
  REQUIRE(c);
  CHECK_FALSE(c->on);
  CHECK_FALSE(parseCommand("bpm").has_value());
  // The forms the issue names are all still there.
  for (const char* phrase :
       {"tempo ninety", "faster", "slower", "key of d minor", "more intensity", "calmer",
        "drums off", "start recording", "stop recording", "lights blackout"})
    CHECK_MESSAGE(parseCommand(phrase).has_value(), phrase);
  const auto g = commandGrammar();
  for (const char* w : {"bpm", "begin", "end", "<keymode>"})
    CHECK_MESSAGE(g.find(w) != std::string::npos, w);
}

TEST_CASE("the generated grammar names every phrase family") {
  const auto g = commandGrammar();
  for (const char* w : {"tempo", "faster", "calmer", "drums", "recording", "blackout", "dictation",
                        "flat", "sharp", "ninety", "hundred"})
    CHECK(g.find(w) != std::string::npos);
}

TEST_CASE("the grammar compiles in pocketsphinx and the recognizer loads") {
  PocketsphinxConfig pc;
  pc.grammar = commandGrammar();
  pc.extraWords = grammarPronunciations();
  auto r = makePocketsphinxRecognizer(pc);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  CHECK(r.value()->mode() == RecognizerMode::Command);
  CHECK(r.value()->setMode(RecognizerMode::Dictation).ok());
  // Silence decodes to nothing.
  std::vector<std::int16_t> silence(16000, 0);
  r.value()->startUtterance();
  r.value()->process(silence.data(), static_cast<int>(silence.size()));
  CHECK(r.value()->finish().text.empty());
}

TEST_CASE("committed words are never retracted") {
  StableText s;
  TranscriptEvent e;
  s.update("key of", false, e);
  CHECK(e.committed.empty());
  s.update("key of d", false, e);
  CHECK(e.committed == "key of");
  CHECK(e.tentative == "d");
  s.update("tea of b minor", false, e);  // disagrees with the committed prefix
  CHECK(e.committed.rfind("key of", 0) == 0);
  CHECK(e.text == "key of b minor");
  s.update("key of b minor", true, e);
  CHECK(e.committed == "key of b minor");
  CHECK(e.tentative.empty());
}

TEST_CASE("phantom filter drops short and repeated low-confidence phrases") {
  PhantomFilter f;
  TranscriptEvent e;
  e.text = "slower";
  e.t1 = 1.0;
  CHECK(f.isPhantom(e, 5));  // 50 ms of speech
  e.confidence = 0.2;
  e.t1 = 2.0;
  CHECK(f.isPhantom(e, 30));  // repeated within the window
  e.text = "faster";
  e.confidence = 0.9;
  e.t1 = 10.0;
  CHECK_FALSE(f.isPhantom(e, 30));
  CHECK(f.dropped() == 2);
}

TEST_CASE("vad: onset after a few loud frames, end after the hangover, echo gates music") {
  VadConfig cfg;
  Vad vad(cfg);
  std::vector<float> quiet(kVadFrame, 0.0001F), loud(kVadFrame);
  for (int i = 0; i < kVadFrame; ++i)
    loud[static_cast<std::size_t>(i)] = 0.3F * std::sin(0.2F * static_cast<float>(i));
  for (int i = 0; i < 50; ++i) CHECK(vad.push(quiet.data(), nullptr) == VadEvent::None);
  int startAt = -1;
  for (int i = 0; i < 20; ++i)
    if (vad.push(loud.data(), nullptr) == VadEvent::SpeechStart) startAt = i;
  CHECK(startAt == cfg.onsetFrames - 1);
  int endAt = -1;
  for (int i = 0; i < 100; ++i)
    if (vad.push(quiet.data(), nullptr) == VadEvent::SpeechEnd) endAt = i;
  CHECK(endAt == cfg.hangoverFrames - 1);
  // The same loud frame, explained by the echo estimate, is not speech.
  Vad gated(cfg);
  for (int i = 0; i < 50; ++i) gated.push(quiet.data(), nullptr);
  for (int i = 0; i < 20; ++i) CHECK(gated.push(loud.data(), loud.data()) == VadEvent::None);
  CHECK(gated.echoGated() == 20);
}
