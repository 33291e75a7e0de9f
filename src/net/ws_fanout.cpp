#include "net/ws_fanout.hpp"

#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <span>

namespace auralis::net {

namespace {
// Frames pulled per step of a pass; a pass loops while more are waiting (a
// starved io thread catches up several batches in one task).
constexpr std::size_t kPullFrames = 256;

// Waits, with `lock` (the slot's mutex) released, until the pass has the result
// of the slot's queued send: only then may anyone else write to the socket.
void waitUntilNotSending(FanOutSlot& slot, std::unique_lock<std::mutex>& lock) {
  while (slot.sending.load(std::memory_order_acquire) != 0) {
    lock.unlock();
    slot.sending.wait(1, std::memory_order_acquire);
    lock.lock();
  }
}
}  // namespace

FanOutSlot::FanOutSlot(int fdIn, stream::Codec c, std::size_t e, std::function<void()> h)
    : fd(fdIn), codec(c), every(e), handback(std::move(h)) {}

FanOutSlot::~FanOutSlot() {
  if (fd >= 0) ::close(fd);
}

// One (codec, frames per message) group: its own Broadcaster subscriber wakes
// the fan-out strand once per batch.
struct FanOut::Group : std::enable_shared_from_this<FanOut::Group> {
  stream::Codec codec;
  std::size_t every;
  std::shared_ptr<stream::AudioSubscriber> sub;                                // mutex_
  std::shared_ptr<const SlotList> slots = std::make_shared<const SlotList>();  // mutex_
  std::vector<stream::FramePtr> pulled;                                        // fan-out strand
  std::vector<FanOutSlot*> handback;                                           // fan-out strand
  std::vector<FanOutSlot*> queued;  // fan-out strand: the chunk being sent
};

FanOut::FanOut(stream::Broadcaster* broadcaster, WireCache& wire, SendStats& sent, Post post,
               SocketBatch::Backend sender)
    : broadcaster_(broadcaster), batch_(sender), wire_(wire), sent_(sent), post_(std::move(post)) {}

FanOut::~FanOut() = default;

// mutex_ held.
void FanOut::subscribeGroup(const std::shared_ptr<Group>& group) {
  std::weak_ptr<Group> weak = group;
  group->sub = broadcaster_->subscribe(group->codec, std::nullopt, [this, weak] {
    post_([this, weak] {
      if (auto g = weak.lock()) pass(*g);
    });
  });
  if (group->sub) group->sub->setWakeEvery(static_cast<int>(group->every));
}

FanOutSlotPtr FanOut::join(stream::Codec codec, std::size_t every, int fd,
                           std::function<void()> handback) {
  if (broadcaster_ == nullptr || fd < 0) {
    if (fd >= 0) ::close(fd);
    return nullptr;
  }
  auto slot = std::make_shared<FanOutSlot>(fd, codec, every, std::move(handback));
  slot->target = batch_.registerSocket(fd);  // no other thread knows the slot yet
  std::lock_guard lock(mutex_);
  auto& group = groups_[{codec, every}];
  if (!group) {
    group = std::make_shared<Group>();
    group->codec = codec;
    group->every = every;
    subscribeGroup(group);
  }
  // Copy-on-write: a pass walks its snapshot without holding the lock.
  auto next = std::make_shared<SlotList>(*group->slots);
  next->push_back(slot);
  group->slots = std::move(next);
  return slot;
}

void FanOut::leave(const FanOutSlotPtr& slot) {
  if (!slot) return;
  {
    std::unique_lock lock(slot->mutex);
    slot->dead = true;
    slot->fast = false;
    // Only once no chunk holds the slot's fixed-file index may it go back to
    // the table (another listener gets it next).
    waitUntilNotSending(*slot, lock);
    slot->pending.reset();
    batch_.unregisterSocket(slot->target);
  }
  std::lock_guard lock(mutex_);
  auto it = groups_.find({slot->codec, slot->every});
  if (it == groups_.end()) return;
  auto next = std::make_shared<SlotList>(*it->second->slots);
  std::erase(*next, slot);
  it->second->slots = std::move(next);
}

void FanOut::handOver(FanOutSlot& slot, std::uint64_t next) {
  std::lock_guard lock(slot.mutex);
  if (slot.dead) return;
  slot.fast = true;
  slot.failed = false;
  slot.next = next;
  slot.pending.reset();
  slot.pendingOffset = 0;
}

FanOutReclaim FanOut::reclaim(FanOutSlot& slot) {
  FanOutReclaim r;
  std::unique_lock lock(slot.mutex);
  r.wasFast = slot.fast;
  slot.fast = false;  // the pass queues it no more; a send already queued ends first
  waitUntilNotSending(slot, lock);
  r.failed = slot.failed;
  r.next = slot.next;
  r.pending = std::move(slot.pending);
  r.pendingOffset = slot.pendingOffset;
  slot.fast = false;
  slot.failed = false;
  slot.pending.reset();
  slot.pendingOffset = 0;
  return r;
}

FanOut::TextSend FanOut::sendText(FanOutSlot& slot, const std::string& text) {
  std::array<std::uint8_t, 10> header{};
  const std::size_t h = writeTextFrameHeader(text.size(), header);
  std::unique_lock lock(slot.mutex);
  waitUntilNotSending(slot, lock);
  if (!slot.fast || slot.dead || slot.pending) return TextSend::NotSent;
  iovec parts[2] = {{header.data(), h}, {const_cast<char*>(text.data()), text.size()}};
  msghdr msg{};
  msg.msg_iov = parts;
  msg.msg_iovlen = 2;
  const ssize_t sent = ::sendmsg(slot.fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
  if (sent == static_cast<ssize_t>(h + text.size())) {
    textSends_.fetch_add(1, std::memory_order_relaxed);
    return TextSend::Sent;
  }
  if (sent < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return TextSend::NotSent;
    slot.failed = true;
    slot.fast = false;
    return TextSend::Failed;
  }
  // Part of the frame is on the wire: the rest must follow before anything else,
  // so it becomes the pending message the session finishes on reclaim.
  auto rest = std::make_shared<WireMessage>();
  rest->bytes.assign(header.begin(), header.begin() + static_cast<std::ptrdiff_t>(h));
  rest->bytes.insert(rest->bytes.end(), text.begin(), text.end());
  rest->payloadBytes = text.size();
  slot.pending = std::move(rest);
  slot.pendingOffset = static_cast<std::size_t>(sent);
  slot.fast = false;
  return TextSend::Partial;
}

void FanOut::pass(Group& g) {
  passes_.fetch_add(1, std::memory_order_relaxed);
  std::shared_ptr<const SlotList> slots;
  std::shared_ptr<stream::AudioSubscriber> sub;
  {
    std::lock_guard lock(mutex_);
    slots = g.slots;
    sub = g.sub;
  }
  std::uint64_t bytes = 0;
  std::uint64_t frames = 0;
  std::uint64_t sends = 0;
  for (;;) {
    g.pulled.clear();
    const std::size_t n = sub ? sub->pull(g.pulled, kPullFrames) : 0;
    if (sub && sub->closed()) {
      // The fan-out itself fell behind (a starved machine) and skipped until the
      // Broadcaster closed it: rejoin live. Its fast listeners see a gap at the
      // next batch and are handed back; they skip on their own.
      std::lock_guard lock(mutex_);
      subscribeGroup(g.shared_from_this());
      sub = g.sub;
    }
    std::size_t i = 0;
    while (i < n) {
      // Messages end on a frame whose sequence is a multiple of `every`, the
      // same boundaries every session uses, so the cache shares one buffer.
      const std::uint64_t first = g.pulled[i]->header.sequence;
      const std::uint64_t end = (first + g.every - 1) / g.every * g.every;  // inclusive
      const std::size_t count = std::min<std::size_t>(n - i, end - first + 1);
      const WireMessagePtr msg =
          wire_.get(std::span<const stream::FramePtr>(g.pulled.data() + i, count));
      i += count;
      g.handback.clear();
      for (std::size_t at = 0; at < slots->size();) {
        // Queue a chunk of the listeners that need this message, send it, then
        // apply each result: a slot is `sending` only for its own chunk.
        g.queued.clear();
        for (; at < slots->size() && g.queued.size() < SocketBatch::kChunk; ++at) {
          FanOutSlot& s = *(*slots)[at];
          std::lock_guard lock(s.mutex);
          if (!s.fast || s.next > msg->firstSequence) continue;
          if (s.next < msg->firstSequence) {
            s.fast = false;  // it missed a batch: the session catches up from the window
            g.handback.push_back(&s);
            continue;
          }
          s.sending.store(1, std::memory_order_relaxed);
          batch_.add(s.target, msg->bytes.data(), msg->bytes.size());
          g.queued.push_back(&s);
        }
        if (g.queued.empty()) continue;
        batch_.run(results_);
        for (std::size_t k = 0; k < g.queued.size(); ++k) {
          FanOutSlot& s = *g.queued[k];
          const ssize_t sent = results_[k];
          bool handBack = false;
          {
            std::lock_guard lock(s.mutex);
            if (sent == static_cast<ssize_t>(msg->bytes.size())) {
              s.next += msg->frames;
              bytes += msg->payloadBytes;
              frames += msg->frames;
              ++sends;
            } else {
              // A reclaim may have cleared `fast` meanwhile; the cursor is
              // still this pass's to set, and the reclaim reads it after.
              handBack = s.fast;
              s.fast = false;
              if (sent < 0 && sent != -EAGAIN && sent != -EWOULDBLOCK && sent != -EINTR) {
                s.failed = true;
              } else {
                s.pending = msg;  // the rest goes out on the session's async path
                s.pendingOffset = sent > 0 ? static_cast<std::size_t>(sent) : 0;
                s.next += msg->frames;
              }
            }
            s.sending.store(0, std::memory_order_release);
          }
          s.sending.notify_all();
          if (handBack) g.handback.push_back(&s);
        }
      }
      // Outside the slot locks; `slots` keeps every slot alive.
      for (FanOutSlot* s : g.handback) s->handback();
      handbacks_.fetch_add(g.handback.size(), std::memory_order_relaxed);
    }
    if (n < kPullFrames) break;
  }
  g.pulled.clear();
  sends_.fetch_add(sends, std::memory_order_relaxed);
  sent_.bytes.fetch_add(bytes, std::memory_order_relaxed);
  auto& counter = g.codec == stream::Codec::Opus ? sent_.opusFrames : sent_.pcm16Frames;
  counter.fetch_add(frames, std::memory_order_relaxed);
}

}  // namespace auralis::net
