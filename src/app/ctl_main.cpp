// auralisctl: a command-line client of the Unix socket (docs/protocol.md, "Unix socket").
//   auralisctl [--socket PATH] status | ping | set KEY=VALUE... | record start|stop
//             | dictation on|off | follow [KIND...] | send JSON
// One request, one reply line printed; `follow` prints events until interrupted.
// Exit codes: 0 success, 1 an error reply or no server, 2 bad usage.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

constexpr const char* kUsage =
    "usage: auralisctl [--socket PATH] COMMAND\n"
    "  status                 the server's parameters and engine state\n"
    "  ping                   round trip\n"
    "  set KEY=VALUE...       e.g. set bpm=120 key=\"D minor\" agents.bass.enabled=false\n"
    "  record start|stop      start or stop a recording\n"
    "  dictation on|off       switch the voice side-chain to dictation or command mode\n"
    "  follow [KIND...]       print events as they come (default: transcript)\n"
    "  send JSON              send one raw message\n"
    "socket: --socket, else $AURALIS_SOCKET, else $XDG_RUNTIME_DIR/auralis.sock,\n"
    "        else ~/.local/share/auralis/auralis.sock\n";

std::string defaultSocket() {
  if (const char* s = std::getenv("AURALIS_SOCKET"); s != nullptr && *s != '\0') return s;
  if (const char* x = std::getenv("XDG_RUNTIME_DIR"); x != nullptr && *x != '\0')
    return std::string(x) + "/auralis.sock";
  if (const char* d = std::getenv("XDG_DATA_HOME"); d != nullptr && *d != '\0')
    return std::string(d) + "/auralis/auralis.sock";
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.local/share/auralis/auralis.sock";
}

/// "120" -> 120, "true" -> true, anything else a string.
nlohmann::json parseValue(const std::string& v) {
  if (v == "true") return true;
  if (v == "false") return false;
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (!v.empty() && end != nullptr && *end == '\0') return d;
  return v;
}

class Connection {
 public:
  ~Connection() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool open(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof(addr.sun_path)) return false;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    return fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  bool send(const nlohmann::json& j) {
    const std::string s = j.dump() + "\n";
    std::size_t off = 0;
    while (off < s.size()) {
      const ssize_t n = ::send(fd_, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<std::size_t>(n);
    }
    return true;
  }
  /// The next line, or false at end of stream.
  bool readLine(std::string& line) {
    for (;;) {
      if (auto nl = buf_.find('\n'); nl != std::string::npos) {
        line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return true;
      }
      char chunk[4096];
      const ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n <= 0) return false;
      buf_.append(chunk, static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_ = -1;
  std::string buf_;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string socketPath = defaultSocket();
  if (args.size() >= 2 && args[0] == "--socket") {
    socketPath = args[1];
    args.erase(args.begin(), args.begin() + 2);
  }
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  const std::string& cmd = args[0];
  nlohmann::json request;
  bool follow = false;
  try {
    if (cmd == "status" && args.size() == 1) {
      request = {{"type", "status_request"}};
    } else if (cmd == "ping" && args.size() == 1) {
      request = {{"type", "ping"}};
    } else if (cmd == "set" && args.size() >= 2) {
      nlohmann::json params = nlohmann::json::object();
      for (std::size_t i = 1; i < args.size(); ++i) {
        const auto eq = args[i].find('=');
        if (eq == std::string::npos || eq == 0) throw std::invalid_argument(args[i]);
        // "agents.bass.enabled" -> {"agents":{"bass":{"enabled":..}}}
        params[nlohmann::json::json_pointer("/" + [&] {
          std::string p = args[i].substr(0, eq);
          for (auto& c : p)
            if (c == '.') c = '/';
          return p;
        }())] = parseValue(args[i].substr(eq + 1));
      }
      request = {{"type", "control"}, {"params", params}};
    } else if (cmd == "record" && args.size() == 2 && (args[1] == "start" || args[1] == "stop")) {
      request = {{"type", "recording"}, {"action", args[1]}};
    } else if (cmd == "dictation" && args.size() == 2 && (args[1] == "on" || args[1] == "off")) {
      request = {{"type", "voice"}, {"mode", args[1] == "on" ? "dictation" : "command"}};
    } else if (cmd == "follow") {
      std::vector<std::string> kinds(args.begin() + 1, args.end());
      if (kinds.empty()) kinds.emplace_back("transcript");
      request = {{"type", "subscribe"}, {"telemetry", kinds}};
      follow = true;
    } else if (cmd == "send" && args.size() == 2) {
      request = nlohmann::json::parse(args[1]);
    } else {
      std::cerr << "auralisctl: bad command\n" << kUsage;
      return 2;
    }
  } catch (const std::exception& e) {
    std::cerr << "auralisctl: bad argument: " << e.what() << "\n" << kUsage;
    return 2;
  }
  request["reqId"] = "ctl";
  Connection conn;
  if (!conn.open(socketPath)) {
    std::cerr << "auralisctl: cannot connect to " << socketPath << ": " << std::strerror(errno)
              << "\n";
    return 1;
  }
  if (!conn.send(request)) {
    std::cerr << "auralisctl: the server closed the connection\n";
    return 1;
  }
  std::string line;
  if (!conn.readLine(line)) {
    std::cerr << "auralisctl: no reply\n";
    return 1;
  }
  std::cout << line << std::endl;
  const auto reply = nlohmann::json::parse(line, nullptr, false);
  const bool failed = reply.is_object() && reply.value("type", "") == "error";
  if (failed || !follow) return failed ? 1 : 0;
  while (conn.readLine(line)) std::cout << line << std::endl;
  return 0;
}
