// FanOut: one pass per audio batch writes the same pre-framed WebSocket message
// to every listener that keeps up (icecast's shape).
//
// A listener that is caught up hands its socket to the fan-out (a FanOutSlot in
// the "fast" state). For each batch of `every` frames of a codec, ONE task on
// one io thread (the fan-out strand) builds the message once (WireCache) and
// walks the group's slots, sending the shared immutable bytes to each socket
// with one non-blocking send(): no post, strand hop or allocation per listener.
// The sends go out through a SocketBatch (socket_batch.hpp): with io_uring a
// chunk of sockets costs one syscall, and each socket is a registered file.
// A socket that would block keeps a cursor (the refcounted message and an
// offset) in its slot and is handed back to its session, which finishes it on
// the normal async path and pulls the Broadcaster as before (bounded queue,
// skip-to-live, close when it stays behind, resume); once it is caught up again
// it hands the socket back to the fan-out.
//
// Thread rules: join/leave/handOver/reclaim from the session's strand; pass()
// only on the fan-out strand; a slot's mutable fields under its mutex. While a
// slot's send is in a chunk (`sending`), nothing but the pass touches the socket:
// reclaim, sendText and leave wait for the chunk (tens of microseconds). The
// slot owns a dup() of the socket, so a send never reaches a descriptor number
// that a closed session gave back and the kernel reused.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "net/server.hpp"
#include "net/socket_batch.hpp"
#include "net/ws_wire.hpp"
#include "stream/broadcaster.hpp"

namespace auralis::net {

/// One listener's place in a fan-out group.
struct FanOutSlot {
  /// Session strand. Takes ownership of `fd` (a dup of the session's socket).
  FanOutSlot(int fd, stream::Codec codec, std::size_t every, std::function<void()> handback);
  ~FanOutSlot();
  FanOutSlot(const FanOutSlot&) = delete;
  FanOutSlot& operator=(const FanOutSlot&) = delete;

  const int fd;
  const stream::Codec codec;
  const std::size_t every;
  /// Posts the session's onHandback to its strand (any thread; allocates).
  const std::function<void()> handback;

  SocketBatch::Target target;  // set by join, cleared by leave (under mutex)
  /// 1 while a send to this socket is queued in the pass's current chunk; set
  /// and cleared under `mutex`, waited on (atomic wait) without it.
  std::atomic<std::uint32_t> sending{0};

  std::mutex mutex;
  bool fast = false;       // the fan-out owns the socket
  bool dead = false;       // the session left
  bool failed = false;     // send() failed (peer gone)
  std::uint64_t next = 0;  // the next sequence this listener needs
  WireMessagePtr pending;  // a message the socket took only part of
  std::size_t pendingOffset = 0;
};
using FanOutSlotPtr = std::shared_ptr<FanOutSlot>;

/// What a session gets back when it takes its socket from the fan-out.
struct FanOutReclaim {
  bool wasFast = false;  // the fan-out owned the socket until now
  bool failed = false;
  std::uint64_t next = 0;
  WireMessagePtr pending;  // finish this first, from pendingOffset
  std::size_t pendingOffset = 0;
};

class FanOut {
 public:
  /// Runs a task on the fan-out strand (one io thread at a time).
  using Post = std::function<void(std::function<void()>)>;

  /// Owner thread. `broadcaster` may be null (then join() returns null).
  FanOut(stream::Broadcaster* broadcaster, WireCache& wire, SendStats& sent, Post post,
         SocketBatch::Backend sender = SocketBatch::Backend::Auto);
  ~FanOut();
  FanOut(const FanOut&) = delete;
  FanOut& operator=(const FanOut&) = delete;

  /// Session strand: a slot (not yet fast) in the group of (`codec`, `every`);
  /// takes `fd` (a dup of the socket). Null when there is no broadcaster.
  FanOutSlotPtr join(stream::Codec codec, std::size_t every, int fd,
                     std::function<void()> handback);
  /// Session strand: the slot stops receiving and leaves its group.
  void leave(const FanOutSlotPtr& slot);
  /// Session strand: gives the socket to the fan-out; `next` is the first
  /// sequence the listener has not been sent (the start of a batch).
  static void handOver(FanOutSlot& slot, std::uint64_t next);
  /// Session strand: takes the socket back (waits for a send in progress).
  static FanOutReclaim reclaim(FanOutSlot& slot);
  /// Any thread: whether the sends go through io_uring, and if not, why not.
  bool usesIoUring() const { return batch_.usesIoUring(); }
  std::string ioUringFallbackReason() const { return batch_.fallbackReason(); }

  /// What became of a text message offered to a socket the fan-out owns.
  enum class TextSend : std::uint8_t {
    Sent,     // written whole: the socket stays with the fan-out
    NotSent,  // not the fan-out's now, or the socket is full: nothing was written
    Partial,  // a part was written: the rest is the slot's pending message
    Failed,   // the peer is gone (the slot is marked failed)
  };
  /// Session strand: writes one text message (`text` is its payload) to a socket
  /// the fan-out owns, between its batches, so a listener that keeps up also gets
  /// its events without taking the socket back. Sends only when no audio message
  /// is half-sent; on Partial or Failed the slot stops being fast and the session
  /// takes the socket back (reclaim) to finish or drop it.
  TextSend sendText(FanOutSlot& slot, const std::string& text);

  /// Any thread: counters for benchmarks and tests.
  std::uint64_t passes() const { return passes_.load(std::memory_order_relaxed); }
  std::uint64_t sends() const { return sends_.load(std::memory_order_relaxed); }
  std::uint64_t handbacks() const { return handbacks_.load(std::memory_order_relaxed); }
  std::uint64_t textSends() const { return textSends_.load(std::memory_order_relaxed); }

 private:
  struct Group;
  using SlotList = std::vector<FanOutSlotPtr>;
  /// Fan-out strand: sends every whole batch waiting for `group`.
  void pass(Group& group);
  void subscribeGroup(const std::shared_ptr<Group>& group);

  stream::Broadcaster* broadcaster_;
  SocketBatch batch_;             // the fan-out strand sends through it
  std::vector<ssize_t> results_;  // fan-out strand
  WireCache& wire_;
  SendStats& sent_;
  Post post_;
  std::mutex mutex_;  // groups_ and each group's slot list (copy-on-write)
  std::map<std::pair<stream::Codec, std::size_t>, std::shared_ptr<Group>> groups_;
  std::atomic<std::uint64_t> passes_{0};
  std::atomic<std::uint64_t> sends_{0};
  std::atomic<std::uint64_t> handbacks_{0};
  std::atomic<std::uint64_t> textSends_{0};
};

}  // namespace auralis::net
