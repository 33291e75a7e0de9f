// EchoCanceller: it learns a delayed, attenuated copy of the reference and takes it out of
// the input, and a digitally silent input (no device, a muted channel) neither unlearns the
// echo path nor leaves the filter out of step with the reference.
#include <doctest/doctest.h>

#include <cstddef>
#include <random>
#include <vector>

#include "voice/echo_canceller.hpp"

using auralis::voice::EchoCanceller;

namespace {

constexpr int kBlock = 160;  // 10 ms at 16 kHz, the pipeline's frame
constexpr int kDelay = 40;   // 2.5 ms of room and device
constexpr float kGain = 0.5F;

/// The reference (music) and the input it makes: the reference kDelay samples late at kGain.
struct Room {
  std::mt19937 rng{7};
  std::normal_distribution<float> noise{0.0F, 0.2F};
  std::vector<float> past = std::vector<float>(kDelay, 0.0F);

  void block(std::vector<float>& ref, std::vector<float>& mic) {
    for (int i = 0; i < kBlock; ++i) {
      const auto k = static_cast<std::size_t>(i);
      ref[k] = noise(rng);
      past.push_back(ref[k]);
      mic[k] = kGain * past.front();
      past.erase(past.begin());
    }
  }
};

double power(const std::vector<float>& x) {
  double sum = 0.0;
  for (const float v : x) sum += static_cast<double>(v) * static_cast<double>(v);
  return sum / static_cast<double>(x.size());
}

}  // namespace

TEST_CASE("echo canceller: learns the echo, and a silent input neither unlearns it nor shifts it") {
  EchoCanceller canceller;
  canceller.prepare(128);
  Room room;
  std::vector<float> ref(kBlock), mic(kBlock), out(kBlock), echo(kBlock);

  for (int b = 0; b < 200; ++b) {  // 2 s
    room.block(ref, mic);
    canceller.process(mic.data(), ref.data(), out.data(), echo.data(), kBlock);
  }
  const double micPower = power(mic);
  CHECK(power(out) < micPower * 0.01);  // at least 20 dB taken out

  // One second with the input digitally silent while the music goes on.
  for (int b = 0; b < 100; ++b) {
    room.block(ref, mic);
    std::fill(mic.begin(), mic.end(), 0.0F);
    canceller.process(mic.data(), ref.data(), out.data(), echo.data(), kBlock);
    REQUIRE(power(out) == 0.0);
    REQUIRE(power(echo) == 0.0);
  }
  // The input carries the echo again: its very first block is cancelled as well as before.
  room.block(ref, mic);
  canceller.process(mic.data(), ref.data(), out.data(), echo.data(), kBlock);
  CHECK(power(out) < power(mic) * 0.01);
  CHECK(power(echo) > power(mic) * 0.5);  // the estimate is the echo, near enough
}
