#include "app/icecast_wiring.hpp"
#include "core/thread_name.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace auralis::app {

Result<std::unique_ptr<IcecastWiring>> IcecastWiring::start(const Config& config,
                                                            stream::Broadcaster* broadcaster,
                                                            obs::Registry& registry) {
  stream::IcecastConfig ic;
  ic.url = config.getString("icecast.url");
  if (ic.url.empty()) return std::unique_ptr<IcecastWiring>();
  ic.user = config.getString("icecast.user");
  ic.password = config.getString("icecast.password");
  ic.name = config.getString("icecast.name");
  // Opus frames are 20 ms: a page holds page_ms / 20 of them.
  const auto pageMs = config.getInt("icecast.page_ms");
  if (pageMs % 20 != 0)
    return makeError("invalid_config", "icecast.page_ms must be a multiple of 20 (Opus frames)",
                     "icecast.page_ms");
  ic.packetsPerPage = static_cast<int>(pageMs / 20);
  if (broadcaster == nullptr || !broadcaster->hasCodec(stream::Codec::Opus))
    return makeError("invalid_config", "icecast.url needs the Opus stream: run at 48000 Hz",
                     "icecast.url");
  ic.bitrateKbps = broadcaster->config().opusBitrate / 1000;
  auto source = stream::IcecastSource::create(*broadcaster, ic);
  if (!source) return source.error();

  std::unique_ptr<IcecastWiring> w(new IcecastWiring());
  w->source_ = std::move(source).value();
  const stream::IcecastSource* s = w->source_.get();
  registry.gaugeFn("auralis_icecast_connected", "1 while the Icecast source is streaming", {},
                   [s] { return s->connected() ? 1.0 : 0.0; });
  registry.counterFn("auralis_icecast_reconnects_total",
                     "Icecast connections re-established after a loss or failure", {},
                     [s] { return static_cast<double>(s->reconnects()); });
  registry.counterFn("auralis_icecast_connect_failures_total",
                     "Icecast connection attempts that failed", {},
                     [s] { return static_cast<double>(s->failedAttempts()); });
  registry.counterFn("auralis_icecast_bytes_sent_total", "Bytes written to Icecast", {},
                     [s] { return static_cast<double>(s->bytesSent()); });
  registry.counterFn("auralis_icecast_dropped_packets_total",
                     "Opus packets not sent to Icecast because its queue was full", {},
                     [s] { return static_cast<double>(s->droppedPackets()); });
  w->source_->start();
  spdlog::info("icecast: sending Ogg/Opus to {} as {}", ic.url, ic.user);
  w->watcher_ = std::thread([raw = w.get()] {
    core::nameThisThread("au-icecast-watch");
    raw->watch();
  });
  return w;
}

IcecastWiring::~IcecastWiring() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
  if (source_) source_->stop();
}

// The source thread stays free of logging; this low-rate watcher reports its
// connection changes instead.
void IcecastWiring::watch() {
  bool was = false;
  std::uint64_t failures = 0;
  std::unique_lock lock(mutex_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stopping_; })) {
    const bool now = source_->connected();
    if (now != was) {
      if (now)
        spdlog::info("icecast: connected");
      else
        spdlog::warn("icecast: connection lost; reconnecting");
      was = now;
    }
    const auto f = source_->failedAttempts();
    if (f != failures && (failures == 0 || f % 10 == 0))
      spdlog::warn("icecast: cannot connect ({} failed attempts so far)", f);
    failures = f;
  }
}

}  // namespace auralis::app
