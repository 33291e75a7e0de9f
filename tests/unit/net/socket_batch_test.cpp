// SocketBatch (src/net/socket_batch.*): one buffer to many sockets, through
// io_uring and through send(), with the same results either way: whole writes,
// a full socket's short write or EAGAIN, a closed peer's error, fixed files that
// are reused only once released, and more sockets than one submission holds.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "net/socket_batch.hpp"

using auralis::net::SocketBatch;

namespace {

// A connected pair of non-blocking stream sockets; `a` is written, `b` read.
struct Pair {
  int a = -1;
  int b = -1;
  Pair() {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0);
    a = fds[0];
    b = fds[1];
  }
  ~Pair() {
    if (a >= 0) ::close(a);
    if (b >= 0) ::close(b);
  }
  Pair(const Pair&) = delete;
  Pair& operator=(const Pair&) = delete;
  std::string drain() const {
    std::string got;
    char buf[65536];
    for (;;) {
      const ssize_t n = ::read(b, buf, sizeof buf);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
  }
};

// The io_uring cases run only where the kernel lets this process use io_uring;
// elsewhere they say why and check the send() backend instead.
SocketBatch::Backend ioUringOrSkip() {
  SocketBatch probe(SocketBatch::Backend::Auto);
  if (probe.usesIoUring()) return SocketBatch::Backend::Auto;  // Auto is io_uring here
  MESSAGE("io_uring unavailable here (" << probe.fallbackReason() << "); checking send() only");
  return SocketBatch::Backend::Syscalls;
}

void checkBackend(SocketBatch::Backend backend) {
  SocketBatch batch(backend, 4);
  CHECK(batch.usesIoUring() == (backend == SocketBatch::Backend::Auto));

  SUBCASE("one buffer reaches every socket whole, past one submission's worth") {
    std::vector<std::unique_ptr<Pair>> pairs;
    std::vector<SocketBatch::Target> targets;
    for (std::size_t i = 0; i < SocketBatch::kChunk * 2 + 5; ++i) {
      pairs.push_back(std::make_unique<Pair>());
      targets.push_back(batch.registerSocket(pairs.back()->a));
    }
    // The table holds 4: the rest are sent by descriptor.
    if (batch.usesIoUring()) {
      CHECK(targets[3].fixed >= 0);
      CHECK(targets[4].fixed == -1);
    }
    const std::string message = "AUR1 batch of five frames";
    for (const auto& t : targets) batch.add(t, message.data(), message.size());
    CHECK(batch.queued() == targets.size());
    std::vector<ssize_t> results;
    batch.run(results);
    CHECK(batch.queued() == 0);
    REQUIRE(results.size() == targets.size());
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      CHECK(results[i] == static_cast<ssize_t>(message.size()));
      CHECK(pairs[i]->drain() == message);
    }
    for (auto& t : targets) batch.unregisterSocket(t);
  }

  SUBCASE("a full socket takes part or nothing, and says so without blocking") {
    Pair p;
    const int small = 4096;
    ::setsockopt(p.a, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    const std::string chunk(1024, 'x');
    while (::send(p.a, chunk.data(), chunk.size(), MSG_DONTWAIT) > 0) {
    }
    auto t = batch.registerSocket(p.a);
    batch.add(t, chunk.data(), chunk.size());
    std::vector<ssize_t> results;
    batch.run(results);
    REQUIRE(results.size() == 1);
    CHECK(results[0] < static_cast<ssize_t>(chunk.size()));
    if (results[0] < 0) CHECK(results[0] == -EAGAIN);
    batch.unregisterSocket(t);
  }

  SUBCASE("a peer that is gone is an error, not a signal") {
    Pair p;
    ::close(p.b);
    p.b = -1;
    auto t = batch.registerSocket(p.a);
    const std::string message = "late";
    batch.add(t, message.data(), message.size());
    std::vector<ssize_t> results;
    batch.run(results);
    REQUIRE(results.size() == 1);
    CHECK(results[0] == -EPIPE);
    batch.unregisterSocket(t);
  }

  SUBCASE("a released fixed file goes to the next socket, and only that one hears it") {
    Pair first;
    Pair second;
    auto t1 = batch.registerSocket(first.a);
    const int index = t1.fixed;
    batch.unregisterSocket(t1);
    CHECK(t1.fixed == -1);
    auto t2 = batch.registerSocket(second.a);
    if (batch.usesIoUring()) CHECK(t2.fixed == index);
    const std::string message = "for the second";
    batch.add(t2, message.data(), message.size());
    std::vector<ssize_t> results;
    batch.run(results);
    CHECK(results.at(0) == static_cast<ssize_t>(message.size()));
    CHECK(second.drain() == message);
    CHECK(first.drain().empty());
    batch.unregisterSocket(t2);
  }
}

}  // namespace

TEST_CASE("socket batch: send() per socket") {
  checkBackend(SocketBatch::Backend::Syscalls);
}

TEST_CASE("socket batch: io_uring with registered sockets") {
  checkBackend(ioUringOrSkip());
}

TEST_CASE("socket batch: Auto says which it chose and why") {
  SocketBatch batch(SocketBatch::Backend::Auto);
  if (batch.usesIoUring()) {
    CHECK(batch.fallbackReason().empty());
  } else {
    CHECK_FALSE(batch.fallbackReason().empty());
  }
  SocketBatch forced(SocketBatch::Backend::Syscalls);
  CHECK_FALSE(forced.usesIoUring());
  CHECK(forced.fallbackReason() == "send() per socket was asked for");
}
