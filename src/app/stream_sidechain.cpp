#include "app/stream_sidechain.hpp"
#include "core/thread_name.hpp"
#include "engine/tap_pacer.hpp"

#include <chrono>

namespace auralis::app {

void StreamSideChain::start() {
  engine_.masterTap().setEnabled(true);
  running_ = true;
  thread_ = std::thread([this] {
    core::nameThisThread("au-stream");
    run();
  });
}

void StreamSideChain::stop() {
  running_ = false;
  if (thread_.joinable()) thread_.join();
  engine_.masterTap().setEnabled(false);
}

void StreamSideChain::run() {
  auto& tap = engine_.masterTap();
  engine::TapPacer pacer(engine_.sampleRate());
  while (running_.load(std::memory_order_relaxed)) {
    while (const engine::TapBlock* block = tap.front()) {
      broadcaster_.feed(block->samples, block->frames, block->samplePos);
      pacer.saw(*block);
      tap.pop();
    }
    // Asleep until the block that completes the next encoded frame is due: about
    // one wake-up per frame instead of a poll every few ms.
    std::this_thread::sleep_for(pacer.sleepFor(broadcaster_.framesToNextFrame()));
  }
}

}  // namespace auralis::app
