#include <signal.h>
#include <spdlog/fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include <filesystem>

#include "app/access_wiring.hpp"
#include "app/analysis_sidechain.hpp"
#include "app/classifier_sidechain.hpp"
#include "app/commands.hpp"
#include "app/data_dir.hpp"
#include "app/engine_monitor.hpp"
#include "app/ensemble_wiring.hpp"
#include "app/event_ring_wiring.hpp"
#include "app/generation_publisher.hpp"
#include "app/human_follower.hpp"
#include "app/icecast_wiring.hpp"
#include "app/ipc_wiring.hpp"
#include "app/lighting_wiring.hpp"
#include "app/live_controller.hpp"
#include "app/live_input.hpp"
#include "app/loudness_control.hpp"
#include "app/metrics_wiring.hpp"
#include "app/midi_input.hpp"
#include "app/midi_wiring.hpp"
#include "app/note_timing.hpp"
#include "app/osc_wiring.hpp"
#include "app/playback_surfaces.hpp"
#include "app/recording_commands.hpp"
#include "app/recording_session_log.hpp"
#include "app/store_wiring.hpp"
#include "app/stream_sidechain.hpp"
#include "app/upload_wiring.hpp"
#include "control/event_bus.hpp"
#include "core/cpu_affinity.hpp"
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

/// The web page: configured, else web/dist beside the source tree the binary was
/// built in (build/src/app/auralis -> web/dist), else ./web/dist.
std::filesystem::path webRoot(const std::string& configured) {
  if (!configured.empty()) return configured;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    // The built page (web/dist, made by `npm run build` in web/); its sources
    // in web/src are never served.
    const auto candidate = exe.parent_path() / "../../../web/dist";
    if (std::filesystem::is_directory(candidate, ec))
      return std::filesystem::canonical(candidate, ec);
  }
  return "web/dist";
}

/// server.cpus: the network threads' CPUs. The calling (main) thread, and so
/// every thread started after it, keeps to the others; empty: no pinning.
Result<std::vector<int>> keepOffNetworkCpus(const Config& config) {
  const std::string list = config.getString("server.cpus");
  if (list.empty()) return std::vector<int>{};
  auto cpus = core::parseCpuList(list, "server.cpus");
  if (!cpus) return cpus.error();
  const std::vector<int> allowed = core::allowedCpus();
  std::vector<int> rest;
  for (int c : allowed)
    if (!std::binary_search(cpus.value().begin(), cpus.value().end(), c)) rest.push_back(c);
  for (int c : cpus.value()) {
    if (!std::binary_search(allowed.begin(), allowed.end(), c))
      return makeError(
          "invalid_config",
          "server.cpus names CPU " + std::to_string(c) + ", which this process may not use",
          "server.cpus");
  }
  if (rest.empty())
    return makeError("invalid_config",
                     "server.cpus takes every CPU this process may use; leave at least one to the "
                     "audio engine",
                     "server.cpus");
  if (!core::pinThisThread(rest))
    return makeError("internal", "could not set the CPU affinity for server.cpus", "server.cpus");
  spdlog::info("cpus: network threads on {}, everything else on {}", list, fmt::join(rest, ","));
  return cpus;
}

}  // namespace

