#include "analysis/analyzer.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "analysis/level_meter.hpp"

namespace auralis::analysis {

Analyzer::Analyzer() = default;
Analyzer::~Analyzer() = default;

void Analyzer::prepare(const AnalyzerConfig& config) {
  if (config.hop < 16 || config.onsetFrame < static_cast<std::size_t>(config.hop) ||
      config.spectrumFrame < config.onsetFrame || config.spectrumEvery < 1 ||
      config.pitchEvery < 1 || !(config.sampleRate >= 8000.0))
    throw std::invalid_argument("Analyzer: bad configuration");
  config_ = config;
  config_.pitch.frameSize = config.spectrumFrame;
  onsetFft_ = std::make_unique<RealFft>(config.onsetFrame);
  spectrumFft_ = std::make_unique<RealFft>(config.spectrumFrame);
  onsetWindow_ = hannWindow(config.onsetFrame);
  spectrumWindow_ = hannWindow(config.spectrumFrame);
  frame_.assign(config.spectrumFrame, 0.0F);
  windowed_.assign(config.spectrumFrame, 0.0F);
  bins_.assign(config.spectrumFrame / 2 + 1, {});
  magnitudes_.assign(config.onsetFrame / 2 + 1, 0.0F);
  power_.assign(config.spectrumFrame / 2 + 1, 0.0F);
  bands_.prepare(config.sampleRate, config.spectrumFrame, config.bandCount, config.bandLoHz,
                 config.bandHiHz);
  // Hann-windowed full-scale sine peaks at N/4.
  onset_.prepare(magnitudes_.size(), 4.0F / static_cast<float>(config.onsetFrame), config.onset);
  pitch_.prepare(config.sampleRate, config_.pitch);
  const double hopsPerSecond = config.sampleRate / config.hop;
  tempo_.prepare(hopsPerSecond, config.tempo);
  key_.prepare(config.sampleRate, config.spectrumFrame, config.spectrumEvery / hopsPerSecond,
               config.key);
  const std::size_t perCall = config.maxBlockFrames / static_cast<std::size_t>(config.hop) + 2;
  events_.assign(perCall * 5 + 8, AnalysisEvent{});
  // The flux of a hop compares its frame with one `lagHops` earlier; it peaks
  // about when the onset passes the middle of the newer frame's window, half a
  // frame plus half a hop before the frame's end, less a lead: log(1 + g|X|)
  // saturates while the attack is still on the window's rising slope, so a
  // 2048-sample frame peaks about 4 ms early (measured on the fluidsynth renders
  // of bench/analysis: mean offsets from -3 ms for drums to +7 ms for bass).
  const auto lead = static_cast<std::int64_t>(std::llround(0.004 * config.sampleRate));
  onsetLatency_ = std::max<std::int64_t>(
      0, static_cast<std::int64_t>(config.onsetFrame / 2) + config.hop / 2 - lead);
  reset();
}

void Analyzer::reset() noexcept {
  std::fill(frame_.begin(), frame_.end(), 0.0F);
  onset_.reset();
  tempo_.reset();
  key_.reset();
  features_ = FeatureSnapshot{};
  features_.bandCount = bands_.bandCount();
  features_.bandsDb.fill(kSilenceDb);
  eventCount_ = 0;
  started_ = false;
  fill_ = 0;
  hops_ = 0;
  hopsSinceKey_ = 0;
  keyCandidate_ = keyReported_ = -1;
}

std::int64_t Analyzer::hopEnd(double hop) const noexcept {
  return origin_ + static_cast<std::int64_t>(std::llround((hop + 1.0) * config_.hop));
}

void Analyzer::emit(AnalysisEventType type, std::int64_t pos, float value,
                    float confidence) noexcept {
  if (eventCount_ >= events_.size()) {
    ++droppedEvents_;
    return;
  }
  events_[eventCount_++] = AnalysisEvent{type, std::max<std::int64_t>(pos, 0), value, confidence};
}

void Analyzer::process(std::span<const float> mono, std::int64_t samplePos) noexcept {
  eventCount_ = 0;
  if (!started_) {
    origin_ = next_ = samplePos;
    started_ = true;
  } else if (samplePos != next_) {
    const std::int64_t gap = samplePos - next_;
    if (gap > 0 && gap <= static_cast<std::int64_t>(config_.sampleRate)) {
      // Dropped blocks read as silence, which keeps the hop grid (and so every
      // reported position) aligned with the stream.
      static constexpr float kZeros[256] = {};
      for (std::int64_t left = gap; left > 0; left -= 256)
        feed({kZeros, static_cast<std::size_t>(std::min<std::int64_t>(left, 256))});
    } else {
      const auto keep = eventCount_;
      reset();
      eventCount_ = keep;
      origin_ = samplePos;
      started_ = true;
    }
  }
  feed(mono);
  next_ = samplePos + static_cast<std::int64_t>(mono.size());
}

void Analyzer::feed(std::span<const float> mono) noexcept {
  const auto n = static_cast<int>(frame_.size());
  std::size_t i = 0;
  while (i < mono.size()) {
    const auto take =
        std::min<std::size_t>(mono.size() - i, static_cast<std::size_t>(config_.hop - fill_));
    for (std::size_t j = 0; j < take; ++j) {
      const float x = mono[i + j];
      frame_[static_cast<std::size_t>(n - config_.hop + fill_) + j] = std::isfinite(x) ? x : 0.0F;
    }
    fill_ += static_cast<int>(take);
    i += take;
    if (fill_ == config_.hop) {
      runHop();
      fill_ = 0;
      // Slide: the oldest hop leaves, room for the next one at the end.
      std::copy(frame_.begin() + config_.hop, frame_.end(), frame_.begin());
    }
  }
}

void Analyzer::runHop() noexcept {
  const std::size_t n = frame_.size();
  const std::int64_t end = hopEnd(static_cast<double>(hops_));
  features_.samplePos = end;

  LevelMeter level;
  level.add(std::span<const float>(frame_).last(static_cast<std::size_t>(config_.hop)));
  const LevelReading lr = level.reading();
  features_.rmsDb = lr.rmsDb;
  features_.peakDb = lr.peakDb;

  // 1. Onsets: the newest onsetFrame samples.
  const std::size_t on = config_.onsetFrame;
  for (std::size_t k = 0; k < on; ++k) windowed_[k] = frame_[n - on + k] * onsetWindow_[k];
  onsetFft_->forward(std::span<const float>(windowed_).first(on), bins_);
  for (std::size_t k = 0; k < magnitudes_.size(); ++k) magnitudes_[k] = std::abs(bins_[k]);
  const OnsetResult onset = onset_.process(magnitudes_);
  features_.onsetStrength = onset_.lastOdf();
  if (onset.onset) {
    const std::int64_t pos = hopEnd(static_cast<double>(onset.hop)) - onsetLatency_;
    features_.lastOnsetPos = pos;
    emit(AnalysisEventType::Onset, pos, onset.strength, 1.0F);
  }

  // 2. Tempo and beats from the same detection function.
  const TempoUpdate tu = tempo_.push(onset_.lastOdf());
  features_.bpm = static_cast<float>(tempo_.bpm());
  features_.bpmConfidence = static_cast<float>(tempo_.confidence());
  features_.beatPhase = static_cast<float>(tempo_.beatPhase());
  if (tu.tempoChanged) emit(AnalysisEventType::Tempo, end, features_.bpm, features_.bpmConfidence);
  if (tu.beat) {
    const std::int64_t pos = hopEnd(tu.beatHop) - onsetLatency_;
    features_.lastBeatPos = pos;
    emit(AnalysisEventType::Beat, pos, features_.bpm, features_.bpmConfidence);
  }

  // 3. Pitch on the whole frame, reported at its centre.
  if (hops_ % config_.pitchEvery == 0) {
    const PitchEstimate p = pitch_.estimate(frame_);
    features_.pitchHz = p.voiced ? p.hz : 0.0F;
    features_.pitchConfidence = p.voiced ? p.confidence : 0.0F;
    if (p.voiced)
      emit(AnalysisEventType::Pitch, end - static_cast<std::int64_t>(n / 2), p.hz, p.confidence);
  }

  // 4. Band spectrum, centroid and chroma.
  if (hops_ % config_.spectrumEvery == 0) {
    for (std::size_t k = 0; k < n; ++k) windowed_[k] = frame_[k] * spectrumWindow_[k];
    spectrumFft_->forward(windowed_, bins_);
    powerSpectrum(bins_, n, power_);
    features_.centroidHz = bands_.compute(power_, features_.bandsDb);
    key_.addSpectrum(power_);
  }

  // 5. Key, with hysteresis: a new key must win two checks in a row.
  const auto keyHops =
      static_cast<int>(config_.keyUpdateSeconds * config_.sampleRate / config_.hop);
  if (++hopsSinceKey_ >= std::max(1, keyHops)) {
    hopsSinceKey_ = 0;
    const KeyEstimate k = key_.estimate();
    if (k.key >= 0 && k.key != keyReported_ && k.confidence >= config_.keyMinConfidence) {
      if (k.key == keyCandidate_ || keyReported_ < 0) {
        keyReported_ = k.key;
        keyCandidate_ = -1;
        emit(AnalysisEventType::Key, end, static_cast<float>(k.key), k.confidence);
      } else {
        keyCandidate_ = k.key;
      }
    } else if (k.key == keyReported_) {
      keyCandidate_ = -1;
    }
    features_.key = keyReported_;
    if (k.key == keyReported_) features_.keyConfidence = k.confidence;
  }
  ++hops_;
}

}  // namespace auralis::analysis
