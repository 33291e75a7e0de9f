// The allocation guard's view for tests. In a build without sanitizers,
// alloc_guard.cpp replaces malloc/free/new/delete for the whole test process;
// every call made while the current thread is inside the audio callback
// (core/rt_guard.hpp) is counted with its call site. Under sanitizers the hooks
// are absent (they would fight the sanitizer's own allocator) and
// guardActive() is false; the RealtimeSanitizer build checks instead.
#pragma once

#include <cstdint>
#include <string>

namespace auralis::rt_test {

bool guardActive();
void resetGuard();
/// Allocations and frees seen on audio threads since the last reset.
std::uint64_t audioThreadAllocations();
/// Up to the first few call sites, symbolized where possible.
std::string describeViolations();

}  // namespace auralis::rt_test
