// Sanitizer builds: the allocation hooks are absent (ASan/TSan own the
// allocator; RealtimeSanitizer checks the render path itself).
#include "alloc_guard.hpp"

namespace auralis::rt_test {
bool guardActive() { return false; }
void resetGuard() {}
std::uint64_t audioThreadAllocations() { return 0; }
std::string describeViolations() { return {}; }
}  // namespace auralis::rt_test
