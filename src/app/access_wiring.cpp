#include "app/access_wiring.hpp"

#include "net/access.hpp"

namespace auralis::app {

bool isLoopbackAddress(const std::string& address) {
  std::string a = address;
  if (a.size() > 2 && a.front() == '[' && a.back() == ']') a = a.substr(1, a.size() - 2);
  if (a == "::1" || a == "0:0:0:0:0:0:0:1") return true;
  if (a.starts_with("::ffff:")) a = a.substr(7);
  return a.starts_with("127.");
}

Status checkAccessConfig(const Config& config) {
  const std::string bind = config.getString("server.bind");
  const std::string control = config.getString("server.control_token");
  const std::string listen = config.getString("server.listen_token");
  if (!isLoopbackAddress(bind) && control.empty()) {
    return makeError("invalid_param",
                     "server.bind is " + bind +
                         ", which other machines can reach: set server.control_token "
                         "(--control-token, AURALIS_SERVER_CONTROL_TOKEN) so that control "
                         "needs it, or bind 127.0.0.1",
                     "server.control_token");
  }
  if (config.getBool("server.protect_listening") && control.empty() && listen.empty()) {
    return makeError("invalid_param",
                     "server.protect_listening needs server.listen_token or "
                     "server.control_token to be set",
                     "server.protect_listening");
  }
  for (const auto& origin : net::splitList(config.getString("server.allowed_origins"))) {
    if (origin != "*" && !origin.starts_with("http://") && !origin.starts_with("https://")) {
      return makeError("invalid_param",
                       "server.allowed_origins: '" + origin +
                           "' is not an origin (http://host[:port] or https://host[:port], or *)",
                       "server.allowed_origins");
    }
  }
  return Ok{};
}

void applyAccessConfig(const Config& config, net::ServerConfig& sc) {
  sc.controlToken = config.getString("server.control_token");
  sc.listenToken = config.getString("server.listen_token");
  sc.protectListening = config.getBool("server.protect_listening");
  sc.allowedOrigins = net::splitList(config.getString("server.allowed_origins"));
  sc.maxConnectionsPerIp = static_cast<int>(config.getInt("server.max_connections_per_ip"));
  sc.limitLoopbackConnections = config.getBool("server.limit_loopback_connections");
  sc.headerTimeout = std::chrono::seconds(config.getInt("server.header_timeout_seconds"));
  sc.requestTimeout = std::chrono::seconds(config.getInt("server.body_timeout_seconds"));
  sc.uploadMinBytesPerSecond =
      static_cast<std::uint64_t>(config.getInt("server.upload_min_bytes_per_second"));
}

}  // namespace auralis::app
