// Real-time scheduling report: whether the audio thread got SCHED_FIFO and, when
// it did not, why (no CAP_SYS_NICE and RLIMIT_RTPRIO is 0, turned off in the
// configuration, ...), plus locking the process's current memory (mlockall) so
// that the audio thread never page-faults on a page swapped out.
//
// Thread rules: any non-real-time thread, at start.
#pragma once

#include <string>

namespace auralis::obs {

struct RealtimeReport {
  bool granted = false;       // the audio thread runs SCHED_FIFO
  std::string reason;         // why not (empty when granted)
  bool memoryLocked = false;  // mlockall(MCL_CURRENT) succeeded
  std::string memoryReason;   // why not
};

/// Builds the report from what the backend said (`requested`: audio.realtime;
/// `granted`: the backend's answer), explaining a refusal from the process's
/// limits; then, when `lockMemory`, locks the pages mapped now.
RealtimeReport probeRealtime(bool requested, bool granted, bool lockMemory);

}  // namespace auralis::obs
