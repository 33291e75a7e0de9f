#include "app/voice_wiring.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <vector>

#include "control/messages.hpp"
#include "core/thread_name.hpp"
#include "engine/tap_pacer.hpp"
#include "voice/command_grammar.hpp"

namespace auralis::app {

Result<std::unique_ptr<voice::Recognizer>> makeVoiceRecognizer() {
  voice::PocketsphinxConfig pc;
  pc.grammar = voice::commandGrammar();
  pc.extraWords = voice::grammarPronunciations();
  // Dictation also listens for the way back (docs/protocol.md, "Voice commands").
  pc.dictationEscape = "command mode";
  return voice::makePocketsphinxRecognizer(pc);
}

nlohmann::json transcriptJson(const voice::TranscriptEvent& e) {
  return {{"type", "transcript"},
          {"stage", e.stage == voice::Stage::Final ? "final" : "partial"},
          {"text", e.text},
          {"committed", e.committed},
          {"tentative", e.tentative},
          {"t0", e.t0},
          {"t1", e.t1},
          {"confidence", e.confidence},
          {"mode", voice::modeName(e.mode)}};
}

nlohmann::json commandObject(const voice::CommandIntent& c, const control::ControlParams& cur) {
  using voice::CommandKind;
  auto control = [](nlohmann::json params) {
    return nlohmann::json{{"type", "control"}, {"params", std::move(params)}};
  };
  switch (c.kind) {
    case CommandKind::SetBpm:
      return control({{"bpm", c.value}});
    case CommandKind::AdjustBpm:
      return control({{"bpm", std::clamp(cur.bpm + c.value, control::kMinBpm, control::kMaxBpm)}});
    case CommandKind::SetKey:
      return control({{"key", c.name}});
    case CommandKind::AdjustIntensity:
      return control({{"intensity", std::clamp(cur.intensity + c.value, 0.0, 1.0)}});
    case CommandKind::AdjustVolume:
      return control({{"masterVolume", std::clamp(cur.masterVolume + c.value, 0.0, 1.0)}});
    case CommandKind::AgentSwitch:
      return control({{"agents", {{c.name, {{"enabled", c.on}}}}}});
    case CommandKind::Recording:
      return {{"type", "recording"}, {"action", c.on ? "start" : "stop"}};
    case CommandKind::Lights:
      return {{"type", "lights"}, {"scene", c.name}};
    case CommandKind::Mode:
      return {{"type", "voice"}, {"mode", c.name}};
  }
  return nullptr;
}

nlohmann::json commandEventJson(const voice::TranscriptEvent& e, const nlohmann::json& command) {
  return {{"type", "command"},          {"text", e.text}, {"command", command},
          {"confidence", e.confidence}, {"t0", e.t0},     {"t1", e.t1}};
}

// ---------------------------------------------------------------------------

VoiceSideChain::VoiceSideChain(engine::Engine& engine, control::Controller& controller,
                               control::EventBus& bus,
                               std::unique_ptr<voice::Recognizer> recognizer,
                               VoiceSideChainConfig config)
    : engine_(engine),
      controller_(controller),
      bus_(bus),
      recognizer_(std::move(recognizer)),
      config_(std::move(config)) {
  voice::PipelineConfig pc;
  pc.inputRate = config_.sampleRate;
  pc.minConfidence = config_.minConfidence;
  pipeline_ = std::make_unique<voice::VoicePipeline>(
      *recognizer_, pc, [this](const voice::TranscriptEvent& e) { onTranscript(e); },
      [this](const voice::CommandIntent& c, const voice::TranscriptEvent& e) { onCommand(c, e); });
  pipeline_->requestMode(config_.mode);
}

VoiceSideChain::~VoiceSideChain() {
  stop();
}

Status VoiceSideChain::start() {
  if (auto s = pipeline_->prepare(); !s) return s;
  engine_.tap(engine::TapId::InputVoice).setEnabled(true);
  engine_.tap(engine::TapId::MasterEcho).setEnabled(true);
  running_ = true;
  thread_ = std::thread([this] {
    core::nameThisThread("au-voice");
    run();
  });
  return Ok{};
}

void VoiceSideChain::stop() {
  running_ = false;
  if (thread_.joinable()) thread_.join();
  engine_.tap(engine::TapId::InputVoice).setEnabled(false);
  engine_.tap(engine::TapId::MasterEcho).setEnabled(false);
}

void VoiceSideChain::setMode(voice::RecognizerMode mode) {
  pipeline_->requestMode(mode);
}

voice::RecognizerMode VoiceSideChain::mode() const {
  return pipeline_->mode();
}

void VoiceSideChain::run() {
  auto& input = engine_.tap(engine::TapId::InputVoice);
  auto& echo = engine_.tap(engine::TapId::MasterEcho);
  const auto maxLag = static_cast<std::int64_t>(kMaxLagSeconds * config_.sampleRate);
  engine::TapPacer pacer(config_.sampleRate);
  const auto batchFrames = static_cast<int>(kBatchSeconds * config_.sampleRate);
  while (running_.load(std::memory_order_relaxed)) {
    try {
      while (const engine::TapBlock* in = input.front()) {
        pacer.saw(*in);
        // The echo tap is pushed in the same block as the input; skip older echo blocks.
        const engine::TapBlock* ref = echo.front();
        while (ref != nullptr && ref->samplePos < in->samplePos) {
          echo.pop();
          ref = echo.front();
        }
        const bool matched = ref != nullptr && ref->samplePos == in->samplePos;
        if (engine_.position() - in->samplePos > maxLag) {
          droppedBlocks_.fetch_add(1, std::memory_order_relaxed);
          droppedFrames_.fetch_add(static_cast<std::uint64_t>(in->frames),
                                   std::memory_order_relaxed);
        } else {
          pipeline_->feed(in->samples, in->frames, in->channels, matched ? ref->samples : nullptr,
                          matched ? ref->channels : 2);
        }
        if (matched) echo.pop();
        input.pop();
      }
      // Nobody reads the echo tap when the input is silent; keep it from filling.
      if (input.front() == nullptr) {
        const engine::TapBlock* ref = echo.front();
        while (ref != nullptr && engine_.position() - ref->samplePos > maxLag) {
          echo.pop();
          ref = echo.front();
        }
      }
    } catch (const std::exception& ex) {
      spdlog::error("voice: {}", ex.what());
    }
    std::this_thread::sleep_for(pacer.sleepFor(batchFrames));
  }
}

void VoiceSideChain::onTranscript(const voice::TranscriptEvent& e) {
  if (e.stage == voice::Stage::Final && latency_ != nullptr) latency_->observe(e.decodeSeconds);
  bus_.publish("transcript", transcriptJson(e));
  if (transcriptHook_) transcriptHook_(e);
  if (e.stage == voice::Stage::Final && e.mode == voice::RecognizerMode::Dictation) {
    if (!dictationLog_.is_open() && !config_.dataDir.empty()) {
      std::error_code ec;
      const auto dir = config_.dataDir / "dictation";
      std::filesystem::create_directories(dir, ec);
      const std::time_t now = std::time(nullptr);
      char name[64];
      std::strftime(name, sizeof name, "session-%Y%m%d-%H%M%S.txt", std::localtime(&now));
      dictationLog_.open(dir / name, std::ios::app);
    }
    if (dictationLog_) dictationLog_ << e.text << "\n" << std::flush;
  }
}

void VoiceSideChain::onCommand(const voice::CommandIntent& c, const voice::TranscriptEvent& e) {
  nlohmann::json command = commandObject(c, controller_.current());
  nlohmann::json event = commandEventJson(e, command);
  const auto& type = command["type"].get_ref<const std::string&>();
  if (type == "control") {
    auto patch = control::parseControlParams(command["params"]);
    if (patch) {
      const auto applied = controller_.apply(patch.value());
      event["applied"] = true;
      bus_.publish("status", control::makeStatus(applied, controller_.engineStatus()));
    } else {
      event["applied"] = false;
      event["error"] = {{"code", patch.error().code}, {"message", patch.error().message}};
    }
  } else if (type == "voice") {
    event["applied"] = true;  // the pipeline switched its own mode
  } else {
    event["applied"] = commandHook_ ? commandHook_(command) : false;
  }
  spdlog::info("voice: \"{}\" -> {} ({})", e.text, voice::describe(c),
               event["applied"].get<bool>() ? "applied" : "not applied");
  // The confirmation goes to transcript subscribers: they are the ones following speech.
  bus_.publish("transcript", std::move(event));
}

void VoiceSideChain::registerMetrics(obs::Registry& registry) {
  latency_ = &registry.histogram("auralis_voice_recognizer_seconds",
                                 "Recognizer time to produce a final transcript after speech ended",
                                 {0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0});
  registry.counterFn(
      "auralis_voice_dropped_audio_seconds_total",
      "Input audio the voice side-chain dropped because the recognizer was behind", {},
      [this] { return static_cast<double>(droppedFrames_.load()) / config_.sampleRate; });
  auto stat = [this](auto field) {
    return [this, field] { return static_cast<double>(pipeline_->stats().*field); };
  };
  registry.counterFn("auralis_voice_dropped_hypotheses_total",
                     "Hypotheses dropped: empty, phantom or repeated phrases", {},
                     stat(&voice::PipelineStats::droppedHypotheses));
  registry.counterFn("auralis_voice_low_confidence_total",
                     "Spoken commands ignored below the confidence threshold", {},
                     stat(&voice::PipelineStats::lowConfidence));
  registry.counterFn("auralis_voice_transcripts_total", "Transcript events published",
                     {{"stage", "partial"}}, stat(&voice::PipelineStats::partials));
  registry.counterFn("auralis_voice_transcripts_total", "Transcript events published",
                     {{"stage", "final"}}, stat(&voice::PipelineStats::finals));
  registry.counterFn("auralis_voice_commands_total", "Spoken commands recognised", {},
                     stat(&voice::PipelineStats::commands));
  registry.counterFn("auralis_voice_echo_gated_frames_total",
                     "Loud input frames the echo reference explained (music, not speech)", {},
                     stat(&voice::PipelineStats::echoGatedFrames));
}

}  // namespace auralis::app
