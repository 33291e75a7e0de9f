#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "obs/realtime_probe.hpp"
#include "obs/rss_watch.hpp"

using namespace auralis::obs;

TEST_CASE("linearSlope fits a line, including at large offsets") {
  std::deque<std::pair<double, double>> pts;
  for (int i = 0; i < 100; ++i) pts.emplace_back(1e6 + i * 5.0, 4e8 + 1000.0 * (i * 5.0));
  CHECK(linearSlope(pts) == doctest::Approx(1000.0).epsilon(1e-9));
  CHECK(linearSlope({}) == 0.0);
  CHECK(linearSlope({{1.0, 5.0}, {1.0, 9.0}}) == 0.0);  // no spread in time
}

TEST_CASE("the window forgets old samples: growth that stopped reads as flat") {
  RssWatch watch(std::chrono::seconds(1), std::chrono::seconds(10), [] { return 0.0; });
  for (int t = 0; t <= 20; ++t) watch.addSample(t, 1e8 + 1e6 * t);  // leaking
  CHECK(watch.slope() == doctest::Approx(1e6));
  for (int t = 21; t <= 40; ++t) watch.addSample(t, 2e8);  // stopped
  CHECK(watch.slope() == doctest::Approx(0.0));
  CHECK(watch.samples() == 11);  // t = 30..40
}

TEST_CASE("the thread samples and exports the gauge") {
  std::atomic<double> bytes{1e6};
  RssWatch watch(std::chrono::milliseconds(5), std::chrono::seconds(60),
                 [&bytes] { return bytes.fetch_add(1e5); });
  Registry registry;
  watch.registerMetrics(registry);
  watch.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (watch.samples() < 5 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  watch.stop();
  CHECK(watch.samples() >= 5);
  CHECK(watch.slope() > 0.0);
  CHECK(registry.prometheusText().find("auralis_rss_slope_bytes_per_second") != std::string::npos);
}

TEST_CASE("a realtime refusal carries a reason, a grant carries none") {
  const auto refused = probeRealtime(true, false, false);
  CHECK_FALSE(refused.granted);
  CHECK(refused.reason.find("SCHED_FIFO") != std::string::npos);
  CHECK(probeRealtime(false, false, false).reason == "audio.realtime is false");
  CHECK(probeRealtime(true, true, false).reason.empty());
}
