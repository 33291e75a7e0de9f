// Runs N instances of the Faust voice (bench/peers/voices.dsp, compiled to
// faust_voice.h by run_side_by_side.sh) for the given seconds on one thread
// and prints voices/core, like bench/voices/voices_per_core.cpp.
#include <time.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include <faust/dsp/dsp.h>
#include <faust/gui/MapUI.h>
#include <faust/gui/meta.h>

#include "faust_voice.h"

// CPU seconds of this (single-threaded) process: on a shared, loaded machine
// wall time counts other people's work; every peer in run_side_by_side.sh is
// measured the same way.
static double cpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

int main(int argc, char** argv) {
  const int voices = argc > 1 ? std::atoi(argv[1]) : 512;
  const double seconds = argc > 2 ? std::atof(argv[2]) : 10.0;
  constexpr int kBlock = 128;
  std::vector<std::unique_ptr<FaustVoice>> v;
  std::vector<MapUI> ui(static_cast<std::size_t>(voices));
  for (int i = 0; i < voices; ++i) {
    v.push_back(std::make_unique<FaustVoice>());
    v.back()->init(48000);
    v.back()->buildUserInterface(&ui[static_cast<std::size_t>(i)]);
    ui[static_cast<std::size_t>(i)].setParamValue("freq", 55.0 * std::exp2((i % 48) / 12.0));
    ui[static_cast<std::size_t>(i)].setParamValue("pan", (i % 17) / 16.0);
    ui[static_cast<std::size_t>(i)].setParamValue("gate", 1.0);
  }
  std::vector<float> l(kBlock), r(kBlock), accL(kBlock), accR(kBlock);
  float* outs[2] = {l.data(), r.data()};
  const long blocks = std::lround(seconds * 48000.0 / kBlock);
  const double t0 = cpuSeconds();
  for (long b = 0; b < blocks; ++b)
    for (auto& d : v) {
      d->compute(kBlock, nullptr, outs);
      for (int i = 0; i < kBlock; ++i) accL[i] += l[i], accR[i] += r[i];
    }
  const double el = cpuSeconds() - t0;
  const double factor = blocks * kBlock / 48000.0 / el;
  std::printf("faust: %d voices, realtime factor %.2fx -> voices/core %.0f (chk %g)\n", voices,
              factor, factor * voices, static_cast<double>(accL[0]));
}
