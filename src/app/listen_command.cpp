// `auralis listen --file FILE [--realtime]`: the voice side-chain on a recorded file, one JSON
// event per line (docs/protocol.md). Relative commands ("faster") are resolved against a
// local parameter state that starts at the configured music settings and follows every
// command heard, as a server would.
#include <sndfile.h>

#include <chrono>
#include <iostream>
#include <thread>
#include <vector>

#include "app/commands.hpp"
#include "app/voice_wiring.hpp"
#include "control/params.hpp"
#include "music/key.hpp"

namespace auralis::app {

int runListen(const Config& config, const ListenOptions& options) {
  SF_INFO info{};
  SNDFILE* file = sf_open(options.file.c_str(), SFM_READ, &info);
  if (file == nullptr) {
    std::cerr << "auralis: cannot read " << options.file << ": " << sf_strerror(nullptr) << "\n";
    return 1;
  }
  voice::RecognizerMode mode = voice::RecognizerMode::Command;
  if (options.mode == "dictation")
    mode = voice::RecognizerMode::Dictation;
  else if (!options.mode.empty() && options.mode != "command") {
    std::cerr << "auralis: --mode must be command or dictation\n";
    sf_close(file);
    return 2;
  }
  auto recognizer = makeVoiceRecognizer();
  if (!recognizer) {
    std::cerr << "auralis: " << recognizer.error().message << "\n";
    sf_close(file);
    return 1;
  }
  control::ControlParams state;
  if (auto key = music::parseKey(config.getString("music.key")); key) state.key = key.value();
  state.bpm = config.getDouble("music.bpm");
  state.intensity = config.getDouble("music.intensity");

  const auto start = std::chrono::steady_clock::now();
  auto print = [&](nlohmann::json j) {
    if (options.realtime)
      j["wall"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << j.dump() << std::endl;
  };
  voice::PipelineConfig pc;
  pc.inputRate = info.samplerate;
  pc.minConfidence = options.minConfidence;
  voice::VoicePipeline pipeline(
      *recognizer.value(), pc, [&](const voice::TranscriptEvent& e) { print(transcriptJson(e)); },
      [&](const voice::CommandIntent& c, const voice::TranscriptEvent& e) {
        auto command = commandObject(c, state);
        if (command["type"] == "control")
          if (auto patch = control::parseControlParams(command["params"]); patch)
            state = control::applyPatch(state, patch.value());
        print(commandEventJson(e, command));
      });
  pipeline.requestMode(mode);
  if (auto s = pipeline.prepare(); !s) {
    std::cerr << "auralis: " << s.error().message << "\n";
    sf_close(file);
    return 1;
  }
  // 20 ms blocks: the same granularity a live input delivers (a few engine blocks).
  const int block = std::max(1, info.samplerate / 50);
  std::vector<float> buf(static_cast<std::size_t>(block * info.channels));
  std::int64_t fed = 0;
  for (;;) {
    const sf_count_t got = sf_readf_float(file, buf.data(), block);
    if (got <= 0) break;
    if (options.realtime) {
      // Paced as a live input: a block is available only once it has "happened".
      std::this_thread::sleep_until(
          start + std::chrono::duration<double>(static_cast<double>(fed + got) / info.samplerate));
    }
    pipeline.feed(buf.data(), static_cast<int>(got), info.channels, nullptr, 0);
    fed += got;
  }
  sf_close(file);
  pipeline.finish();
  return 0;
}

}  // namespace auralis::app
