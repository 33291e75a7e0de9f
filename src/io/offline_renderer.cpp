#include "io/offline_renderer.hpp"

#include <chrono>
#include <cmath>
#include <vector>

#include "io/audio_file_writer.hpp"

namespace auralis::io {

Result<OfflineRenderStats> renderOffline(engine::Engine& engine, const OfflineRenderConfig& config,
                                         const BlockHook& beforeBlock) {
  AudioFileWriter writer;
  if (!config.outPath.empty()) {
    auto opened = writer.open(config.outPath, static_cast<int>(std::lround(engine.sampleRate())));
    if (!opened) return opened.error();
  }
  const int block = std::min(config.blockFrames, engine.maxBlockFrames());
  const auto total = static_cast<std::int64_t>(std::llround(config.seconds * engine.sampleRate()));
  std::vector<float> left(static_cast<std::size_t>(block)), right(left.size()),
      interleaved(2 * left.size());
  float* out[2] = {left.data(), right.data()};

  const auto started = std::chrono::steady_clock::now();
  std::int64_t done = 0;
  while (done < total) {
    const int n = static_cast<int>(std::min<std::int64_t>(block, total - done));
    if (beforeBlock) beforeBlock(engine.position(), n);
    engine.process(nullptr, 0, out, n);
    if (!config.outPath.empty()) {
      for (int i = 0; i < n; ++i) {
        interleaved[2 * static_cast<std::size_t>(i)] = left[static_cast<std::size_t>(i)];
        interleaved[2 * static_cast<std::size_t>(i) + 1] = right[static_cast<std::size_t>(i)];
      }
      auto written = writer.write(interleaved.data(), n);
      if (!written) return written.error();
    }
    done += n;
  }
  writer.close();
  OfflineRenderStats stats;
  stats.frames = done;
  stats.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  stats.realtimeFactor =
      stats.wallSeconds > 0 ? (static_cast<double>(done) / engine.sampleRate()) / stats.wallSeconds : 0.0;
  return stats;
}

}  // namespace auralis::io
