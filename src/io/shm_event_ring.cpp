#include "io/shm_event_ring.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <new>

namespace auralis::io {

namespace {

constexpr std::size_t kHeaderBytes = 128;
constexpr std::size_t kSlotBytes = 32;

struct Slot {
  std::atomic<std::uint64_t> word[4];
};
static_assert(sizeof(Slot) == kSlotBytes);
static_assert(std::atomic<std::uint64_t>::is_always_lock_free,
              "shared-memory atomics must be lock-free (address-free)");

struct Header {
  char magic[8];
  std::uint32_t version;
  std::uint32_t slotBytes;
  std::uint64_t capacity;
  double sampleRate;
  std::int64_t writerPid;
  std::int64_t startedNs;
  std::atomic<std::uint64_t> nextSequence;
  std::atomic<std::int64_t> playhead;
};
static_assert(sizeof(Header) <= kHeaderBytes);

std::uint64_t floatBits(float f) {
  return std::bit_cast<std::uint32_t>(f);
}
float bitsFloat(std::uint64_t w) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(w));
}

bool pidAlive(std::int64_t pid) {
  if (pid <= 0) return false;
  return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

Error sysError(const std::string& what, const std::string& name) {
  return makeError("io_error", what + " " + name + ": " + std::strerror(errno), "events.shm_name");
}

}  // namespace

struct ShmEventWriter::Layout {
  Header& header() { return *reinterpret_cast<Header*>(this); }
  const Header& header() const { return *reinterpret_cast<const Header*>(this); }
  Slot& slot(std::size_t i) {
    return reinterpret_cast<Slot*>(reinterpret_cast<char*>(this) + kHeaderBytes)[i];
  }
  const Slot& slot(std::size_t i) const {
    return reinterpret_cast<const Slot*>(reinterpret_cast<const char*>(this) + kHeaderBytes)[i];
  }
};

Result<std::unique_ptr<ShmEventWriter>> ShmEventWriter::create(const std::string& name,
                                                               std::size_t capacity,
                                                               double sampleRate) {
  if (name.size() < 2 || name[0] != '/' || name.find('/', 1) != std::string::npos ||
      name.size() > 200)
    return makeError(
        "invalid_config",
        "events.shm_name '" + name + "' must be one '/' followed by a name, e.g. /auralis-events",
        "events.shm_name");
  if (capacity < 16 || capacity > (std::size_t{1} << 24) || !std::has_single_bit(capacity))
    return makeError("invalid_config", "events.capacity must be a power of two in [16, 16777216]",
                     "events.capacity");
  const std::size_t bytes = kHeaderBytes + capacity * kSlotBytes;
  int fd = -1;
  for (int attempt = 0; attempt < 2 && fd < 0; ++attempt) {
    fd = shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0 || errno != EEXIST) break;
    // Someone's segment: refuse a live writer's, replace a dead one's.
    auto existing = ShmEventReader::open(name, ShmEventReader::Start::Latest);
    if (existing && existing.value()->writerAlive())
      return makeError("busy", "shared-memory segment " + name + " belongs to a running writer",
                       "events.shm_name");
    shm_unlink(name.c_str());
  }
  if (fd < 0) return sysError("cannot create shared memory", name);
  if (ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
    auto e = sysError("cannot size shared memory", name);
    close(fd);
    shm_unlink(name.c_str());
    return e;
  }
  void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (mem == MAP_FAILED) {
    auto e = sysError("cannot map shared memory", name);
    shm_unlink(name.c_str());
    return e;
  }
  // ftruncate zero-fills: every slot stamp starts at 0 ("never written").
  auto* header = new (mem) Header{};
  header->version = kRingVersion;
  header->slotBytes = kSlotBytes;
  header->capacity = capacity;
  header->sampleRate = sampleRate;
  header->writerPid = getpid();
  header->startedNs = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  for (std::size_t i = 0; i < capacity; ++i) new (&static_cast<Layout*>(mem)->slot(i)) Slot{};
  // The magic goes last: a reader that maps the segment mid-initialisation
  // sees no magic and refuses, instead of reading half-set fields.
  std::atomic_thread_fence(std::memory_order_release);
  std::memcpy(header->magic, kRingMagic, sizeof kRingMagic);
  return std::unique_ptr<ShmEventWriter>(
      new ShmEventWriter(name, static_cast<Layout*>(mem), bytes, capacity));
}

ShmEventWriter::ShmEventWriter(std::string name, Layout* layout, std::size_t bytes,
                               std::size_t capacity)
    : name_(std::move(name)), layout_(layout), bytes_(bytes), capacity_(capacity) {}

ShmEventWriter::~ShmEventWriter() {
  munmap(layout_, bytes_);
  shm_unlink(name_.c_str());
}

std::uint64_t ShmEventWriter::publish(RingEvent e) noexcept {
  Header& h = layout_->header();
  const std::uint64_t n = h.nextSequence.load(std::memory_order_relaxed);  // single writer
  Slot& s = layout_->slot(n & (capacity_ - 1));
  s.word[0].store(2 * n + 1, std::memory_order_relaxed);
  // Orders the odd ("being written") stamp before the payload, so a reader
  // that sees any new payload word also sees the stamp change.
  std::atomic_thread_fence(std::memory_order_release);
  s.word[1].store(static_cast<std::uint64_t>(e.sample), std::memory_order_relaxed);
  s.word[2].store(std::uint64_t{static_cast<std::uint8_t>(e.type)} |
                      (std::uint64_t{e.source} << 8) | (std::uint64_t{e.pitch} << 16) |
                      (std::uint64_t{e.velocity} << 24) | (floatBits(e.params[0]) << 32),
                  std::memory_order_relaxed);
  s.word[3].store(floatBits(e.params[1]) | (floatBits(e.params[2]) << 32),
                  std::memory_order_relaxed);
  s.word[0].store(2 * n + 2, std::memory_order_release);
  h.nextSequence.store(n + 1, std::memory_order_release);
  return n;
}

