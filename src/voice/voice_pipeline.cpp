#include "voice/voice_pipeline.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace auralis::voice {
namespace {

constexpr std::size_t kPrerollFrames = 30;  // 300 ms: the VAD decides after the first phoneme

void toMono(const float* x, int frames, int channels, std::vector<float>& out) {
  out.resize(static_cast<std::size_t>(frames));
  const float scale = 1.0F / static_cast<float>(std::max(channels, 1));
  for (int i = 0; i < frames; ++i) {
    float s = 0.0F;
    for (int c = 0; c < channels; ++c) s += x[i * channels + c];
    out[static_cast<std::size_t>(i)] = s * scale;
  }
}

std::int16_t toPcm(float x) {
  return static_cast<std::int16_t>(std::lrint(std::clamp(x, -1.0F, 1.0F) * 32767.0F));
}

double secondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

VoicePipeline::VoicePipeline(Recognizer& recognizer, PipelineConfig config,
                             TranscriptSink onTranscript, CommandSink onCommand)
    : recognizer_(recognizer),
      config_(config),
      onTranscript_(std::move(onTranscript)),
      onCommand_(std::move(onCommand)),
      vad_(config.vad) {
  requestedMode_ = static_cast<int>(recognizer.mode());
  activeMode_ = static_cast<int>(recognizer.mode());
}

Status VoicePipeline::prepare() {
  if (auto s = inputResampler_.prepare(config_.inputRate); !s) return s;
  if (auto s = echoResampler_.prepare(config_.inputRate); !s) return s;
  canceller_.prepare();
  residual_.resize(kVadFrame);
  estimate_.resize(kVadFrame);
  pcm_.resize(kVadFrame);
  preroll_.assign(kPrerollFrames * kVadFrame, 0);
  return Ok{};
}

PipelineStats VoicePipeline::stats() const {
  PipelineStats s;
  s.utterances = utterances_.load();
  s.partials = partials_.load();
  s.finals = finals_.load();
  s.commands = commands_.load();
  s.droppedHypotheses = dropped_.load();
  s.lowConfidence = lowConfidence_.load();
  s.echoGatedFrames = echoGated_.load();
  return s;
}

void VoicePipeline::feed(const float* input, int frames, int channels, const float* echo,
                         int echoChannels) {
  if (frames <= 0) return;
  inputFrames_ += frames;
  toMono(input, frames, channels, mono_);
  inputResampler_.process(mono_.data(), frames, in16_);
  if (echo != nullptr && config_.echoCancel) {
    haveEcho_ = true;
    toMono(echo, frames, echoChannels, monoEcho_);
    echoResampler_.process(monoEcho_.data(), frames, echo16_);
  }
  std::size_t used = 0;
  while (in16_.size() - used >= kVadFrame) {
    const float* echoFrame = nullptr;
    if (haveEcho_) {
      // The two converters run in lock step but may differ by a sample or two of latency;
      // a missing echo frame is silence (the canceller adapts through it).
      if (echo16_.size() < used + kVadFrame) echo16_.resize(used + kVadFrame, 0.0F);
      echoFrame = echo16_.data() + used;
    }
    processFrame(in16_.data() + used, echoFrame);
    used += kVadFrame;
  }
  in16_.erase(in16_.begin(), in16_.begin() + static_cast<long>(used));
  if (haveEcho_)
    echo16_.erase(echo16_.begin(),
                  echo16_.begin() + static_cast<long>(std::min(used, echo16_.size())));
}

void VoicePipeline::processFrame(const float* frame, const float* echoFrame) {
  canceller_.process(frame, echoFrame, residual_.data(), estimate_.data(), kVadFrame);
  const auto event = vad_.push(residual_.data(), echoFrame != nullptr ? estimate_.data() : nullptr);
  echoGated_.store(vad_.echoGated(), std::memory_order_relaxed);
  for (int i = 0; i < kVadFrame; ++i)
    pcm_[static_cast<std::size_t>(i)] = toPcm(residual_[static_cast<std::size_t>(i)]);
  frames16_ += kVadFrame;

  if (event == VadEvent::SpeechStart) startUtterance();
  if (inUtterance_) {
    const auto t = std::chrono::steady_clock::now();
    recognizer_.process(pcm_.data(), kVadFrame);
    decodeSeconds_ += secondsSince(t);
    if (frameTime() - lastPartial_ >= config_.partialInterval - 1e-9) emitPartial();
    if (event == VadEvent::SpeechEnd) {
      endUtterance(frameTime() - vad_.framesSinceSpeech() * (kVadFrame / double(kSpeechRate)));
    } else if (frameTime() - utteranceStart_ >= config_.maxUtterance) {
      endUtterance(frameTime());
    }
  } else {
    std::copy(pcm_.begin(), pcm_.end(),
              preroll_.begin() + static_cast<long>(prerollPos_ * kVadFrame));
    prerollPos_ = (prerollPos_ + 1) % kPrerollFrames;
    applyRequestedMode();
  }
}

void VoicePipeline::applyRequestedMode() {
  const int want = requestedMode_.load();
  if (want == activeMode_.load()) return;
  if (recognizer_.setMode(static_cast<RecognizerMode>(want))) activeMode_ = want;
}

void VoicePipeline::startUtterance() {
  applyRequestedMode();
  recognizer_.startUtterance();
  inUtterance_ = true;
  stable_.reset();
  decodeSeconds_ = 0.0;
  ++utterances_;
  // The pre-roll (oldest first) gives the recognizer the onset the VAD needed to decide.
  const auto t = std::chrono::steady_clock::now();
  for (std::size_t k = 0; k < kPrerollFrames; ++k) {
    const std::size_t idx = (prerollPos_ + k) % kPrerollFrames;
    recognizer_.process(preroll_.data() + idx * kVadFrame, kVadFrame);
  }
  decodeSeconds_ += secondsSince(t);
  std::fill(preroll_.begin(), preroll_.end(), std::int16_t{0});
  // The onset began config_.vad.onsetFrames before this frame's end.
  utteranceStart_ =
      std::max(0.0, frameTime() - config_.vad.onsetFrames * (kVadFrame / double(kSpeechRate)));
  lastPartial_ = utteranceStart_;
}

void VoicePipeline::emitPartial() {
  lastPartial_ = frameTime();
  const auto t = std::chrono::steady_clock::now();
  const Hypothesis h = recognizer_.partial();
  if (h.text.empty()) return;  // nothing decoded yet: no event, nothing to retract later
  TranscriptEvent e;
  e.stage = Stage::Partial;
  e.t0 = utteranceStart_;
  e.t1 = frameTime();
  e.confidence = h.confidence;
  e.mode = mode();
  stable_.update(h.text, false, e, e.mode == RecognizerMode::Dictation);
  e.decodeSeconds = secondsSince(t);
  ++partials_;
  if (onTranscript_) onTranscript_(e);
}

void VoicePipeline::endUtterance(double speechEnd) {
  inUtterance_ = false;
  const auto t = std::chrono::steady_clock::now();
  const Hypothesis h = recognizer_.finish();
  TranscriptEvent e;
  e.stage = Stage::Final;
  e.t0 = utteranceStart_;
  e.t1 = std::max(speechEnd, utteranceStart_);
  e.confidence = h.confidence;
  e.mode = mode();
  e.decodeSeconds = secondsSince(t);
  stable_.update(h.text, true, e);
  if (e.text.empty() || phantoms_.isPhantom(e, vad_.speechFrames())) {
    ++dropped_;
    return;
  }
  ++finals_;
  if (onTranscript_) onTranscript_(e);

  auto command = parseCommand(e.text);
  if (!command && e.mode == RecognizerMode::Dictation) {
    // Free text may carry the way back: "... command mode".
    if (h.escape ||
        (e.text.size() >= 12 && e.text.compare(e.text.size() - 12, 12, "command mode") == 0))
      command = CommandIntent{CommandKind::Mode, 0.0, "command", false};
    else
      return;
  }
  if (!command) return;
  if (e.mode == RecognizerMode::Command && e.confidence < config_.minConfidence) {
    ++lowConfidence_;
    return;
  }
  if (command->kind == CommandKind::Mode)
    requestMode(command->name == "dictation" ? RecognizerMode::Dictation : RecognizerMode::Command);
  ++commands_;
  if (onCommand_) onCommand_(*command, e);
  applyRequestedMode();
}

void VoicePipeline::finish() {
  // Flush the converter's tail with a little silence, then close an open utterance.
  std::vector<float> silence(static_cast<std::size_t>(config_.inputRate * 0.05), 0.0F);
  feed(silence.data(), static_cast<int>(silence.size()), 1, nullptr, 1);
  if (inUtterance_) endUtterance(frameTime());
}

}  // namespace auralis::voice
