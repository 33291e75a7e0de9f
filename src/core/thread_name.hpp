// Names the calling thread, so `top -H`, /proc/PID/task/*/comm, debuggers and
// the fault tests can tell Auralis's threads apart. Linux keeps 15 characters.
#pragma once

#include <pthread.h>

#include <string>

namespace auralis::core {

inline void nameThisThread(const std::string& name) {
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace auralis::core
