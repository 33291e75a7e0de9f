#include "app/data_dir.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace auralis::app {

Result<std::string> ensureDataDir(const std::string& configured) {
  std::filesystem::path dir;
  if (!configured.empty()) {
    dir = configured;
  } else if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
    dir = std::filesystem::path(xdg) / "auralis";
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    dir = std::filesystem::path(home) / ".local/share/auralis";
  } else {
    return makeError("invalid_config", "no data directory: set data_dir, XDG_DATA_HOME or HOME", "data_dir");
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    return makeError("invalid_config", "cannot create data directory " + dir.string() + ": " + ec.message(),
                     "data_dir");
  return std::filesystem::absolute(dir).string();
}

}  // namespace auralis::app
