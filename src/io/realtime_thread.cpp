#include "io/realtime_thread.hpp"

#include <pthread.h>
#include <sched.h>

namespace auralis::io {

bool requestRealtimePriority(int priority) noexcept {
  sched_param param{};
  param.sched_priority = priority;
  return pthread_setschedparam(pthread_self(), SCHED_FIFO, &param) == 0;
}

}  // namespace auralis::io
