#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <iostream>
#include <map>

#include "app/commands.hpp"
#include "app/logging.hpp"

#ifndef AURALIS_VERSION
#define AURALIS_VERSION "0.0.0"
#endif

namespace auralis::app {

namespace {

/// A flag that maps onto a configuration key; applied after the file and the
/// environment so that the command line wins.
struct KeyFlag {
  KeyFlag(std::string f, std::string k, std::string h)
      : flag(std::move(f)), key(std::move(k)), help(std::move(h)) {}
  std::string flag;
  std::string key;
  std::string help;
  std::string value;
};

void addKeyFlags(CLI::App* cmd, std::vector<KeyFlag>& flags) {
  for (auto& f : flags) cmd->add_option(f.flag, f.value, f.help + " [" + f.key + "]");
}

}  // namespace

int runCli(int argc, char** argv, char** environ) {
  CLI::App app{
      "Auralis: a real-time generative audio engine.\n"
      "Configuration: built-in defaults, then --config FILE (TOML), then AURALIS_* "
      "environment variables, then flags; later wins."};
  app.set_version_flag("--version", std::string("auralis ") + AURALIS_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // global options (--config, --log-*) may follow the subcommand
  std::string configPath;
  app.add_option("--config", configPath, "TOML configuration file")->check(CLI::ExistingFile);
  std::vector<KeyFlag> common = {
      {"--log-format", "log.format", "log line format: text|json"},
      {"--log-level", "log.level", "trace|debug|info|warn|error"},
  };
  addKeyFlags(&app, common);

  // serve
  auto* serve =
      app.add_subcommand("serve", "Run the server: the ensemble plays on the audio backend");
  ServeOptions serveOptions;
  std::vector<KeyFlag> serveFlags = {
      {"--bind", "server.bind", "address to listen on"},
      {"--port", "server.port", "HTTP and WebSocket port"},
      {"--data-dir", "data_dir", "data directory (created on first run)"},
      {"--web-root", "server.web_root", "directory of the web page"},
      {"--control-token", "server.control_token", "token that control messages need"},
      {"--listen-token", "server.listen_token", "token that listening needs"},
      {"--max-clients", "server.max_clients", "most WebSocket clients at once"},
      {"--backend", "audio.backend", "clock|jack|rtaudio"},
      {"--rate", "audio.sample_rate", "sample rate: 44100|48000"},
      {"--block", "audio.block", "block size in frames, 32..1024"},
      {"--device", "audio.device", "rtaudio device name or index"},
      {"--fallback-to-clock", "audio.fallback_to_clock", "true|false"},
      {"--input-file", "audio.input_file", "audio file played as the live input"},
      {"--input-loop", "audio.input_loop", "loop the input file: true|false"},
      {"--respond-to-onsets", "live.respond_to_onsets", "answer input onsets: true|false"},
      {"--key", "music.key", "key, e.g. \"D minor\""},
      {"--bpm", "music.bpm", "tempo, 40..200"},
      {"--intensity", "music.intensity", "0..1"},
      {"--seed", "music.seed", "random seed"},
      {"--artnet-target", "lighting.artnet_targets", "Art-Net outputs HOST[:PORT][@DELAY_MS],..."},
      {"--sacn-target", "lighting.sacn_targets", "sACN outputs HOST[:PORT][@DELAY_MS],..."},
      {"--lighting-fps", "lighting.fps", "lighting frames per second, 1..44"},
      {"--universes", "lighting.universes", "universes of the default patch, 1..64"},
      {"--icecast-url", "icecast.url", "push Ogg/Opus to http://host:port/mount"},
      {"--osc-port", "osc.port", "OSC UDP port (0: any free port)"},
      {"--osc-target", "osc.targets", "OSC event destinations HOST:PORT[,HOST:PORT...]"},
      {"--events-shm", "events.shm_name", "shared-memory name of the event ring"},
      {"--midi-out", "midi.out", "notes and clock out to MIDI: off|alsa|jack"},
      {"--midi-in", "midi.in", "a MIDI input port: off|alsa|jack"},
  };
  addKeyFlags(serve, serveFlags);
  serve->add_option("--mode", serveOptions.mode, "mode, overrides the key's (e.g. dorian)");

  // render
  auto* render = app.add_subcommand("render", "Render the ensemble offline to a WAV or FLAC file");
  RenderOptions renderOptions;
  render->add_option("--seconds", renderOptions.seconds, "length in seconds")
      ->required()
      ->check(CLI::Range(0.001, 86400.0));
  render->add_option("--out", renderOptions.out, "output file (.wav: 32-bit float, .flac: 24-bit)")
      ->required();
  std::vector<KeyFlag> renderFlags = {
      {"--seed", "music.seed", "random seed (same seed and settings: bit-identical output)"},
      {"--rate", "audio.sample_rate", "sample rate: 44100|48000"},
      {"--block", "audio.block", "block size in frames, 32..1024"},
      {"--key", "music.key", "key, e.g. \"D minor\", \"F# dorian\""},
      {"--bpm", "music.bpm", "tempo, 40..200"},
      {"--intensity", "music.intensity", "0..1"},
  };
  addKeyFlags(render, renderFlags);
  render->add_option("--mode", renderOptions.mode, "mode, overrides the key's (e.g. dorian)");
  render->add_option(
      "--agents", renderOptions.agents,
      "comma-separated agents to play (default all): harmony,bass,melody,percussion");
  render
      ->add_option("--replay", renderOptions.replay,
                   "re-render a session bundle (recordings/<id>-bundle); --seconds caps its length")
      ->check(CLI::ExistingDirectory);

  // analyze (analyze_command.cpp)
  auto* analyze = app.add_subcommand(
      "analyze", "Analyse an audio file: onsets, beats, pitch, tempo, key, loudness");
  AnalyzeOptions analyzeOptions;
  analyze->add_option("FILE", analyzeOptions.file, "audio file (wav, flac, ogg, ...)")->required();
  analyze->add_option("--format", analyzeOptions.format, "output: jsonl|csv")
      ->check(CLI::IsMember({"jsonl", "csv"}));

  // classify (classify_command.cpp)
  auto* classify = app.add_subcommand(
      "classify", "Label each second of an audio file: music, speech, silence or noise");
  ClassifyOptions classifyOptions;
  classify->add_option("FILE", classifyOptions.file, "audio file (wav, flac, ogg, ...)")
      ->required();
  classify->add_flag("--features", classifyOptions.features,
                     "print the classifier's feature vectors instead");

  // listen (listen_command.cpp)
  auto* listen = app.add_subcommand(
      "listen",
      "Run the voice side-chain on a recorded file: transcript and command events as JSON lines");
  ListenOptions listenOptions;
  listen->add_option("--file", listenOptions.file, "audio file (wav, flac, ogg, ...)")->required();
  listen->add_flag("--realtime", listenOptions.realtime, "pace the file as a live input");
  listen->add_option("--mode", listenOptions.mode, "command|dictation")
      ->check(CLI::IsMember({"command", "dictation"}));
  listen
      ->add_option("--min-confidence", listenOptions.minConfidence, "commands below it are ignored")
      ->check(CLI::Range(0.0, 1.0));

  // events (events_command.cpp)
  auto* events =
      app.add_subcommand("events", "Follow the shared-memory event ring of a running server");
  EventsOptions eventsOptions;
  events->add_flag("--json", eventsOptions.json, "one JSON object per line");
  events->add_flag("--from-start", eventsOptions.fromStart,
                   "begin with the oldest event still held");
  events->add_option("--shm", eventsOptions.shm, "segment name [events.shm_name]");
  events->add_option("--count", eventsOptions.count, "exit after this many events")
      ->check(CLI::PositiveNumber);
  events->add_option("--seconds", eventsOptions.seconds, "exit after this long")
      ->check(CLI::PositiveNumber);

  app.add_subcommand("devices", "List the sound cards RtAudio can open");
  auto* configHelp =
      app.add_subcommand("config", "Print every configuration key with its default and range");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (configHelp->parsed()) {
    std::cout << Config::describe();
    return 0;
  }

  Config config;
  auto fail = [](const Error& e) {
    std::cerr << "auralis: " << e.message << "\n";
    return 2;
  };
  if (!configPath.empty())
    if (auto r = config.loadToml(configPath); !r) return fail(r.error());
  if (auto r = config.loadEnvironment(environ); !r) return fail(r.error());
  for (auto* flags : {&common, &serveFlags, &renderFlags})
    for (const auto& f : *flags)
      if (!f.value.empty())
        if (auto r = config.setFromText(f.key, f.value, f.flag); !r) return fail(r.error());

  setupLogging(config.getString("log.format"), config.getString("log.level"));
  if (serve->parsed()) return runServe(config, serveOptions);
  if (events->parsed()) return runEvents(config, eventsOptions);
  if (listen->parsed()) return runListen(config, listenOptions);
  if (render->parsed() && !renderOptions.replay.empty()) return runReplay(config, renderOptions);
  if (render->parsed()) return runRender(config, renderOptions);
  if (analyze->parsed()) return runAnalyze(analyzeOptions);
  if (classify->parsed()) return runClassify(classifyOptions);
  return runDevices();
}

}  // namespace auralis::app
