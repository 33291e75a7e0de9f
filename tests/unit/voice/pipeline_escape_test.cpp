// VoicePipeline with a scripted recognizer: the dictation final's escape flag (the command
// grammar heard "command mode") switches back to command mode whatever the dictated text says.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "voice/voice_pipeline.hpp"

using namespace auralis::voice;

namespace {

/// Returns a fixed final; counts the audio it was given.
class ScriptedRecognizer final : public Recognizer {
 public:
  explicit ScriptedRecognizer(Hypothesis final) : final_(std::move(final)) {}
  auralis::Status setMode(RecognizerMode mode) override {
    mode_ = mode;
    return auralis::Ok{};
  }
  RecognizerMode mode() const override { return mode_; }
  void startUtterance() override {}
  void process(const std::int16_t*, int count) override { samples_ += count; }
  Hypothesis partial() override { return {}; }
  Hypothesis finish() override { return final_; }
  long samples() const { return samples_; }

 private:
  Hypothesis final_;
  RecognizerMode mode_ = RecognizerMode::Command;
  long samples_ = 0;
};

/// One second of silence, 0.6 s of a loud tone, one second of silence, at 16 kHz.
std::vector<float> toneBurst() {
  std::vector<float> x(16000 * 26 / 10, 0.0F);
  for (int i = 16000; i < 16000 + 9600; ++i)
    x[static_cast<std::size_t>(i)] = 0.3F * std::sin(2.0F * 3.14159265F * 440.0F * i / 16000.0F);
  return x;
}

std::vector<CommandIntent> run(ScriptedRecognizer& rec) {
  PipelineConfig pc;
  pc.inputRate = 16000.0;
  std::vector<CommandIntent> commands;
  VoicePipeline pipeline(rec, pc, nullptr, [&](const CommandIntent& c, const TranscriptEvent&) {
    commands.push_back(c);
  });
  REQUIRE(pipeline.prepare().ok());
  pipeline.requestMode(RecognizerMode::Dictation);
  const auto x = toneBurst();
  for (std::size_t i = 0; i + 320 <= x.size(); i += 320)
    pipeline.feed(x.data() + i, 320, 1, nullptr, 1);
  pipeline.finish();
  CHECK(rec.samples() > 0);
  return commands;
}

}  // namespace

TEST_CASE("a dictation final flagged as the escape switches back to command mode") {
  Hypothesis h;
  h.text = "and mode";
  h.confidence = 0.6;
  h.escape = true;
  ScriptedRecognizer rec(h);
  const auto commands = run(rec);
  REQUIRE(commands.size() == 1);
  CHECK(commands[0].kind == CommandKind::Mode);
  CHECK(commands[0].name == "command");
  CHECK(rec.mode() == RecognizerMode::Command);
}

TEST_CASE("dictated text without the escape is no command") {
  Hypothesis h;
  h.text = "and mode";
  h.confidence = 0.6;
  ScriptedRecognizer rec(h);
  CHECK(run(rec).empty());
  CHECK(rec.mode() == RecognizerMode::Dictation);
}
