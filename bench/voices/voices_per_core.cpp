// Voices per core: how many benchmark voices one thread renders in real time.
//
// The voice (the same patch as bench/peers/voices.{scd,dsp,csd}): two PolyBLEP
// saws detuned by 10 cents -> resonant TPT low-pass (1.8 kHz, resonance 0.3)
// -> ADSR (5 ms attack, held for the whole run) -> constant-power pan, at
// 48 kHz in 128-frame blocks. Prints the realtime factor and
// voices/core = voices * realtime factor, the median of the repeats.
//
// Usage: voices_per_core [voices=2048] [seconds=10] [repeats=5]
#include <time.h>
#include <algorithm>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "dsp/saw_bank.hpp"

// CPU seconds of this (single-threaded) process: on a shared, loaded machine
// wall time counts other people's work; every peer in run_side_by_side.sh is
// measured the same way.
static double cpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

int main(int argc, char** argv) {
  const int voices = argc > 1 ? std::atoi(argv[1]) : 2048;
  const double seconds = argc > 2 ? std::atof(argv[2]) : 10.0;
  const int repeats = argc > 3 ? std::atoi(argv[3]) : 5;
  constexpr double kRate = 48000.0;
  constexpr int kBlock = 128;

  auralis::dsp::SawPatch patch;
  patch.detuneCents = 10.0F;
  patch.cutoffHz = 1800.0F;
  patch.resonance = 0.3F;
  patch.keyTrack = 0.0F;
  patch.gain = 0.1F;
  patch.adsr = {0.005F, 0.2F, 0.7F, 0.3F};

  std::vector<float> left(kBlock), right(kBlock);
  const long blocks = std::lround(seconds * kRate / kBlock);
  std::vector<double> factors;
  double checksum = 0.0;
  for (int r = 0; r < repeats; ++r) {
    auralis::dsp::SawVoiceBank bank;
    bank.prepare(kRate, voices, kBlock);
    bank.setPatch(patch);
    for (int v = 0; v < voices; ++v) {
      const float hz = 55.0F * std::exp2(static_cast<float>(v % 48) / 12.0F);
      bank.start(v, hz, 0.8F, static_cast<float>(v % 17) / 8.0F - 1.0F);
    }
    const double t0 = cpuSeconds();
    for (long b = 0; b < blocks; ++b) {
      std::fill(left.begin(), left.end(), 0.0F);
      std::fill(right.begin(), right.end(), 0.0F);
      bank.render(left.data(), right.data(), kBlock);
      checksum += static_cast<double>(left[0]) + static_cast<double>(right[kBlock - 1]);
    }
    const double elapsed = cpuSeconds() - t0;
    factors.push_back(static_cast<double>(blocks * kBlock) / kRate / elapsed);
  }
  std::sort(factors.begin(), factors.end());
  const double median = factors[factors.size() / 2];
  std::printf("auralis: %d voices, %.1f s of audio at 48 kHz, %d repeats\n", voices, seconds,
              repeats);
  std::printf("auralis: realtime factor (median) %.2fx  ->  voices/core %.0f\n", median,
              median * voices);
  std::printf("auralis: checksum %.6g\n", checksum);
  return 0;
}