void ShmEventWriter::setPlayhead(std::int64_t sample) noexcept {
  layout_->header().playhead.store(sample, std::memory_order_release);
}

std::uint64_t ShmEventWriter::published() const noexcept {
  return layout_->header().nextSequence.load(std::memory_order_acquire);
}

Result<std::unique_ptr<ShmEventReader>> ShmEventReader::open(const std::string& name, Start start) {
  const int fd = shm_open(name.c_str(), O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return makeError(
        "not_found",
        "no event ring " + name + " (is `auralis serve` running?): " + std::strerror(errno),
        "events.shm_name");
  struct stat st {};
  if (fstat(fd, &st) != 0 || static_cast<std::size_t>(st.st_size) < kHeaderBytes) {
    close(fd);
    return makeError("bad_format", "event ring " + name + " is too small", "events.shm_name");
  }
  const auto bytes = static_cast<std::size_t>(st.st_size);
  void* mem = mmap(nullptr, bytes, PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (mem == MAP_FAILED) return sysError("cannot map", name);
  const auto* layout = static_cast<const ShmEventWriter::Layout*>(mem);
  const Header& h = layout->header();
  const std::uint64_t cap = h.capacity;
  std::atomic_thread_fence(std::memory_order_acquire);
  if (std::memcmp(h.magic, kRingMagic, sizeof kRingMagic) != 0 || h.version != kRingVersion ||
      h.slotBytes != kSlotBytes || cap < 16 || !std::has_single_bit(cap) ||
      bytes < kHeaderBytes + cap * kSlotBytes) {
    munmap(mem, bytes);
    return makeError("bad_format",
                     "event ring " + name + " has an unknown format (magic, version or size)",
                     "events.shm_name");
  }
  std::unique_ptr<ShmEventReader> r(new ShmEventReader(layout, bytes, cap));
  const std::uint64_t head = h.nextSequence.load(std::memory_order_acquire);
  r->next_ = start == Start::Latest ? head : (head > cap ? head - cap : 0);
  return r;
}

ShmEventReader::ShmEventReader(const ShmEventWriter::Layout* layout, std::size_t bytes,
                               std::size_t capacity)
    : layout_(layout), bytes_(bytes), capacity_(capacity) {}

ShmEventReader::~ShmEventReader() {
  munmap(const_cast<ShmEventWriter::Layout*>(layout_), bytes_);
}

ReadStatus ShmEventReader::next(RingEvent& out) noexcept {
  const Slot& s = layout_->slot(next_ & (capacity_ - 1));
  const std::uint64_t want = 2 * next_ + 2;
  const std::uint64_t before = s.word[0].load(std::memory_order_acquire);
  if (before < want) return ReadStatus::Empty;  // not written yet, or being written
  if (before == want) {
    const std::uint64_t w1 = s.word[1].load(std::memory_order_relaxed);
    const std::uint64_t w2 = s.word[2].load(std::memory_order_relaxed);
    const std::uint64_t w3 = s.word[3].load(std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_acquire);
    if (s.word[0].load(std::memory_order_relaxed) == want) {
      out.sequence = next_;
      out.sample = static_cast<std::int64_t>(w1);
      out.type = static_cast<RingEventType>(w2 & 0xFF);
      out.source = static_cast<std::uint8_t>(w2 >> 8);
      out.pitch = static_cast<std::uint8_t>(w2 >> 16);
      out.velocity = static_cast<std::uint8_t>(w2 >> 24);
      out.params[0] = bitsFloat(w2 >> 32);
      out.params[1] = bitsFloat(w3);
      out.params[2] = bitsFloat(w3 >> 32);
      ++next_;
      return ReadStatus::Event;
    }
  }
  // Overwritten under us: jump to a quarter of the ring past the oldest event
  // still there, so the writer does not lap us again at once.
  const std::uint64_t head = writerSequence();
  const std::uint64_t oldest = head > capacity_ ? head - capacity_ : 0;
  std::uint64_t resume = oldest + capacity_ / 4;
  if (resume > head) resume = head;
  if (resume <= next_) resume = next_ + 1;
  missed_ += resume - next_;
  next_ = resume;
  return ReadStatus::Lapped;
}

std::uint64_t ShmEventReader::writerSequence() const noexcept {
  return layout_->header().nextSequence.load(std::memory_order_acquire);
}

std::int64_t ShmEventReader::playhead() const noexcept {
  return layout_->header().playhead.load(std::memory_order_acquire);
}

double ShmEventReader::sampleRate() const noexcept {
  return layout_->header().sampleRate;
}

bool ShmEventReader::writerAlive() const noexcept {
  return pidAlive(layout_->header().writerPid);
}

const char* ringEventTypeName(RingEventType type) noexcept {
  switch (type) {
    case RingEventType::Note:
      return "note";
    case RingEventType::Chord:
      return "chord";
    case RingEventType::Section:
      return "section";
    case RingEventType::Onset:
      return "onset";
    case RingEventType::Beat:
      return "beat";
    case RingEventType::Tempo:
      return "tempo";
    case RingEventType::Key:
      return "key";
  }
  return "unknown";
}

}  // namespace auralis::io
