// SocketBatch: one buffer written to many non-blocking sockets in one go.
//
// The fan-out (ws_fanout.hpp) sends each audio batch to thousands of listener
// sockets. Per socket the kernel's TCP work is the same whoever calls it; what a
// sender can save is the syscall around it. With io_uring a chunk of sends is one
// io_uring_enter, and a socket registered here is a fixed file, so no descriptor
// lookup (and, in a threaded process, no reference count) per send. Where the
// kernel refuses io_uring (kernel.io_uring_disabled, a seccomp filter, an old
// kernel) it falls back to one send() each, with the same results.
//
// Every send is MSG_DONTWAIT, so io_uring completes it during submission: a run()
// returns with every result known, nothing left in flight.
//
// Thread rules: registerSocket/unregisterSocket from any thread; add/run from one
// thread at a time (the fan-out strand).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace auralis::net {

class SocketBatch {
 public:
  enum class Backend : std::uint8_t {
    Auto,      // io_uring where the kernel allows it, else send()
    Syscalls,  // one send() per socket
  };

  /// Sends per io_uring_enter. Large enough that the syscall is a rounding
  /// error per send, small enough that a socket waits in a chunk only briefly
  /// (the fan-out makes a session that wants its socket back wait for it).
  static constexpr std::size_t kChunk = 64;

  /// A socket as the batch knows it: the descriptor, and its fixed-file index
  /// when it is registered (-1 otherwise).
  struct Target {
    int fd = -1;
    int fixed = -1;
  };

  /// Sets up the ring (Auto). `maxRegistered` bounds the fixed-file
  /// table (also capped by RLIMIT_NOFILE); sockets past it are sent by descriptor.
  explicit SocketBatch(Backend backend, std::size_t maxRegistered = 65536);
  ~SocketBatch();
  SocketBatch(const SocketBatch&) = delete;
  SocketBatch& operator=(const SocketBatch&) = delete;

  /// Any thread: true when sends go through io_uring.
  bool usesIoUring() const { return usingRing_.load(std::memory_order_relaxed); }
  /// Any thread: why io_uring is not used (empty when it is).
  std::string fallbackReason() const;

  /// Any thread: registers `fd` as a fixed file when there is room. The table
  /// holds its own reference to the socket until unregisterSocket.
  Target registerSocket(int fd);
  /// Any thread: drops the registration. The caller guarantees no add() of this
  /// target is waiting for run().
  void unregisterSocket(Target& target);

  /// Fan-out strand: queues `size` bytes at `data` for `target`. The bytes must
  /// stay valid until run() returns.
  void add(const Target& target, const void* data, std::size_t size);
  /// Fan-out strand: sends everything queued. `results[i]` is what the i-th add
  /// got: bytes written (possibly fewer than asked), or -errno.
  void run(std::vector<ssize_t>& results);
  /// Fan-out strand: how many adds are waiting for run().
  std::size_t queued() const { return queue_.size(); }

 private:
  struct Ring;
  struct Queued {
    Target target;
    const void* data;
    std::size_t size;
  };

  /// One send() each for queue_[from..].
  void sendEach(std::size_t from, std::vector<ssize_t>& results);

  mutable std::mutex tableMutex_;  // ring_ (its reset), fallbackReason_, freeFixed_
  std::unique_ptr<Ring> ring_;     // read without the lock only by add/run
  std::atomic<bool> usingRing_{false};
  std::string fallbackReason_;
  std::vector<int> freeFixed_;  // unused fixed-file indices
  std::vector<Queued> queue_;
};

}  // namespace auralis::net
