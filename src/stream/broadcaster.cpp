#include "stream/broadcaster.hpp"

#include <algorithm>
#include <cmath>

#include "stream/opus_encoder.hpp"
#include "stream/pcm16_encoder.hpp"

namespace auralis::stream {

// One codec's recent-frames window: a ring indexed by sequence number.
struct CodecStream {
  bool enabled = false;
  double frameSeconds = 0.1;
  std::uint32_t sampleRate = 48000;
  std::uint8_t channels = 2;
  Codec codec = Codec::Pcm16;
  mutable std::mutex mutex;    // guards ring, nextSeq and subscriber cursors
  std::vector<FramePtr> ring;  // ring[seq % size]
  std::uint64_t nextSeq = 1;
  std::vector<std::weak_ptr<AudioSubscriber>> subscribers;  // guarded by Impl::subsMutex
  // Detached subscribers (someone else delivers to them): kept out of the list
  // feed() walks for every frame. Guarded by Impl::subsMutex.
  std::vector<std::weak_ptr<AudioSubscriber>> parked;

  std::uint64_t oldestSeq() const {
    const auto cap = static_cast<std::uint64_t>(ring.size());
    return nextSeq > cap ? nextSeq - cap : 1;
  }
};

struct Broadcaster::Impl {
  CodecStream pcm;
  CodecStream opus;
  std::unique_ptr<Pcm16Encoder> pcmEncoder;
  std::unique_ptr<OpusEncoder> opusEncoder;
  mutable std::mutex subsMutex;

