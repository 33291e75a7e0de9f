// Access wiring: the server.* keys that decide who may control and listen, and
// the abuse limits, read into net::ServerConfig (docs/security.md).
//
// The rule that matters most: a server reachable beyond loopback never has open
// control. `auralis serve --bind 0.0.0.0` without server.control_token refuses to
// start (exit 2) rather than inventing a token, because a generated token would be
// printed where logs keep it and would change on every restart.
#pragma once

#include <string>

#include "app/config.hpp"
#include "core/result.hpp"
#include "net/server.hpp"

namespace auralis::app {

/// True for addresses only this host can reach: 127.0.0.0/8, ::1 and
/// ::ffff:127.x.y.z. Any thread.
bool isLoopbackAddress(const std::string& address);

/// Main thread, before anything starts: an Error naming the key when the access
/// settings are unsafe or inconsistent (the caller exits 2).
Status checkAccessConfig(const Config& config);

/// Main thread: copies the access keys and limits into `sc` (tokens, origins,
/// per-IP limit, header/body timeouts, minimum upload rate).
void applyAccessConfig(const Config& config, net::ServerConfig& sc);

}  // namespace auralis::app
