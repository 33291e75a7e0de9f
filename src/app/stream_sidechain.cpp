#include "app/stream_sidechain.hpp"
#include "core/thread_name.hpp"

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
  while (running_.load(std::memory_order_relaxed)) {
    bool any = false;
    while (const engine::TapBlock* block = tap.front()) {
      broadcaster_.feed(block->samples, block->frames, block->samplePos);
      tap.pop();
      any = true;
    }
    // Blocks arrive every few ms; a short nap keeps latency low without spinning.
    if (!any) std::this_thread::sleep_for(std::chrono::milliseconds(3));
  }
}

}  // namespace auralis::app
