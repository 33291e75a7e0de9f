// StreamSideChain: the thread that reads the engine's master tap and feeds the
// broadcaster, which encodes each chunk once for every listener. If it falls
// behind, the tap drops blocks (counted); the audio thread never waits for it.
#pragma once

#include <atomic>
#include <thread>

#include "engine/engine.hpp"
#include "stream/broadcaster.hpp"

namespace auralis::app {

class StreamSideChain {
 public:
  StreamSideChain(engine::Engine& engine, stream::Broadcaster& broadcaster)
      : engine_(engine), broadcaster_(broadcaster) {}
  ~StreamSideChain() { stop(); }
  void start();
  void stop();

 private:
  void run();

  engine::Engine& engine_;
  stream::Broadcaster& broadcaster_;
  std::thread thread_;
  std::atomic<bool> running_{false};
};

}  // namespace auralis::app
