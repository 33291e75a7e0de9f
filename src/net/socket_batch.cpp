#include "net/socket_batch.hpp"

#include <liburing.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace auralis::net {

namespace {
std::string errnoText(const char* what, int err) {
  return std::string(what) + ": " + std::strerror(err);
}
}  // namespace

struct SocketBatch::Ring {
  io_uring ring{};
  ~Ring() { io_uring_queue_exit(&ring); }
};

SocketBatch::SocketBatch(Backend backend, std::size_t maxRegistered) {
  if (backend == Backend::Syscalls) {
    fallbackReason_ = "send() per socket was asked for";
    return;
  }
  auto ring = std::make_unique<Ring>();
  // SUBMIT_ALL: one bad entry must not stop the rest of a chunk (Linux 5.18+;
  // older kernels refuse the flag, and run() copes with a short submission).
  int r = io_uring_queue_init(static_cast<unsigned>(kChunk), &ring->ring, IORING_SETUP_SUBMIT_ALL);
  if (r == -EINVAL) r = io_uring_queue_init(static_cast<unsigned>(kChunk), &ring->ring, 0);
  if (r < 0) {
    fallbackReason_ = errnoText("io_uring_queue_init", -r);
    return;
  }
  io_uring_probe* probe = io_uring_get_probe_ring(&ring->ring);
  const bool canSend = probe != nullptr && io_uring_opcode_supported(probe, IORING_OP_SEND);
  if (probe != nullptr) io_uring_free_probe(probe);
  if (!canSend) {
    fallbackReason_ = "the kernel's io_uring has no IORING_OP_SEND";
    return;
  }
  // The kernel refuses a fixed-file table larger than the descriptor limit.
  rlimit files{};
  std::size_t capacity = maxRegistered;
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
    capacity = std::min<std::size_t>(capacity, files.rlim_cur);
  }
  if (capacity > 0 &&
      io_uring_register_files_sparse(&ring->ring, static_cast<unsigned>(capacity)) == 0) {
    freeFixed_.reserve(capacity);
    // Handed out from the back: lowest indices first.
    for (std::size_t i = capacity; i > 0; --i) freeFixed_.push_back(static_cast<int>(i - 1));
  }
  ring_ = std::move(ring);
  usingRing_.store(true, std::memory_order_relaxed);
  queue_.reserve(kChunk);
}

SocketBatch::~SocketBatch() = default;

std::string SocketBatch::fallbackReason() const {
  std::lock_guard lock(tableMutex_);
  return fallbackReason_;
}

SocketBatch::Target SocketBatch::registerSocket(int fd) {
  Target t{fd, -1};
  std::lock_guard lock(tableMutex_);
  if (!ring_ || fd < 0 || freeFixed_.empty()) return t;  // sent by descriptor instead
  const int index = freeFixed_.back();
  if (io_uring_register_files_update(&ring_->ring, static_cast<unsigned>(index), &fd, 1) != 1) {
    return t;
  }
  freeFixed_.pop_back();
  t.fixed = index;
  return t;
}

void SocketBatch::unregisterSocket(Target& target) {
  int none = -1;
  std::lock_guard lock(tableMutex_);
  if (!ring_ || target.fixed < 0) {
    target.fixed = -1;
    return;
  }
  // Should the update fail, the index is not reused: a stale entry must never
  // receive another listener's audio.
  if (io_uring_register_files_update(&ring_->ring, static_cast<unsigned>(target.fixed), &none, 1) ==
      1) {
    freeFixed_.push_back(target.fixed);
  }
  target.fixed = -1;
}

void SocketBatch::add(const Target& target, const void* data, std::size_t size) {
  queue_.push_back(Queued{target, data, size});
}

void SocketBatch::sendEach(std::size_t from, std::vector<ssize_t>& results) {
  for (std::size_t i = from; i < queue_.size(); ++i) {
    const Queued& q = queue_[i];
    const ssize_t n = ::send(q.target.fd, q.data, q.size, MSG_DONTWAIT | MSG_NOSIGNAL);
    results[i] = n >= 0 ? n : -errno;
  }
}

void SocketBatch::run(std::vector<ssize_t>& results) {
  results.assign(queue_.size(), -EAGAIN);
  if (!ring_) {
    sendEach(0, results);
    queue_.clear();
    return;
  }
  io_uring& ring = ring_->ring;
  for (std::size_t begin = 0; begin < queue_.size(); begin += kChunk) {
    const std::size_t end = std::min<std::size_t>(queue_.size(), begin + kChunk);
    for (std::size_t i = begin; i < end; ++i) {
      const Queued& q = queue_[i];
      io_uring_sqe* sqe = io_uring_get_sqe(&ring);  // never null: the ring holds a chunk
      const bool fixed = q.target.fixed >= 0;
      // MSG_DONTWAIT makes a full socket complete with -EAGAIN at once instead
      // of waiting in the kernel for room.
      io_uring_prep_send(sqe, fixed ? q.target.fixed : q.target.fd, q.data, q.size,
                         MSG_DONTWAIT | MSG_NOSIGNAL);
      if (fixed) sqe->flags |= IOSQE_FIXED_FILE;
      io_uring_sqe_set_data64(sqe, i);
    }
    const auto want = static_cast<unsigned>(end - begin);
    int submitted = 0;
    do {
      submitted = io_uring_submit_and_wait(&ring, want);
    } while (submitted == -EINTR);
    const unsigned took = submitted > 0 ? static_cast<unsigned>(submitted) : 0;
    // Every send taken completes during the submission (MSG_DONTWAIT).
    for (unsigned seen = 0; seen < took;) {
      io_uring_cqe* cqe = nullptr;
      const int r = io_uring_wait_cqe(&ring, &cqe);
      if (r == -EINTR) continue;
      if (r != 0 || cqe == nullptr) break;
      const std::uint64_t i = io_uring_cqe_get_data64(cqe);
      if (i < results.size()) results[i] = cqe->res;
      io_uring_cqe_seen(&ring, cqe);
      ++seen;
    }
    if (took < want) {
      // The kernel took only the first `took` entries of the ring (it consumes
      // them in order; short only when it cannot allocate). The rest must never
      // go out later from a buffer that is gone: drop the ring, send the rest
      // by hand, and stay on send() from now on.
      {
        std::lock_guard lock(tableMutex_);
        fallbackReason_ = errnoText("io_uring_submit", submitted < 0 ? -submitted : EAGAIN);
        usingRing_.store(false, std::memory_order_relaxed);
        ring_.reset();
      }
      sendEach(begin + took, results);
      break;
    }
  }
  queue_.clear();
}

}  // namespace auralis::net