int runServe(const Config& config, const ServeOptions& options) {
  const sigset_t signals = blockShutdownSignals();
  auto params = ensembleParams(config, options.mode, "");
  if (!params) {
    std::cerr << "auralis: " << params.error().message << "\n";
    return 2;
  }
  if (auto access = checkAccessConfig(config); !access) {  // app/access_wiring.hpp
    std::cerr << "auralis: " << access.error().message << "\n";
    return 2;
  }
  // Before any thread starts: every thread but the network's inherits this.
  auto netCpus = keepOffNetworkCpus(config);
  if (!netCpus) {
    std::cerr << "auralis: " << netCpus.error().message << "\n";
    return 2;
  }
  auto dataDir = ensureDataDir(config.getString("data_dir"));
  if (!dataDir) {
    std::cerr << "auralis: " << dataDir.error().message << "\n";
    return 2;
  }
  auto database = openStore(dataDir.value());  // locked or corrupt: say so, exit 1
  if (!database) {
    std::cerr << "auralis: " << database.error().message << "\n";
    return 1;
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
  NoteLeadMeter leadMeter(sink, engine, state.sampleRate);  // auralis_agent_note_lead_seconds
  // Every note the engine takes, logged for session-bundle replay (app/recording_session_log.hpp).
  SessionLog sessionLog(
      leadMeter, static_cast<std::size_t>(config.getInt("recording.log_max_notes")), &engine);
  ensemble::EnsembleRunner runner(ec, sessionLog, [&engine] { return engine.position(); });
  control::EventBus bus;
  GenerationPublisher generation(bus, state.sampleRate);
  runner.setObserver(&generation);
  LiveController controller(engine, runner, driver, fromEnsembleParams(params.value()));
  controller.setApplyObserver([&sessionLog](const control::ControlParams& p, std::int64_t at) {
    sessionLog.onApplied(p, at);
  });
  controller.pushAll();
  // live.follow: the agents follow the human's key, tempo, dynamics and phrases.
  const auto follow = followMode(config, !config.getString("audio.input_file").empty() ||
                                             state.active != io::BackendKind::Clock ||
                                             config.getString("midi.in") != "off");
  if (follow) runner.followHuman({*follow});
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
  registerEnsembleMetrics(registry, runner);
  registerNoteTimingMetrics(registry, engine, leadMeter);
  AnalysisSideChain analysisChain(engine,
                                  bus);  // meters, spectrum, analysis; stops itself on return
  analysisChain.registerMetrics(registry);
  ClassifierSideChain classifier(bus,
                                 state.sampleRate);  // ai_classifier_event; stops itself on return
  classifier.registerMetrics(registry);
  analysisChain.setBlockSink([&classifier](AnalysisSideChain::Source s, std::span<const float> mono,
                                           std::int64_t pos) {
    classifier.offer(s == AnalysisSideChain::Source::Input ? ClassifierSideChain::Source::Input
                                                           : ClassifierSideChain::Source::Master,
                     mono, pos);
  });
  classifier.start();
  analysisChain.start();
  // MIDI in (ports and Web MIDI): feeds the follower, plays live (app/midi_input.hpp).
  auto midiIn =
      MidiInput::start(config, engine, sessionLog, controller, bus, state.sampleRate, registry);
  HumanFollower humanFollower(
      runner, [&analysisChain] { return analysisChain.features(AnalysisSideChain::Source::Input); },
      state.sampleRate);
  humanFollower.registerMetrics(registry);
  humanFollower.setOverride([m = midiIn.get()] { return m->features(); });
  if (follow) humanFollower.start();
  LoudnessControl loudness(engine, loudnessTrimConfig(config));  // stops itself on any return
  loudness.start();
  registerLoudnessMetrics(registry, loudness.figures());
  auto liveInput = LiveInput::create(config, engine);  // --input-file, live.respond_to_onsets
  if (!liveInput) {
    std::cerr << "auralis: " << liveInput.error().message << "\n";
    streamChain.stop();
    runner.stop();
    driver.stop();
    return 2;
  }
  liveInput.value()->registerMetrics(registry);
  auto lights = LightingWiring::create(config, engine, bus, controller, registry);
  if (!lights) {
    std::cerr << "auralis: " << lights.error().message << "\n";
    streamChain.stop();
    runner.stop();
    driver.stop();
    return 2;
  }
  // OSC in/out and the shared-memory event ring (osc_wiring, event_ring_wiring).
  auto osc = OscWiring::start(config, controller, bus, engine, state.sampleRate, registry);
  auto eventRing = EventRingWiring::start(config, engine, bus, state.sampleRate, registry);
  auto midi = MidiWiring::start(config, engine, bus, controller, state.sampleRate, registry);
  if (!osc || !eventRing) {
    std::cerr << "auralis: " << (!osc ? osc.error() : eventRing.error()).message << "\n";
    streamChain.stop();
    runner.stop();
    driver.stop();
    return 2;
  }
  net::ServerConfig sc;
  sc.bind = config.getString("server.bind");
  sc.port = static_cast<std::uint16_t>(config.getInt("server.port"));
  sc.webRoot = webRoot(config.getString("server.web_root"));
  sc.controlToken = config.getString("server.control_token");
  sc.maxClients = static_cast<int>(config.getInt("server.max_clients"));
  sc.cpus = netCpus.value();
  applyAccessConfig(config, sc);  // tokens, origins, per-IP limit, timeouts
  net::ServerHooks hooks;
  hooks.controller = &controller;
  hooks.broadcaster = broadcaster.value().get();
  hooks.bus = &bus;
  hooks.prometheusText = [&registry] { return registry.prometheusText(); };
  hooks.metricsJson = [&registry] { return registry.toJson(); };
  hooks.extraRoutes.push_back(osc.value()->route());
  StoreServices storage(
      *database.value(), engine, controller, bus, sessionLog, dataDir.value(),
      makeSessionInfo(config, state.sampleRate, state.blockFrames, engineConfig.maxBlockFrames,
                      std::string(io::backendName(state.active)), controller.current()));
  for (auto& route : storage.routes()) hooks.extraRoutes.push_back(std::move(route));
  // Lighting frames into bundles (dmx.bin), the scene as a parameter and in presets.
  for (auto& route : storage.attachLighting(*lights.value()))
    hooks.extraRoutes.push_back(std::move(route));
  UploadService uploads(*database.value(), dataDir.value(),  // POST /upload, /api/v1/sources
                        static_cast<std::uint64_t>(config.getInt("uploads.max_bytes")));
  hooks.uploadRoutes.push_back(uploads.route());
  for (auto& route : uploads.routes()) hooks.extraRoutes.push_back(std::move(route));
  // Uploaded sources through the engine: WebSocket/IPC `playback`, REST, OSC (app/playback_*).
  PlaybackService playback(engine, *database.value(), dataDir.value(), playbackConfig(config),
                           &bus);
  playback.start();
  registerPlaybackMetrics(registry, playback);
  hooks.extraRoutes.push_back(playbackRoute(playback));
  hooks.extraMessages["playback"] = [&playback](const nlohmann::json& m) {
    return handlePlaybackMessage(playback, m);
  };
  OpsProbes probes(config, state.realtime, registry);  // before the placeholder metrics
  controller.setRealtimeReport(probes.realtimeJson());
  hooks.samplePosition = [&engine] { return engine.position(); };
  hooks.sampleRate = state.sampleRate;
  hooks.version = AURALIS_VERSION;
  hooks.midiIn = [m = midiIn.get()](const control::MidiRequest& r) { return m->accept(r); };
  net::Server server(sc, hooks);
  registerServerMetrics(registry, server, broadcaster.value().get());
  auto icecast = IcecastWiring::start(config, broadcaster.value().get(), registry);
  if (!icecast) {
    std::cerr << "auralis: " << icecast.error().message << "\n";
    streamChain.stop();
    runner.stop();
    driver.stop();
    return 2;
  }
  // Voice side-chain and the Unix socket (app/ipc_wiring.cpp); both stop when they go out of scope.
  auto& recordings = storage.recordings;
  auto voiceChain = startVoice(config, engine, controller, bus, dataDir.value(), state.sampleRate,
                               registry, [&recordings](const nlohmann::json& command) {
                                 // "start/stop recording" said aloud; the service announces the
                                 // outcome on the `recording` telemetry kind.
                                 if (command.value("type", std::string()) != "recording")
                                   return false;
                                 const auto reply = handleRecordingMessage(recordings, command);
                                 if (reply.value("type", std::string()) == "error")
                                   spdlog::warn("voice: {}", reply.value("message", std::string()));
                                 return true;
                               });
  auto ipcServer =
      startIpc(config, controller, bus, dataDir.value(), voiceChain.get(), registry,
               [&recordings, &playback](const nlohmann::json& m) -> std::optional<nlohmann::json> {
                 if (m.value("type", std::string()) == "playback")
                   return handlePlaybackMessage(playback, m);
                 return handleRecordingMessage(recordings, m);
               });
  // /auralis/recording/{start,stop} over OSC; cleared before `storage` goes.
  auto oscCommands = recordingOscCommands(recordings);
  for (auto& c : playbackOscCommands(playback)) oscCommands.push_back(std::move(c));
  auto oscRecording = osc.value()->bindCommands(std::move(oscCommands));
  registerPlaceholderMetrics(registry);  // last: only what nothing else registered
  if (auto listening = server.start(); !listening) {
    std::cerr << "auralis: " << listening.error().message << "\n";
    streamChain.stop();
    runner.stop();
    driver.stop();
    return 1;
  }

  std::cout << "auralis "
            << "serving: " << io::backendName(state.active) << " backend, " << state.sampleRate
            << " Hz, " << state.blockFrames << " frames per block\n"
            << "listening: http://" << sc.bind << ":" << server.port() << "/  (WebSocket /ws, "
            << "metrics /metrics)\n"
            << "data directory: " << dataDir.value() << "\n"
            << lights.value()->describe() << "\n"
            << osc.value()->describe() << "\n"
            << eventRing.value()->describe() << "\n"
            << midi->describe() << "\n"
            << midiIn->describe() << "\n"
            << "listener fan-out: "
            << (server.fanOutUsesIoUring()
                    ? "io_uring, one submission per " + std::to_string(net::SocketBatch::kChunk) +
                          " listeners"
                    : "send() per listener (" + server.fanOutFallbackReason() + ")")
            << "\n"
            << "stop with Ctrl-C (SIGINT) or SIGTERM\n"
            << "playing: " << params.value().key.name() << " at " << params.value().bpm
            << " bpm, intensity " << params.value().intensity << std::endl;

  lights.value()->setFeatureSources(
      {[&analysisChain] { return analysisChain.features(AnalysisSideChain::Source::Master); },
       [&analysisChain] { return analysisChain.features(AnalysisSideChain::Source::Input); },
       [&classifier] {
         // A voice at the microphone counts first; else what the room hears.
         auto l = classifier.latest(ClassifierSideChain::Source::Input);
         if (!l.valid || l.label == analysis::SoundLabel::Silence)
           l = classifier.latest(ClassifierSideChain::Source::Master);
         return std::pair{l.valid ? lightingLabel(l.label) : lighting::SoundLabel::Unknown,
                          l.confidence};
       }});
  if (auto lit = lights.value()->start(); !lit) spdlog::warn("{}", lit.error().message);

  int signal = 0;
  sigwait(&signals, &signal);
  spdlog::info("{}: fading out and stopping", signal == SIGINT ? "SIGINT" : "SIGTERM");

  server.stop();
  uploads.stop();  // before the server is destroyed: queued answers post to its io_context
  playback.stop();
  osc.value()->stop();
  eventRing.value()->stop();
  midi->stop();
  midiIn->stop();
  lights.value()->stop();  // blackout while the music fades
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
