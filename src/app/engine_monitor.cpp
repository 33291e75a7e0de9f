#include "app/engine_monitor.hpp"
#include "core/thread_name.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <chrono>

namespace auralis::app {

void EngineMonitor::start() {
  stopping_ = false;
  thread_ = std::thread([this] {
    core::nameThisThread("au-monitor");
    run();
  });
}

void EngineMonitor::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void EngineMonitor::run() {
  struct Seen {
    std::uint64_t misses = 0, nans = 0, late = 0, dropped = 0;
    std::array<std::uint64_t, engine::kTapCount> tapDrops{};
  } seen;
  auto& m = engine_.metrics();
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::seconds(1));
    auto report = [](std::uint64_t now, std::uint64_t& last, const char* what) {
      if (now > last) spdlog::warn("audio: {} +{} (total {})", what, now - last, now);
      last = now;
    };
    report(m.deadlineMisses.load(), seen.misses, "deadline misses");
    report(m.nanEvents.load(), seen.nans, "non-finite blocks replaced by silence");
    report(m.lateNotes.load(), seen.late, "late notes");
    report(m.droppedNotes.load(), seen.dropped, "dropped notes");
    for (std::size_t i = 0; i < engine::kTapCount; ++i) {
      const auto id = static_cast<engine::TapId>(i);
      const auto now = engine_.tap(id).drops();
      if (now > seen.tapDrops[i])
        spdlog::warn("audio: {} tap drops +{} (total {})", engine::tapName(id),
                     now - seen.tapDrops[i], now);
      seen.tapDrops[i] = now;
    }
  }
}

}  // namespace auralis::app
