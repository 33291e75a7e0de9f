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
};

struct ServeOptions {
  std::string mode;
};

int runServe(const Config& config, const ServeOptions& options);
int runRender(const Config& config, const RenderOptions& options);
int runDevices();

/// The whole command line: parses, loads configuration, dispatches.
int runCli(int argc, char** argv, char** environ);

}  // namespace auralis::app
