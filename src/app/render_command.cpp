#include <spdlog/spdlog.h>

#include <iostream>

#include "app/commands.hpp"
#include "app/ensemble_wiring.hpp"
#include "app/loudness_control.hpp"
#include "io/offline_renderer.hpp"

namespace auralis::app {

int runRender(const Config& config, const RenderOptions& options) {
  auto params = ensembleParams(config, options.mode, options.agents);
  if (!params) {
    std::cerr << "auralis: " << params.error().message << "\n";
    return 2;
  }
  const auto rate = static_cast<double>(config.getInt("audio.sample_rate"));
  const auto block = static_cast<int>(config.getInt("audio.block"));

  engine::Engine engine;
  auto engineConfig = engine::ensembleEngineConfig(rate, block);
  engineConfig.master.ceilingDb = config.getDouble("master.ceiling_db");
  engine.prepare(engineConfig);
  postMixParams(engine, params.value());
  // Loudness normalisation, offline: the live loop's law fed from the same
  // tap, deciding on fixed frame counts, so a seed still renders bit-identically.
  const engine::LoudnessTrimConfig loudness = loudnessTrimConfig(config);
  LoudnessFollower follower(rate, loudness);
  auto& loudnessTap = engine.tap(engine::TapId::MasterLoudness);
  loudnessTap.setEnabled(true);

  ensemble::EnsembleConfig ec;
  ec.sampleRate = rate;
  ec.seed = static_cast<std::uint64_t>(config.getInt("music.seed"));
  ec.params = unityLevels(params.value());
  ensemble::Ensemble ensemble(ec);
  EngineNoteSink sink(engine);
  // Plan a little ahead of each block, exactly as the live runner does, but
  // synchronously: the same seed and settings always give the same notes.
  const auto lookahead = static_cast<std::int64_t>(0.25 * rate);
  io::OfflineRenderConfig rc;
  rc.seconds = options.seconds;
  rc.blockFrames = block;
  rc.outPath = options.out;
  auto stats = io::renderOffline(engine, rc, [&](std::int64_t blockStart, int frames) {
    while (const auto* tapped = loudnessTap.front()) {
      float trim = 0.0F;
      if (follower.feed(*tapped, trim)) engine.postCommand(loudnessTrimCommand(trim));
      loudnessTap.pop();
    }
    ensemble.planUntil(blockStart + frames + lookahead, sink);
  });
  if (!stats) {
    std::cerr << "auralis: " << stats.error().message << "\n";
    return stats.error().code == "invalid_param" ? 2 : 1;
  }
  const auto& s = stats.value();
  spdlog::info("rendered {:.1f} s of {} at {:.0f} Hz to {} ({:.0f}x real time)",
               static_cast<double>(s.frames) / rate, params.value().key.name(), rate, options.out,
               s.realtimeFactor);
  const auto& lf = follower.figures();
  spdlog::info(
      "loudness: {:.1f} LUFS integrated (target {:.1f}), true peak {:.1f} dBTP, trim {:+.1f} dB",
      lf.integratedLufs.load(), loudness.targetLufs, lf.truePeakDbtp.load(), lf.trimDb.load());
  const auto& m = engine.metrics();
  if (m.droppedNotes.load() > 0 || sink.dropped() > 0)
    spdlog::warn("render dropped {} notes", m.droppedNotes.load() + sink.dropped());
  return 0;
}

}  // namespace auralis::app
