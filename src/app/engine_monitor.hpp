// EngineMonitor: the logger thread's view of the audio thread. Once a second it
// reads the engine's counters and reports what changed (deadline misses, NaN
// blocks, tap drops, late or dropped notes), so the audio thread never logs.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "engine/engine.hpp"

namespace auralis::app {

class EngineMonitor {
 public:
  explicit EngineMonitor(engine::Engine& engine) : engine_(engine) {}
  ~EngineMonitor() { stop(); }
  void start();
  void stop();

 private:
  void run();

  engine::Engine& engine_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace auralis::app
