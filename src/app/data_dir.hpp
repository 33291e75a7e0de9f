// The data directory: configured, or $XDG_DATA_HOME/auralis, or
// ~/.local/share/auralis. Created on first run.
#pragma once

#include <string>

#include "core/result.hpp"

namespace auralis::app {

Result<std::string> ensureDataDir(const std::string& configured);

}  // namespace auralis::app
