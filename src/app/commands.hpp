// The auralis subcommands. Each returns the process exit code:
// 0 success, 2 bad usage or configuration, 1 any other failure.
#pragma once

#include <cstdint>
#include <string>

#include "app/config.hpp"

namespace auralis::app {

struct RenderOptions {
  double seconds = 0;
  std::string out;
  std::string mode;
  std::string agents;
  std::string replay;  // a session bundle directory: re-render it (app/recording_replay.cpp)
};

struct ServeOptions {
  std::string mode;
};

int runServe(const Config& config, const ServeOptions& options);
int runRender(const Config& config, const RenderOptions& options);
/// `render --replay BUNDLE`: the bundle's recorded span, re-rendered offline.
int runReplay(const Config& config, const RenderOptions& options);
int runDevices();

/// `auralis analyze FILE [--format jsonl|csv]` (analyze_command.cpp). Main thread.
struct AnalyzeOptions {
  std::string file;
  std::string format = "jsonl";
};
int runAnalyze(const AnalyzeOptions& options);

/// `auralis listen --file FILE [--realtime]` (listen_command.cpp). Main thread.
struct ListenOptions {
  std::string file;
  bool realtime = false;
  std::string mode = "command";  // command|dictation
  double minConfidence = 0.3;
};
int runListen(const Config& config, const ListenOptions& options);

/// `auralis events [--json]` (events_command.cpp): follows the shared-memory
/// event ring. Main thread.
struct EventsOptions {
  bool json = false;
  bool fromStart = false;
  std::string shm;         // empty: events.shm_name
  std::int64_t count = 0;  // 0: until interrupted
  double seconds = 0;      // 0: until interrupted
};
int runEvents(const Config& config, const EventsOptions& options);

/// `auralis classify FILE [--features]` (classify_command.cpp): music / speech /
/// silence / noise for each second of a file, as JSON lines. Main thread.
struct ClassifyOptions {
  std::string file;
  bool features = false;  // print the feature vectors (what the training script reads)
};
int runClassify(const ClassifyOptions& options);

/// The whole command line: parses, loads configuration, dispatches.
int runCli(int argc, char** argv, char** environ);

}  // namespace auralis::app
