// CPU sets for threads: keeping the network threads' kernel send work (thousands
// of listener sockets) on their own CPUs keeps it out of the caches of the cores
// that run the audio thread and the engine's side-chains.
//
// A CPU list is written as the kernel writes them: "1", "2-3", "0,2-3".
#pragma once

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace auralis::core {

/// The CPUs in `list`, sorted and without repeats; an error names what is wrong.
inline Result<std::vector<int>> parseCpuList(std::string_view list, const std::string& field) {
  std::vector<int> cpus;
  auto bad = [&](const std::string& why) {
    return makeError("invalid_config", field + " '" + std::string(list) + "': " + why, field);
  };
  auto number = [](std::string_view s, int& out) {
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size() && out >= 0 && out < CPU_SETSIZE;
  };
  std::size_t at = 0;
  while (at <= list.size()) {
    const std::size_t comma = std::min(list.find(',', at), list.size());
    const std::string_view part = list.substr(at, comma - at);
    const std::size_t dash = part.find('-');
    int first = 0;
    int last = 0;
    if (dash == std::string_view::npos) {
      if (!number(part, first)) return bad("expected CPU numbers such as 1, 2-3 or 0,2-3");
      last = first;
    } else if (!number(part.substr(0, dash), first) || !number(part.substr(dash + 1), last) ||
               last < first) {
      return bad("expected CPU numbers such as 1, 2-3 or 0,2-3");
    }
    for (int c = first; c <= last; ++c) cpus.push_back(c);
    at = comma + 1;
  }
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  return cpus;
}

/// The CPUs the calling thread may run on now.
inline std::vector<int> allowedCpus() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (pthread_getaffinity_np(pthread_self(), sizeof set, &set) != 0) return cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) cpus.push_back(c);
  return cpus;
}

/// Keeps the calling thread (and the threads it starts afterwards) on `cpus`.
inline bool pinThisThread(const std::vector<int>& cpus) {
  if (cpus.empty()) return false;
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : cpus) CPU_SET(c, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

}  // namespace auralis::core
