// Asks the kernel for SCHED_FIFO on the calling thread and reports whether it
// was granted (it is not, without CAP_SYS_NICE or an rtprio limit).
#pragma once

namespace auralis::io {

bool requestRealtimePriority(int priority = 70) noexcept;

}  // namespace auralis::io
