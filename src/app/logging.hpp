// Logging setup (spdlog): human-readable text or one JSON object per line.
// Never called from the audio thread: the engine only bumps counters, and
// EngineMonitor turns their changes into log lines on its own thread.
#pragma once

#include <string>

namespace auralis::app {

/// format: "text" | "json"; level: "trace" .. "error". Control thread, once.
void setupLogging(const std::string& format, const std::string& level);

}  // namespace auralis::app
