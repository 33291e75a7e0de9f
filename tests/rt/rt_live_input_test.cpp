// The low-latency live path under the allocation guard: input pulled from a
// source on the audio thread, the onset detector, responses started straight
// into the scheduler, latency recorded, while the whole ensemble plays and the
// loudness trim and the respond switch keep changing.
#include <cstdint>

#include "core/rt_guard.hpp"
#include "io/offline_renderer.hpp"
#include "rt_support.hpp"

namespace auralis::rt_test {

namespace {
/// Clicks every 100 ms (the detector's refractory time is 60 ms): each one answered.
class ClickTrain final : public engine::InputSource {
 public:
  void read(float* left, float* right, int frames) noexcept override {
    for (int i = 0; i < frames; ++i) {
      const bool click = (pos_ + i) % 4800 < 3;
      left[i] = right[i] = click ? 0.7F : 0.0F;
    }
    pos_ += frames;
  }

 private:
  std::int64_t pos_ = 0;
};
}  // namespace

TEST_CASE("live input: detector and responses run thousands of blocks without allocating") {
  for (const int block : {64, 256}) {
    CAPTURE(block);
    engine::Engine engine;
    auto config = engine::ensembleEngineConfig(kRate, block);
    config.respondToOnsets = true;
    engine.prepare(config);
    ClickTrain clicks;
    engine.setInputSource(&clicks);
    engine.inputTap().setEnabled(true);
    ensemble::Ensemble ensemble(busyEnsemble(3));
    DirectSink sink(engine);
    std::uint64_t n = 0;
    resetGuard();
    auto stats = io::renderOffline(engine, {20.0, block, ""}, [&](std::int64_t start, int frames) {
      ensemble.planUntil(start + frames + 12000, sink);
      if (++n % 50 == 0)
        engine.postCommand(
            {engine::CommandType::LoudnessTrim, 0, 0, 0, static_cast<float>(n % 13) - 6.0F});
    });
    REQUIRE(stats.ok());
    requireNoAudioThreadAllocation();
    CHECK(engine.metrics().inputOnsets.load() > 150);
    CHECK(engine.metrics().responsesStarted.load() == engine.metrics().inputOnsets.load());
  }
}

}  // namespace auralis::rt_test
