// Uploaded-source playback under the allocation guard: the SourcePlayer's
// audio path (starts, crossfades, stops, gain ramps, underruns, streams that
// end) runs for thousands of blocks with the whole ensemble playing. The hook
// before each block plays the disk worker: it arms slots, tops their rings up
// (sometimes too late, on purpose) and posts the playback commands.
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/rt_guard.hpp"
#include "engine/source_player.hpp"
#include "io/offline_renderer.hpp"
#include "rt_support.hpp"

namespace auralis::rt_test {

TEST_CASE("playback: the source player's audio path never allocates") {
  for (const int block : {64, 256}) {
    CAPTURE(block);
    engine::Engine engine;
    engine.prepare(engine::ensembleEngineConfig(kRate, block));
    auto& player = engine.sourcePlayer();
    ensemble::Ensemble ensemble(busyEnsemble(5));
    DirectSink sink(engine);
    std::vector<float> chunk(2 * 4096);
    for (std::size_t i = 0; i < 4096; ++i)
      chunk[2 * i] = chunk[2 * i + 1] =
          0.3F * static_cast<float>(std::sin(0.05 * static_cast<double>(i)));
    std::uint64_t n = 0;
    int current = -1;
    resetGuard();
    auto stats = io::renderOffline(engine, {20.0, block, ""}, [&](std::int64_t start, int frames) {
      ensemble.planUntil(start + frames + 12000, sink);
      ++n;
      // Every ~0.7 s a new stream crossfades in on a free slot.
      if (n % (32000 / static_cast<std::uint64_t>(block)) == 1) {
        for (int s = 0; s < engine::SourcePlayer::kSlots; ++s) {
          if (player.busy(s)) continue;
          const auto gen = player.arm(s, 0.8F);
          player.ring(s).write(chunk.data(), 4096);
          if (n % 3 == 0) player.ring(s).markEnded();  // a short source that plays out
          engine.postCommand(engine::SourcePlayer::startCommand(s, gen, 0.05F));
          current = s;
          break;
        }
      }
      // The worker keeps up, except for a starved stretch now and then.
      const bool starve = (n / 100) % 7 == 3;
      for (int s = 0; s < engine::SourcePlayer::kSlots; ++s) {
        auto& ring = player.ring(s);
        if (!starve && player.busy(s) && !ring.ended() && ring.readable() < 8192)
          ring.write(chunk.data(), 4096);
      }
      if (n % 97 == 0)
        engine.postCommand(
            engine::SourcePlayer::gainCommand(0.2F + 0.1F * static_cast<float>(n % 7)));
      if (n % 1000 == 0 && current >= 0)
        engine.postCommand(engine::SourcePlayer::stopCommand(0.02F));
    });
    REQUIRE(stats.ok());
    requireNoAudioThreadAllocation();
    CHECK(player.underruns() > 0);  // the starved stretches were exercised
    CHECK(player.staleStarts() == 0);
  }
}

}  // namespace auralis::rt_test
