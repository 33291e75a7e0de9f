#include "net/ipc_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <list>
#include <variant>
#include <vector>

#include "control/messages.hpp"
#include "core/thread_name.hpp"
#include "net/ipc_lines.hpp"

namespace auralis::net {

namespace {

struct Client {
  int fd = -1;
  LineAssembler lines;
  std::string out;  // bytes waiting to be written
  std::shared_ptr<control::Subscription> events;
  bool closing = false;
};

std::string line(const nlohmann::json& j) {
  return ipcReplyLine(j);
}

}  // namespace

struct IpcServer::Impl {
  int listenFd = -1;
  int wakeFd = -1;
  std::list<Client> clients;
};

IpcServer::IpcServer(IpcConfig config, IpcHooks hooks)
    : config_(std::move(config)), hooks_(std::move(hooks)), impl_(std::make_unique<Impl>()) {}

IpcServer::~IpcServer() {
  stop();
}

Status IpcServer::start() {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (config_.path.empty() || config_.path.size() >= sizeof(addr.sun_path))
    return makeError("invalid_config",
                     "ipc.socket: path empty or longer than " +
                         std::to_string(sizeof(addr.sun_path) - 1) + " bytes",
                     "ipc.socket");
  std::memcpy(addr.sun_path, config_.path.c_str(), config_.path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return makeError("internal", std::string("ipc: socket: ") + std::strerror(errno));
  struct stat st {};
  if (::lstat(config_.path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      ::close(fd);
      return makeError("invalid_config",
                       "ipc.socket: " + config_.path + " exists and is not a socket", "ipc.socket");
    }
    // A socket file nobody answers on is left over from a crash; a live one is another server.
    const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const bool alive =
        probe >= 0 && ::connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    if (probe >= 0) ::close(probe);
    if (alive) {
      ::close(fd);
      return makeError("internal", "ipc: another server is listening on " + config_.path);
    }
    ::unlink(config_.path.c_str());
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::chmod(config_.path.c_str(), 0600) != 0 || ::listen(fd, 16) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return makeError("internal", "ipc: cannot listen on " + config_.path + ": " + why);
  }
  impl_->listenFd = fd;
  impl_->wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  running_ = true;
  thread_ = std::thread([this] {
    core::nameThisThread("au-ipc");
    run();
  });
  return Ok{};
}

void IpcServer::stop() {
  if (!running_.exchange(false)) return;
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(impl_->wakeFd, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  for (auto& c : impl_->clients) ::close(c.fd);
  impl_->clients.clear();
  ::close(impl_->listenFd);
  ::close(impl_->wakeFd);
  ::unlink(config_.path.c_str());
  clients_ = 0;
}

void IpcServer::run() {
  auto& clients = impl_->clients;
  const int wakeFd = impl_->wakeFd;
  const std::function<void()> wake = [wakeFd] {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wakeFd, &one, sizeof one);
  };
  std::vector<pollfd> fds;
  std::vector<char> buf(64 * 1024);
  while (running_.load()) {
    fds.clear();
    fds.push_back({impl_->listenFd, POLLIN, 0});
    fds.push_back({wakeFd, POLLIN, 0});
    for (auto& c : clients)
      fds.push_back({c.fd, static_cast<short>(POLLIN | (c.out.empty() ? 0 : POLLOUT)), 0});
    if (::poll(fds.data(), fds.size(), 500) < 0 && errno != EINTR) break;
    if (!running_.load()) break;

    if ((fds[1].revents & POLLIN) != 0) {
      std::uint64_t v = 0;
      [[maybe_unused]] auto n = ::read(wakeFd, &v, sizeof v);
    }
    // Events for subscribers, whatever woke us.
    for (auto& c : clients) {
      if (!c.events) continue;
      control::Event e;
      while (c.events->tryPop(e)) {
        if (c.out.size() > config_.maxQueuedBytes) {
          droppedEvents_.fetch_add(1, std::memory_order_relaxed);
          continue;
        }
        c.out += *e.text;
        c.out += '\n';
      }
    }
    std::size_t i = 2;
    for (auto it = clients.begin(); it != clients.end(); ++i) {
      Client& c = *it;
      const short rev = i < fds.size() && fds[i].fd == c.fd ? fds[i].revents : 0;
      if ((rev & POLLIN) != 0) {
        const ssize_t n = ::read(c.fd, buf.data(), buf.size());
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
          c.closing = true;  // a half-sent message dies with its connection
        } else if (n > 0) {
          c.lines.feed(
              std::string_view(buf.data(), static_cast<std::size_t>(n)),
              [&](std::string_view text) {
                requests_.fetch_add(1, std::memory_order_relaxed);
                try {
                  c.out += handleIpcLine(hooks_, c.events, text, wake);
                } catch (const std::exception& ex) {
                  c.out += line(
                      control::makeErrorMessage(makeError(control::codes::kInternal, ex.what())));
                }
              },
              [&] {
                tooLarge_.fetch_add(1, std::memory_order_relaxed);
                c.out += line(control::makeErrorMessage(
                    makeError(kTooLarge, "message over " + std::to_string(config_.maxLineBytes) +
                                             " bytes; skipped to the next newline")));
              });
        }
      }
      if ((rev & (POLLHUP | POLLERR)) != 0 && (rev & POLLIN) == 0) c.closing = true;
      if (!c.out.empty() && !c.closing) {
        const ssize_t w = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w > 0)
          c.out.erase(0, static_cast<std::size_t>(w));
        else if (w < 0 && errno != EAGAIN && errno != EINTR)
          c.closing = true;
      }
      if (c.closing) {
        ::close(c.fd);
        it = clients.erase(it);
      } else {
        ++it;
      }
    }
    if ((fds[0].revents & POLLIN) != 0) {
      for (;;) {
        const int cfd = ::accept4(impl_->listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (cfd < 0) break;
        if (clients.size() >= config_.maxClients) {
          const std::string busy = line(control::makeErrorMessage(
              makeError(control::codes::kTooManyClients, "too many Unix-socket clients")));
          [[maybe_unused]] auto n =
              ::send(cfd, busy.data(), busy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
          ::close(cfd);
          continue;
        }
        clients.push_back(Client{cfd, LineAssembler(config_.maxLineBytes), {}, nullptr, false});
      }
    }
    clients_.store(clients.size(), std::memory_order_relaxed);
  }
}

}  // namespace auralis::net
