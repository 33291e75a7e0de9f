// `auralis events`: follows the shared-memory event ring of a running server
// and prints one line per event (text, or JSON with --json). A lap (this
// reader fell more than the ring's capacity behind) is printed in order, with
// how many events were missed. When the writer exits, it waits for the next
// server to create the segment again.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "app/commands.hpp"
#include "io/shm_event_ring.hpp"

namespace auralis::app {

namespace {

const char* sourceName(std::uint8_t source) {
  static const char* kAgents[] = {"harmony", "bass", "melody", "percussion", "response"};
  if (source < std::size(kAgents)) return kAgents[source];
  if (source == io::kSourceAnalysis) return "analysis";
  if (source == io::kSourceConductor) return "conductor";
  return "unknown";
}

void print(const io::RingEvent& e, double rate, bool json) {
  const double t = rate > 0 ? static_cast<double>(e.sample) / rate : 0.0;
  if (json) {
    nlohmann::json j = {{"type", io::ringEventTypeName(e.type)},
                        {"seq", e.sequence},
                        {"sample", e.sample},
                        {"time", t},
                        {"source", sourceName(e.source)},
                        {"pitch", e.pitch},
                        {"velocity", e.velocity},
                        {"params", {e.params[0], e.params[1], e.params[2]}}};
    std::cout << j.dump() << '\n';
    return;
  }
  char line[200];
  std::snprintf(line, sizeof line, "%10llu %10.3f s  %-8s %-10s pitch %3u vel %3u  [%g %g %g]",
                static_cast<unsigned long long>(e.sequence), t, io::ringEventTypeName(e.type),
                sourceName(e.source), e.pitch, e.velocity, static_cast<double>(e.params[0]),
                static_cast<double>(e.params[1]), static_cast<double>(e.params[2]));
  std::cout << line << '\n';
}

}  // namespace

int runEvents(const Config& config, const EventsOptions& options) {
  const std::string name = options.shm.empty() ? config.getString("events.shm_name") : options.shm;
  const auto start =
      options.fromStart ? io::ShmEventReader::Start::Oldest : io::ShmEventReader::Start::Latest;
  auto opened = io::ShmEventReader::open(name, start);
  if (!opened) {
    std::cerr << "auralis: " << opened.error().message << "\n";
    return 1;
  }
  std::unique_ptr<io::ShmEventReader> reader = std::move(opened).value();
  const auto began = std::chrono::steady_clock::now();
  std::int64_t printed = 0;
  int idle = 0;
  io::RingEvent e;
  for (;;) {
    if (options.seconds > 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count() >=
            options.seconds)
      break;
    const auto status = reader->next(e);
    if (status == io::ReadStatus::Event) {
      print(e, reader->sampleRate(), options.json);
      idle = 0;
      if (options.count > 0 && ++printed >= options.count) break;
      continue;
    }
    if (status == io::ReadStatus::Lapped) {
      if (options.json)
        std::cout << nlohmann::json{{"type", "lapped"},
                                    {"missed", reader->missed()},
                                    {"resume", reader->position()}}
                         .dump()
                  << '\n';
      else
        std::cout << "-- lapped: " << reader->missed() << " events missed in total, resuming at "
                  << reader->position() << '\n';
      continue;
    }
    std::cout.flush();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    // Every second of silence: has the server gone (and maybe come back)?
    if (++idle % 500 == 0 && !reader->writerAlive()) {
      if (auto again = io::ShmEventReader::open(name, io::ShmEventReader::Start::Oldest);
          again && again.value()->writerAlive())
        reader = std::move(again).value();
    }
  }
  std::cout.flush();
  return 0;
}

}  // namespace auralis::app
