// Icecast wiring: when `icecast.url` is set, starts an IcecastSource on the
// broadcaster's Opus stream, registers its metrics and logs its connection
// changes. Empty URL: nothing runs and no metric is registered.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "app/config.hpp"
#include "core/result.hpp"
#include "obs/metrics.hpp"
#include "stream/broadcaster.hpp"
#include "stream/icecast_source.hpp"

namespace auralis::app {

class IcecastWiring {
 public:
  /// Main thread. A running source, nullptr when icecast.url is empty, or an
  /// `invalid_config` error (exit code 2) naming the key.
  static Result<std::unique_ptr<IcecastWiring>> start(const Config& config,
                                                      stream::Broadcaster* broadcaster,
                                                      obs::Registry& registry);
  ~IcecastWiring();
  IcecastWiring(const IcecastWiring&) = delete;
  IcecastWiring& operator=(const IcecastWiring&) = delete;

 private:
  IcecastWiring() = default;
  void watch();

  std::unique_ptr<stream::IcecastSource> source_;
  std::thread watcher_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
};

}  // namespace auralis::app
