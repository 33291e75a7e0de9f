#include "obs/realtime_probe.hpp"

#include <sys/mman.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

namespace auralis::obs {

namespace {

/// CAP_SYS_NICE (bit 23) in the effective set, from /proc/self/status.
bool hasSysNice() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("CapEff:", 0) == 0) {
      const auto caps = std::stoull(line.substr(7), nullptr, 16);
      return ((caps >> 23U) & 1U) != 0;
    }
  }
  return false;
}

std::string refusalReason() {
  rlimit rt{};
  getrlimit(RLIMIT_RTPRIO, &rt);
  if (!hasSysNice() && rt.rlim_cur == 0)
    return "SCHED_FIFO refused: no CAP_SYS_NICE and RLIMIT_RTPRIO is 0 (set LimitRTPRIO= in the "
           "systemd unit, an rtprio line in /etc/security/limits.d, or --ulimit rtprio= in Docker)";
  if (rt.rlim_cur != RLIM_INFINITY && rt.rlim_cur < 70 && !hasSysNice())
    return "SCHED_FIFO refused: RLIMIT_RTPRIO is " + std::to_string(rt.rlim_cur) +
           ", below the priority asked for (70)";
  return "SCHED_FIFO refused by the kernel (a container or cgroup without a real-time budget?)";
}

}  // namespace

RealtimeReport probeRealtime(bool requested, bool granted, bool lockMemory) {
  RealtimeReport r;
  r.granted = granted;
  if (!granted) r.reason = requested ? refusalReason() : "audio.realtime is false";
  if (!lockMemory) {
    r.memoryReason = "not requested";
    return r;
  }
  // MCL_CURRENT only: the render path's memory is all allocated by now
  // (prepare()); MCL_FUTURE would make later allocations fail at the limit.
  if (mlockall(MCL_CURRENT) == 0) {
    r.memoryLocked = true;
  } else {
    rlimit ml{};
    getrlimit(RLIMIT_MEMLOCK, &ml);
    r.memoryReason = std::string("mlockall: ") + std::strerror(errno) + " (RLIMIT_MEMLOCK " +
                     (ml.rlim_cur == RLIM_INFINITY ? std::string("unlimited")
                                                   : std::to_string(ml.rlim_cur) + " bytes") +
                     "; set LimitMEMLOCK=infinity)";
  }
  return r;
}

}  // namespace auralis::obs
