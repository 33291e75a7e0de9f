#include "app/analysis_sidechain.hpp"
#include "core/thread_name.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace auralis::app {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPublishPeriod = std::chrono::milliseconds(34);  // at most ~30 per second

analysis::AnalyzerConfig liveConfig(double sampleRate) {
  analysis::AnalyzerConfig c;
  c.sampleRate = sampleRate;
  c.maxBlockFrames = engine::kMaxBlockFrames;
  c.key.halfLifeSeconds = 30.0;  // follow modulations within a phrase or two
  return c;
}

}  // namespace

AnalysisSideChain::AnalysisSideChain(engine::Engine& engine, control::EventBus& bus)
    : engine_(engine),
      bus_(bus),
      sampleRate_(engine.sampleRate()),
      input_{engine::TapId::Input, "input", {}, {}, {}, nullptr, &inputCell_, -1000000, false},
      master_{engine::TapId::MasterAnalysis,
              "master",
              {},
              {},
              {},
              nullptr,
              &masterCell_,
              -1000000,
              false},
      mono_(engine::kMaxBlockFrames, 0.0F) {
  input_.analyzer.prepare(liveConfig(sampleRate_));
  master_.analyzer.prepare(liveConfig(sampleRate_));
}

void AnalysisSideChain::registerMetrics(obs::Registry& registry) {
  const std::vector<double> bounds = {1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3};
  for (Stream* s : {&input_, &master_})
    s->hopTime =
        &registry.histogram("auralis_analysis_hop_seconds",
                            "Time to analyse one hop (256 samples) on the analysis side-chain",
                            bounds, {{"source", s->name}});
}

void AnalysisSideChain::start() {
  if (running_.exchange(true)) return;
  engine_.tap(input_.tap).setEnabled(true);
  engine_.tap(master_.tap).setEnabled(true);
  thread_ = std::thread([this] {
    core::nameThisThread("au-analysis");
    run();
  });
}

void AnalysisSideChain::stop() {
  running_ = false;
  if (thread_.joinable()) thread_.join();
  engine_.tap(input_.tap).setEnabled(false);
  engine_.tap(master_.tap).setEnabled(false);
}

void AnalysisSideChain::run() {
  auto nextPublish = Clock::now() + kPublishPeriod;
  bool spectrumMaster = true;
  // Both taps get their blocks in the same callbacks: the master's pace both.
  engine::TapPacer pacer(sampleRate_);
  // At least ~4 ms of audio per wake-up, so small blocks do not wake it more
  // often than the old 4 ms nap did.
  const int framesPerWake = std::max(1, static_cast<int>(0.004 * sampleRate_));
  while (running_.load(std::memory_order_relaxed)) {
    try {
      drain(input_, nullptr);
      drain(master_, &pacer);
      if (Clock::now() >= nextPublish) {
        nextPublish = Clock::now() + kPublishPeriod;
        publishMeters();
        // One spectrum message per period, alternating sources when both are live.
        Stream& s = (spectrumMaster || !input_.fresh) ? master_ : input_;
        if (s.fresh) publishSpectrum(s);
        spectrumMaster = !spectrumMaster;
      }
    } catch (const std::exception& e) {
      spdlog::error("analysis side-chain: {}", e.what());
    }
    // Asleep until the next blocks are due, or the next publication if sooner.
    const auto untilPublish =
        std::max(std::chrono::nanoseconds(0),
                 std::chrono::duration_cast<std::chrono::nanoseconds>(nextPublish - Clock::now()));
    std::this_thread::sleep_for(std::min(pacer.sleepFor(framesPerWake), untilPublish));
  }
}

void AnalysisSideChain::drain(Stream& stream, engine::TapPacer* pacer) {
  auto& tap = engine_.tap(stream.tap);
  while (const engine::TapBlock* block = tap.front()) {
    if (pacer != nullptr) pacer->saw(*block);
    const int frames = std::min(block->frames, engine::kMaxBlockFrames);
    stream.left.add(block->samples, static_cast<std::size_t>(frames), 2);
    stream.right.add(block->samples + 1, static_cast<std::size_t>(frames), 2);
    for (int i = 0; i < frames; ++i)
      mono_[static_cast<std::size_t>(i)] =
          0.5F * (block->samples[2 * i] + block->samples[2 * i + 1]);
    const auto t0 = Clock::now();
    stream.analyzer.process({mono_.data(), static_cast<std::size_t>(frames)}, block->samplePos);
    if (blockSink_)
      blockSink_(&stream == &input_ ? Source::Input : Source::Master,
                 {mono_.data(), static_cast<std::size_t>(frames)}, block->samplePos);
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    tap.pop();
    if (stream.hopTime != nullptr && frames > 0)
      stream.hopTime->observe(seconds * stream.analyzer.config().hop / frames);
    stream.cell->store(stream.analyzer.features());
    stream.fresh = true;
    publishEvents(stream);
  }
}

void AnalysisSideChain::publishEvents(Stream& stream) {
  const auto minPitchGap = static_cast<std::int64_t>(sampleRate_ * 0.034);
  for (const auto& e : stream.analyzer.events()) {
    if (e.type == analysis::AnalysisEventType::Pitch) {
      if (e.samplePos - stream.lastPitchPublish < minPitchGap) continue;
      stream.lastPitchPublish = e.samplePos;
    }
    nlohmann::json j = {{"source", stream.name},
                        {"event", analysis::analysisEventName(e.type)},
                        {"samplePos", e.samplePos},
                        {"t", static_cast<double>(e.samplePos) / sampleRate_}};
    switch (e.type) {
      case analysis::AnalysisEventType::Onset:
        j["strength"] = e.value;
        break;
      case analysis::AnalysisEventType::Pitch:
        j["hz"] = e.value;
        j["confidence"] = e.confidence;
        break;
      case analysis::AnalysisEventType::Beat:
      case analysis::AnalysisEventType::Tempo:
        j["bpm"] = e.value;
        j["confidence"] = e.confidence;
        break;
      case analysis::AnalysisEventType::Key:
        j["key"] = analysis::keyName(static_cast<int>(e.value));
        j["confidence"] = e.confidence;
        break;
    }
    bus_.publish("analysis", std::move(j));
  }
}

void AnalysisSideChain::publishMeters() {
  auto levels = [](Stream& s) {
    const auto l = s.left.take();
    const auto r = s.right.take();
    return nlohmann::json{{"rmsDb", {l.rmsDb, r.rmsDb}}, {"peakDb", {l.peakDb, r.peakDb}}};
  };
  bus_.publish("meters", {{"input", levels(input_)}, {"master", levels(master_)}});
}

void AnalysisSideChain::publishSpectrum(Stream& stream) {
  const auto& f = stream.analyzer.features();
  nlohmann::json bands = nlohmann::json::array();
  for (int b = 0; b < f.bandCount; ++b) bands.push_back(f.bandsDb[static_cast<std::size_t>(b)]);
  bus_.publish("spectrum", {{"source", stream.name},
                            {"samplePos", f.samplePos},
                            {"bands", std::move(bands)},
                            {"edgesHz", stream.analyzer.bandEdgesHz()},
                            {"centroidHz", f.centroidHz}});
  stream.fresh = false;
}

}  // namespace auralis::app
