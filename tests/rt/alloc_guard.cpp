// Replaces the allocation functions for the test process (see alloc_guard.hpp).
// glibc exports its real allocator as __libc_*; we forward to it after noting
// any call made inside the audio callback.
#include "alloc_guard.hpp"

#include <dlfcn.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>

#include "core/rt_guard.hpp"

extern "C" {
void* __libc_malloc(std::size_t);
void __libc_free(void*);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
}

namespace {

constexpr int kMaxSites = 16;
std::atomic<std::uint64_t> gViolations{0};
std::array<std::atomic<void*>, kMaxSites> gSites{};

inline void check(void* caller) noexcept {
  if (!auralis::rt::inAudioCallback()) return;
  const auto n = gViolations.fetch_add(1, std::memory_order_relaxed);
  if (n < kMaxSites) gSites[n].store(caller, std::memory_order_relaxed);
}

}  // namespace

namespace auralis::rt_test {

bool guardActive() { return true; }
void resetGuard() {
  gViolations.store(0);
  for (auto& s : gSites) s.store(nullptr);
}
std::uint64_t audioThreadAllocations() { return gViolations.load(); }
std::string describeViolations() {
  std::string out;
  const auto n = std::min<std::uint64_t>(gViolations.load(), kMaxSites);
  for (std::uint64_t i = 0; i < n; ++i) {
    void* site = gSites[i].load();
    Dl_info info{};
    char line[512];
    if (site != nullptr && dladdr(site, &info) != 0 && info.dli_sname != nullptr)
      std::snprintf(line, sizeof line, "  allocation on the audio thread at %p in %s\n", site, info.dli_sname);
    else
      std::snprintf(line, sizeof line, "  allocation on the audio thread at %p (addr2line -Cfe <test binary>)\n", site);
    out += line;
  }
  return out;
}

}  // namespace auralis::rt_test

extern "C" {

void* malloc(std::size_t n) {
  check(__builtin_return_address(0));
  return __libc_malloc(n);
}
void free(void* p) {
  if (p != nullptr) check(__builtin_return_address(0));
  __libc_free(p);
}
void* calloc(std::size_t n, std::size_t size) {
  check(__builtin_return_address(0));
  return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t n) {
  check(__builtin_return_address(0));
  return __libc_realloc(p, n);
}
void* aligned_alloc(std::size_t alignment, std::size_t n) {
  check(__builtin_return_address(0));
  return __libc_memalign(alignment, n);
}
void* memalign(std::size_t alignment, std::size_t n) {
  check(__builtin_return_address(0));
  return __libc_memalign(alignment, n);
}
int posix_memalign(void** out, std::size_t alignment, std::size_t n) {
  check(__builtin_return_address(0));
  void* p = __libc_memalign(alignment, n);
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}

}  // extern "C"

// operator new/delete record their own caller (the real call site) and go
// straight to glibc, so each allocation is counted once.
namespace {
void* allocate(std::size_t n, void* caller) {
  check(caller);
  if (void* p = __libc_malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* allocateAligned(std::size_t n, std::align_val_t a, void* caller) {
  check(caller);
  if (void* p = __libc_memalign(static_cast<std::size_t>(a), n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void release(void* p, void* caller) noexcept {
  if (p == nullptr) return;
  check(caller);
  __libc_free(p);
}
}  // namespace

void* operator new(std::size_t n) { return allocate(n, __builtin_return_address(0)); }
void* operator new[](std::size_t n) { return allocate(n, __builtin_return_address(0)); }
void* operator new(std::size_t n, std::align_val_t a) { return allocateAligned(n, a, __builtin_return_address(0)); }
void* operator new[](std::size_t n, std::align_val_t a) { return allocateAligned(n, a, __builtin_return_address(0)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  check(__builtin_return_address(0));
  return __libc_malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  check(__builtin_return_address(0));
  return __libc_malloc(n == 0 ? 1 : n);
}
void operator delete(void* p) noexcept { release(p, __builtin_return_address(0)); }
void operator delete[](void* p) noexcept { release(p, __builtin_return_address(0)); }
void operator delete(void* p, std::size_t) noexcept { release(p, __builtin_return_address(0)); }
void operator delete[](void* p, std::size_t) noexcept { release(p, __builtin_return_address(0)); }
void operator delete(void* p, std::align_val_t) noexcept { release(p, __builtin_return_address(0)); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p, __builtin_return_address(0)); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p, __builtin_return_address(0)); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p, __builtin_return_address(0)); }