  CodecStream& stream(Codec c) { return c == Codec::Opus ? opus : pcm; }
  const CodecStream& stream(Codec c) const { return c == Codec::Opus ? opus : pcm; }
};

namespace {

void append(CodecStream& s, std::span<const std::uint8_t> payload, std::int64_t first, int frames) {
  FrameHeader h;
  h.codec = s.codec;
  h.channels = s.channels;
  h.sampleRate = s.sampleRate;
  h.samplePosition = static_cast<std::uint64_t>(std::max<std::int64_t>(first, 0));
  // Only this (the single producer) writes nextSeq, so reading it unlocked is
  // safe; the frame is built (allocated) outside the lock and only the pointer
  // store happens under it. The old frame is released after unlocking.
  h.sequence = s.nextSeq;
  FramePtr frame = makeFrame(h, frames, payload);
  {
    std::lock_guard lock(s.mutex);
    s.ring[s.nextSeq % s.ring.size()].swap(frame);
    ++s.nextSeq;
  }
}

}  // namespace

Broadcaster::Broadcaster(const BroadcasterConfig& config)
    : config_(config), impl_(std::make_unique<Impl>()) {}

Broadcaster::~Broadcaster() = default;

Result<std::unique_ptr<Broadcaster>> Broadcaster::create(const BroadcasterConfig& config) {
  if (config.sampleRate <= 0 || config.channels <= 0 || config.channels > 8) {
    return makeError("invalid_param", "broadcaster needs a positive rate and 1-8 channels");
  }
  std::unique_ptr<Broadcaster> b(new Broadcaster(config));
  Impl& im = *b->impl_;
  auto setup = [&](CodecStream& s, Codec codec, double frameSeconds) {
    s.enabled = true;
    s.codec = codec;
    s.frameSeconds = frameSeconds;
    s.sampleRate = static_cast<std::uint32_t>(config.sampleRate);
    s.channels = static_cast<std::uint8_t>(config.channels);
    const auto n = static_cast<std::size_t>(std::ceil(config.windowSeconds / frameSeconds));
    s.ring.resize(std::max<std::size_t>(n, 2));
  };
  if (config.pcm16) {
    im.pcmEncoder = std::make_unique<Pcm16Encoder>(config.sampleRate, config.channels);
    setup(im.pcm, Codec::Pcm16,
          static_cast<double>(im.pcmEncoder->chunkFrames()) / config.sampleRate);
  }
  if (config.opus) {
    auto enc = OpusEncoder::create(config.sampleRate, config.channels, config.opusBitrate);
    if (!enc.ok()) return enc.error();
    im.opusEncoder = std::move(enc).value();
    setup(im.opus, Codec::Opus,
          static_cast<double>(im.opusEncoder->chunkFrames()) / config.sampleRate);
  }
  return b;
}

void Broadcaster::feed(const float* interleaved, int frames, std::int64_t samplePos) {
  Impl& im = *impl_;
  bool pcmNew = false;
  bool opusNew = false;
  // Timed per push; a push that completes chunks is almost all encoding (the
  // rest is a copy into the chunker), so its time is the chunks' encode time.
  using EncodeClock = std::chrono::steady_clock;
  if (im.pcmEncoder) {
    int chunks = 0;
    const auto t0 = EncodeClock::now();
    im.pcmEncoder->push(interleaved, frames, samplePos,
                        [&](std::span<const std::uint8_t> p, std::int64_t first, int n) {
                          append(im.pcm, p, first, n);
                          pcmNew = true;
                          ++chunks;
                        });
    pcmEncodeStats_.record(EncodeClock::now() - t0, chunks);
  }
  if (im.opusEncoder) {
    int chunks = 0;
    const auto t0 = EncodeClock::now();
    im.opusEncoder->push(interleaved, frames, samplePos,
                         [&](std::span<const std::uint8_t> p, std::int64_t first, int n) {
                           append(im.opus, p, first, n);
                           opusNew = true;
                           ++chunks;
                         });
    opusEncodeStats_.record(EncodeClock::now() - t0, chunks);
  }
  if (!pcmNew && !opusNew) return;
  // Copy the subscriber list under the lock, notify outside it. Only the single
  // producer writes nextSeq, so reading it unlocked here is safe.
  std::vector<std::shared_ptr<AudioSubscriber>>& notify = notify_;
  notify.clear();
  {
    std::lock_guard lock(im.subsMutex);
    for (CodecStream* s : {&im.pcm, &im.opus}) {
      const bool fresh = (s == &im.pcm) ? pcmNew : opusNew;
      const std::uint64_t newest = s->nextSeq - 1;
      auto out = s->subscribers.begin();
      for (auto& weak : s->subscribers) {
        auto sub = weak.lock();
        if (!sub) continue;
        if (fresh && !sub->closed() && sub->onFrame_ &&
            !sub->detached_.load(std::memory_order_acquire) &&
            newest >= sub->wakeAt_.load(std::memory_order_acquire) &&
            !sub->wakePending_.exchange(true, std::memory_order_acq_rel)) {
          notify.push_back(std::move(sub));
        }
        if (&*out != &weak) *out = std::move(weak);
        ++out;
      }
      s->subscribers.erase(out, s->subscribers.end());
    }
  }
  for (const auto& sub : notify) sub->onFrame_();
  notify.clear();  // the last references may go here, outside every lock
}

int Broadcaster::framesToNextFrame() const {
  const Impl& im = *impl_;
  int frames = 0;
  auto fold = [&frames](int n) { frames = frames == 0 ? n : std::min(frames, n); };
  if (im.pcmEncoder) fold(im.pcmEncoder->framesToChunk());
  if (im.opusEncoder) fold(im.opusEncoder->framesToChunk());
  return frames;
}

std::shared_ptr<AudioSubscriber> Broadcaster::subscribe(Codec codec,
                                                        std::optional<std::uint64_t> resumeAfter,
                                                        std::function<void()> onFrame) {
  CodecStream& s = impl_->stream(codec);
  if (!s.enabled) return nullptr;
  std::shared_ptr<AudioSubscriber> sub(new AudioSubscriber(*this, codec, std::move(onFrame)));
  {
    std::lock_guard lock(s.mutex);
    sub->cursor_ = s.nextSeq;  // live edge: the next frame produced
    if (resumeAfter) {
      const std::uint64_t want = *resumeAfter + 1;
      if (want >= s.oldestSeq() && want <= s.nextSeq) {
        sub->cursor_ = want;
        sub->resume_ = ResumeOutcome::Resumed;
      } else {
        sub->resume_ = ResumeOutcome::Live;
      }
    }
    sub->firstSequence_ = sub->cursor_;
  }
  std::lock_guard lock(impl_->subsMutex);
  s.subscribers.push_back(sub);
  return sub;
}

std::size_t AudioSubscriber::pull(std::vector<FramePtr>& out, std::size_t max,
                                  Clock::time_point now) {
  if (closed()) return 0;
  // Cleared before reading: a frame appended after this point wakes us again.
  wakePending_.store(false, std::memory_order_release);
  CodecStream& s = owner_.impl_->stream(codec_);
  const BroadcasterConfig& cfg = owner_.config_;
  bool skipped = false;
  std::size_t n = 0;
  {
    std::lock_guard lock(s.mutex);
    const double behind = static_cast<double>(s.nextSeq - cursor_) * s.frameSeconds;
    if (cursor_ < s.oldestSeq() || behind > cfg.skipBehindSeconds) {
      cursor_ = s.nextSeq;
      skipped = true;
    }
    while (n < max && cursor_ < s.nextSeq) {
      out.push_back(s.ring[cursor_ % s.ring.size()]);
      ++cursor_;
      ++n;
    }
    // The next wake-up: the first sequence at or after the cursor that is a
    // multiple of `every`. Aligning every batched subscriber to the same frames
    // wakes the network threads once per batch period, not once per frame.
    const auto every = static_cast<std::uint64_t>(wakeEvery_.load(std::memory_order_relaxed));
    wakeAt_.store((cursor_ + every - 1) / every * every, std::memory_order_release);
  }
  if (skipped) {
    skips_.fetch_add(1, std::memory_order_relaxed);
    owner_.skips_.fetch_add(1, std::memory_order_relaxed);
    const auto window = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(cfg.closeWindowSeconds));
    std::erase_if(recentSkips_, [&](Clock::time_point t) { return now - t > window; });
    recentSkips_.push_back(now);
    if (static_cast<int>(recentSkips_.size()) >= cfg.maxSkipsInWindow) {
      closed_.store(true, std::memory_order_release);
      owner_.closes_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  return n;
}

void AudioSubscriber::setWakeEvery(int frames) {
  wakeEvery_.store(std::max(frames, 1), std::memory_order_relaxed);
  // Takes effect from the next pull(); until then the current threshold holds.
}

std::optional<std::uint64_t> AudioSubscriber::detachAtLiveEdge(std::uint64_t every) {
  if (closed() || every == 0) return std::nullopt;
  CodecStream& s = owner_.impl_->stream(codec_);
  std::uint64_t next = 0;
  {
    std::lock_guard lock(s.mutex);
    if (cursor_ != s.nextSeq || (cursor_ - 1) % every != 0) return std::nullopt;
    detached_.store(true, std::memory_order_release);
    next = cursor_;
  }
  owner_.park(*this, true);
  return next;
}

void AudioSubscriber::reattach(std::uint64_t next) {
  CodecStream& s = owner_.impl_->stream(codec_);
  {
    std::lock_guard lock(s.mutex);
    cursor_ = next;
    const auto every = static_cast<std::uint64_t>(wakeEvery_.load(std::memory_order_relaxed));
    wakeAt_.store((cursor_ + every - 1) / every * every, std::memory_order_release);
  }
  wakePending_.store(false, std::memory_order_release);
  detached_.store(false, std::memory_order_release);
  owner_.park(*this, false);
}

// Only subsMutex guards the lists (never taken while holding a stream's mutex
// the other way round). Linear in the subscribers, but it runs once per hand-over,
// not per frame.
void Broadcaster::park(AudioSubscriber& sub, bool parked) {
  CodecStream& s = impl_->stream(sub.codec_);
  std::lock_guard lock(impl_->subsMutex);
  auto& from = parked ? s.subscribers : s.parked;
  auto& to = parked ? s.parked : s.subscribers;
  for (auto it = from.begin(); it != from.end(); ++it) {
    if (auto p = it->lock(); p.get() == &sub) {
      to.push_back(std::move(*it));
      from.erase(it);
      break;
    }
  }
  std::erase_if(s.parked, [](const auto& w) { return w.expired(); });
}

bool Broadcaster::hasCodec(Codec codec) const {
  return impl_->stream(codec).enabled;
}

double Broadcaster::frameSeconds(Codec codec) const {
  const CodecStream& s = impl_->stream(codec);
  return s.enabled ? s.frameSeconds : 0.0;
}

std::uint64_t Broadcaster::latestSequence(Codec codec) const {
  const CodecStream& s = impl_->stream(codec);
  std::lock_guard lock(s.mutex);
  return s.nextSeq - 1;
}

std::size_t Broadcaster::subscriberCount() const {
  std::lock_guard lock(impl_->subsMutex);
  std::size_t n = 0;
  for (const CodecStream* s : {&impl_->pcm, &impl_->opus}) {
    for (const auto& w : s->subscribers) n += w.expired() ? 0 : 1;
    for (const auto& w : s->parked) n += w.expired() ? 0 : 1;
  }
  return n;
}

}  // namespace auralis::stream
