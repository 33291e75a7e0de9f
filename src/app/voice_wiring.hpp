// Voice wiring: the recognizer with the command grammar, the JSON the voice side-chain
// speaks (transcript and command events, docs/protocol.md), and the live side-chain thread
// that listens to the engine's input.
//
// VoiceSideChain reads TapId::InputVoice (the input) and TapId::MasterEcho (the engine's own
// output, the echo reference) on its own thread. If the recognizer falls behind by more than
// kMaxLagSeconds of audio, input blocks are dropped (counted) until it catches up: an
// overloaded recognizer loses audio, it never delays anything else.
#pragma once

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "control/controller.hpp"
#include "control/event_bus.hpp"
#include "engine/engine.hpp"
#include "obs/metrics.hpp"
#include "voice/recognizer.hpp"
#include "voice/voice_pipeline.hpp"

namespace auralis::app {

/// Any thread. Pocketsphinx with the command grammar, loaded once (about 0.3 s).
Result<std::unique_ptr<voice::Recognizer>> makeVoiceRecognizer();

/// {"type":"transcript","stage":..,"text":..,"committed":..,"tentative":..,"t0":..,"t1":..,
///  "confidence":..,"mode":..}. Any thread.
nlohmann::json transcriptJson(const voice::TranscriptEvent& event);

/// The object a `control` (or other) message would carry for this spoken command; relative
/// changes ("faster") are resolved against `current`. Any thread.
nlohmann::json commandObject(const voice::CommandIntent& intent,
                             const control::ControlParams& current);

/// {"type":"command","text":..,"command":{...}}. Any thread.
nlohmann::json commandEventJson(const voice::TranscriptEvent& event, const nlohmann::json& command);

struct VoiceSideChainConfig {
  double sampleRate = 48000.0;
  double minConfidence = 0.3;
  voice::RecognizerMode mode = voice::RecognizerMode::Command;
  std::filesystem::path dataDir;  // dictation logs go to <dataDir>/dictation/
};

class VoiceSideChain {
 public:
  static constexpr double kMaxLagSeconds = 1.0;
  /// Audio read per wake-up: speech needs no faster turn-around than this, and
  /// reading one block at a time woke the thread 190 times a second.
  static constexpr double kBatchSeconds = 0.02;

  VoiceSideChain(engine::Engine& engine, control::Controller& controller, control::EventBus& bus,
                 std::unique_ptr<voice::Recognizer> recognizer, VoiceSideChainConfig config);
  ~VoiceSideChain();
  VoiceSideChain(const VoiceSideChain&) = delete;
  VoiceSideChain& operator=(const VoiceSideChain&) = delete;

  /// Main thread.
  Status start();
  void stop();
  /// Any thread. Switches command/dictation mode (between utterances).
  void setMode(voice::RecognizerMode mode);
  voice::RecognizerMode mode() const;
  /// Set-up, before start(). Called on the voice thread for every transcript event
  /// (engineer O's OSC out plugs in here).
  void setTranscriptHook(std::function<void(const voice::TranscriptEvent&)> hook) {
    transcriptHook_ = std::move(hook);
  }
  /// Set-up, before start(). Commands the controller has no parameter for (recording,
  /// lights) go here with their command object; return true when handled.
  void setCommandHook(std::function<bool(const nlohmann::json&)> hook) {
    commandHook_ = std::move(hook);
  }
  /// Set-up. Registers the voice metrics (auralis_voice_*).
  void registerMetrics(obs::Registry& registry);

 private:
  void run();
  void onTranscript(const voice::TranscriptEvent& e);
  void onCommand(const voice::CommandIntent& c, const voice::TranscriptEvent& e);

  engine::Engine& engine_;
  control::Controller& controller_;
  control::EventBus& bus_;
  std::unique_ptr<voice::Recognizer> recognizer_;
  VoiceSideChainConfig config_;
  std::unique_ptr<voice::VoicePipeline> pipeline_;
  std::function<void(const voice::TranscriptEvent&)> transcriptHook_;
  std::function<bool(const nlohmann::json&)> commandHook_;
  std::ofstream dictationLog_;
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<std::uint64_t> droppedBlocks_{0};
  std::atomic<std::uint64_t> droppedFrames_{0};
  obs::Histogram* latency_ = nullptr;
};

}  // namespace auralis::app
