#include <signal.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>
#include <thread>

#include <filesystem>

#include "app/commands.hpp"
#include "app/data_dir.hpp"
#include "app/engine_monitor.hpp"
#include "app/ensemble_wiring.hpp"
#include "app/generation_publisher.hpp"
#include "app/live_controller.hpp"
#include "app/metrics_wiring.hpp"
#include "app/stream_sidechain.hpp"
#include "control/event_bus.hpp"
#include "ensemble/ensemble_runner.hpp"
#include "io/audio_driver.hpp"
#include "net/server.hpp"
#include "obs/metrics.hpp"

namespace auralis::app {

namespace {

io::BackendKind backendKind(const std::string& name) {
  if (name == "jack") return io::BackendKind::Jack;
  if (name == "rtaudio") return io::BackendKind::RtAudio;
  return io::BackendKind::Clock;
}

/// Blocks SIGINT/SIGTERM in every thread (call before starting any) so that
/// only waitForSignal() sees them, on the main thread.
sigset_t blockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

/// The web page: configured, else web/ beside the source tree the binary was
/// built in (build/src/app/auralis -> web/), else ./web.
std::filesystem::path webRoot(const std::string& configured) {
  if (!configured.empty()) return configured;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto candidate = exe.parent_path() / "../../../web";
    if (std::filesystem::is_directory(candidate, ec)) return std::filesystem::canonical(candidate, ec);
  }
  return "web";
}

}  // namespace

int runServe(const Config& config, const ServeOptions& options) {
  const sigset_t signals = blockShutdownSignals();
  auto params = ensembleParams(config, options.mode, "");
  if (!params) {
    std::cerr << "auralis: " << params.error().message << "\n";
    return 2;
  }
  auto dataDir = ensureDataDir(config.getString("data_dir"));
  if (!dataDir) {
    std::cerr << "auralis: " << dataDir.error().message << "\n";
    return 2;
  }

  engine::Engine engine;
  io::AudioDriver driver(engine);
  io::DriverConfig dc;
  dc.kind = backendKind(config.getString("audio.backend"));
  dc.backend.sampleRate = static_cast<double>(config.getInt("audio.sample_rate"));
  dc.backend.blockFrames = static_cast<int>(config.getInt("audio.block"));
  dc.backend.device = config.getString("audio.device");
  dc.backend.realtimePriority = config.getBool("audio.realtime");
  dc.fallbackToClock = config.getBool("audio.fallback_to_clock");
  engine::EngineConfig engineConfig;
  auto started = driver.start(
      dc,
      [&](double rate, int block) {
        engineConfig = engine::ensembleEngineConfig(rate, std::max(block, 1024));
        engineConfig.master.ceilingDb = config.getDouble("master.ceiling_db");
        engine.prepare(engineConfig);
      },
      [](const io::DriverState& s) {
        spdlog::warn("audio: now on the {} backend: {}", io::backendName(s.active), s.reason);
      });
  if (!started) {
    std::cerr << "auralis: " << started.error().message << "\n";
    return started.error().code == "invalid_param" ? 2 : 1;
  }
  const auto state = driver.state();
  if (state.degraded) spdlog::warn("audio: {}", state.reason);

  ensemble::EnsembleConfig ec;
  ec.sampleRate = state.sampleRate;
  ec.seed = static_cast<std::uint64_t>(config.getInt("music.seed"));
  ec.params = unityLevels(params.value());
  EngineNoteSink sink(engine);
  ensemble::EnsembleRunner runner(ec, sink, [&engine] { return engine.position(); });
  control::EventBus bus;
  GenerationPublisher generation(bus, state.sampleRate);
  runner.setObserver(&generation);
  LiveController controller(engine, runner, driver, fromEnsembleParams(params.value()));
  controller.pushAll();
  runner.start();
  EngineMonitor monitor(engine);
  monitor.start();

  stream::BroadcasterConfig bc;
  bc.sampleRate = static_cast<int>(state.sampleRate);
  bc.opus = state.sampleRate == 48000.0;  // libopus runs at 48 kHz; at 44.1 kHz PCM16 only
  auto broadcaster = stream::Broadcaster::create(bc);
  if (!broadcaster) {
    std::cerr << "auralis: " << broadcaster.error().message << "\n";
    return 1;
  }
  StreamSideChain streamChain(engine, *broadcaster.value());
  streamChain.start();

  obs::Registry registry;
  obs::addProcessMetrics(registry);
  registerEngineMetrics(registry, engine);
  net::ServerConfig sc;
  sc.bind = config.getString("server.bind");
  sc.port = static_cast<std::uint16_t>(config.getInt("server.port"));
  sc.webRoot = webRoot(config.getString("server.web_root"));
  net::ServerHooks hooks;
  hooks.controller = &controller;
  hooks.broadcaster = broadcaster.value().get();
  hooks.bus = &bus;
  hooks.prometheusText = [&registry] { return registry.prometheusText(); };
  hooks.metricsJson = [&registry] { return registry.toJson(); };
  net::Server server(sc, hooks);
  registerServerMetrics(registry, server, broadcaster.value().get());
  if (auto listening = server.start(); !listening) {
    std::cerr << "auralis: " << listening.error().message << "\n";
    streamChain.stop();
    runner.stop();
    driver.stop();
    return 1;
  }

  std::cout << "auralis " << "serving: " << io::backendName(state.active) << " backend, "
            << state.sampleRate << " Hz, " << state.blockFrames << " frames per block\n"
            << "listening: http://" << sc.bind << ":" << server.port() << "/  (WebSocket /ws, "
            << "metrics /metrics)\n"
            << "data directory: " << dataDir.value() << "\n"
            << "stop with Ctrl-C (SIGINT) or SIGTERM\n"
            << "playing: " << params.value().key.name() << " at " << params.value().bpm
            << " bpm, intensity " << params.value().intensity << std::endl;

  int signal = 0;
  sigwait(&signals, &signal);
  spdlog::info("{}: fading out and stopping", signal == SIGINT ? "SIGINT" : "SIGTERM");

  server.stop();
  runner.stop();
  engine.postCommand({engine::CommandType::FadeOut, 0, 0, 0, 0.0F});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  while (!engine.fadedOut() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  driver.stop();
  streamChain.stop();
  monitor.stop();
  const auto& m = engine.metrics();
  spdlog::info("stopped after {} blocks; deadline misses {}, NaN blocks {}", m.blocks.load(),
               m.deadlineMisses.load(), m.nanEvents.load());
  return 0;
}

}  // namespace auralis::app
