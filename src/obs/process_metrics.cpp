// Process figures read from /proc/self at scrape time (Linux), named as the
// Prometheus client libraries name them so dashboards work unchanged.
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "obs/metrics.hpp"

namespace auralis::obs {
namespace {

// The fields of /proc/self/stat after the parenthesised command name (which may
// itself contain spaces); token 0 is field 3 ("state") of proc(5).
std::vector<std::string> statFields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  const auto close = line.rfind(')');
  std::vector<std::string> out;
  if (close == std::string::npos) return out;
  std::istringstream rest(line.substr(close + 1));
  std::string tok;
  while (rest >> tok) out.push_back(tok);
  return out;
}

double statField(int procField) {
  const auto f = statFields();
  const auto i = static_cast<std::size_t>(procField - 3);
  return i < f.size() ? std::stod(f[i]) : 0.0;
}

double bootTime() {
  std::ifstream in("/proc/stat");
  std::string key;
  double value = 0;
  while (in >> key) {
    if (key == "btime") {
      in >> value;
      return value;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0.0;
}

}  // namespace

void addProcessMetrics(Registry& r) {
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  r.gaugeFn("process_resident_memory_bytes", "Resident memory size in bytes.", {},
            [page] { return statField(24) * page; });
  r.gaugeFn("process_virtual_memory_bytes", "Virtual memory size in bytes.", {},
            [] { return statField(23); });
  r.counterFn("process_cpu_seconds_total", "Total user and system CPU time in seconds.", {},
              [ticks] { return (statField(14) + statField(15)) / ticks; });
  r.gaugeFn("process_threads", "Number of OS threads in the process.", {},
            [] { return statField(20); });
  r.gaugeFn("process_open_fds", "Number of open file descriptors.", {}, [] {
    std::error_code ec;
    double n = 0;
    for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
         it.increment(ec)) {
      ++n;
    }
    return n;
  });
  r.gaugeFn("process_max_fds", "Maximum number of open file descriptors.", {}, [] {
    rlimit lim{};
    return getrlimit(RLIMIT_NOFILE, &lim) == 0 ? static_cast<double>(lim.rlim_cur) : 0.0;
  });
  const double start = bootTime() + statField(22) / ticks;
  r.gaugeFn("process_start_time_seconds", "Start time of the process since the Unix epoch.", {},
            [start] { return start; });
}

}  // namespace auralis::obs
