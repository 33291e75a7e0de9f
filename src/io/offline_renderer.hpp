// OfflineRenderer: the `offline` backend. Drives the same Engine::process as
// the live backends, as fast as it can, with no thread and no clock, so the
// same seed and settings give bit-identical output.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/result.hpp"
#include "engine/engine.hpp"

namespace auralis::io {

struct OfflineRenderConfig {
  double seconds = 10.0;
  int blockFrames = 256;
  std::string outPath;  // .wav or .flac; empty = render without writing (benchmarks)
};

struct OfflineRenderStats {
  std::int64_t frames = 0;
  double wallSeconds = 0.0;
  double realtimeFactor = 0.0;  // seconds of audio per second of wall time
};

/// Called before each block with the block's first sample and length: the
/// place to plan notes or post commands deterministically (e.g. the ensemble).
using BlockHook = std::function<void(std::int64_t blockStart, int frames)>;

/// Renders config.seconds of the (prepared) engine. Control thread.
Result<OfflineRenderStats> renderOffline(engine::Engine& engine, const OfflineRenderConfig& config,
                                         const BlockHook& beforeBlock = {});

}  // namespace auralis::io
