#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>

#include "obs/metrics.hpp"

using namespace auralis::obs;

namespace {
bool contains(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

// The contract's metrics, registered as the app will.
void registerContractMetrics(Registry& r) {
  auto& cb =
      r.histogram("auralis_audio_callback_seconds", "Audio callback duration.", durationBuckets());
  cb.observe(0.0004);
  cb.observe(0.003);
  cb.observe(2.0);
  r.counter("auralis_audio_deadline_misses_total", "Blocks that missed their deadline.").inc(2);
  r.counter("auralis_audio_underruns_total", "Device underruns.");
  r.counter("auralis_tap_drops_total", "Blocks dropped per tap.", {{"tap", "analysis"}}).inc(5);
  r.counter("auralis_tap_drops_total", "Blocks dropped per tap.", {{"tap", "stream"}});
  r.gaugeFn("auralis_ws_clients", "Connected WebSocket clients.", {}, [] { return 3.0; });
  r.counterFn("auralis_ws_dropped_clients_total", "Clients dropped.", {}, [] { return 1.0; });
  r.counterFn("auralis_stream_skips_total", "Stream skips.", {}, [] { return 0.0; });
  r.counter("auralis_osc_malformed_total", "Malformed OSC packets.");
  r.histogram("auralis_dmx_frame_interval_seconds", "DMX frame interval.", durationBuckets())
      .observe(0.025);
  r.gauge("auralis_test_weird", "Help with \\ backslash\nand newline.",
          {{"name", "quote\" back\\ nl\n"}})
      .set(std::numeric_limits<double>::quiet_NaN());
  addProcessMetrics(r);
}
}  // namespace

TEST_CASE("prometheus text has help, type, labels, cumulative buckets, sum and count") {
  Registry r;
  registerContractMetrics(r);
  const std::string t = r.prometheusText();
  CHECK(contains(t, "# TYPE auralis_audio_callback_seconds histogram\n"));
  CHECK(contains(t, "auralis_audio_callback_seconds_bucket{le=\"0.0005\"} 1\n"));
  CHECK(contains(t, "auralis_audio_callback_seconds_bucket{le=\"0.005\"} 2\n"));
  CHECK(contains(t, "auralis_audio_callback_seconds_bucket{le=\"+Inf\"} 3\n"));
  CHECK(contains(t, "auralis_audio_callback_seconds_count 3\n"));
  CHECK(contains(t, "auralis_audio_callback_seconds_sum 2.0034\n"));
  CHECK(contains(t, "auralis_audio_deadline_misses_total 2\n"));
  CHECK(contains(t, "auralis_tap_drops_total{tap=\"analysis\"} 5\n"));
  CHECK(contains(t, "auralis_tap_drops_total{tap=\"stream\"} 0\n"));
  CHECK(contains(t, "auralis_ws_clients 3\n"));
  CHECK(contains(t, "auralis_test_weird{name=\"quote\\\" back\\\\ nl\\n\"} NaN\n"));
  CHECK(contains(t, "# HELP auralis_test_weird Help with \\\\ backslash\\nand newline.\n"));
  CHECK(contains(t, "process_resident_memory_bytes "));
  // One HELP/TYPE pair per family even with several series.
  CHECK(t.find("# TYPE auralis_tap_drops_total") == t.rfind("# TYPE auralis_tap_drops_total"));
}

TEST_CASE("process metrics read plausible figures from /proc/self") {
  Registry r;
  addProcessMetrics(r);
  const auto j = r.toJson();
  const double rss = j["process_resident_memory_bytes"]["series"][0]["value"].get<double>();
  CHECK(rss > 1024.0 * 1024.0);
  CHECK(rss < 64.0 * 1024 * 1024 * 1024);
  CHECK(j["process_threads"]["series"][0]["value"].get<double>() >= 1.0);
  CHECK(j["process_open_fds"]["series"][0]["value"].get<double>() >= 3.0);
  CHECK(j["process_cpu_seconds_total"]["series"][0]["value"].get<double>() >= 0.0);
  CHECK(j["process_start_time_seconds"]["series"][0]["value"].get<double>() > 1.5e9);
}

TEST_CASE("json exposition carries the same figures and never NaN or Inf") {
  Registry r;
  registerContractMetrics(r);
  r.gauge("auralis_inf", "inf").set(std::numeric_limits<double>::infinity());
  const auto j = r.toJson();
  CHECK(j["auralis_audio_deadline_misses_total"]["series"][0]["value"] == 2.0);
  CHECK(j["auralis_tap_drops_total"]["series"][0]["labels"]["tap"] == "analysis");
  CHECK(j["auralis_audio_callback_seconds"]["series"][0]["count"] == 3);
  CHECK(j["auralis_audio_callback_seconds"]["series"][0]["buckets"].back()["le"] == "+Inf");
  CHECK(j["auralis_test_weird"]["series"][0]["value"].is_null());
  CHECK(j["auralis_inf"]["series"][0]["value"].is_null());
  // Strict JSON: dumping and re-parsing works and contains no bare NaN/Infinity.
  const std::string text = j.dump();
  CHECK_FALSE(contains(text, "NaN"));
  CHECK_FALSE(contains(text, "Infinity"));
  CHECK(nlohmann::json::parse(text) == j);
}

TEST_CASE("bad names, duplicate series and type clashes are refused at registration") {
  Registry r;
  CHECK_THROWS_AS(r.counter("9bad", "x"), std::invalid_argument);
  CHECK_THROWS_AS(r.counter("bad-name", "x"), std::invalid_argument);
  CHECK_THROWS_AS(r.counter("ok_total", "x", {{"bad-label", "v"}}), std::invalid_argument);
  CHECK_THROWS_AS(r.histogram("h", "x", {0.1, 0.05}), std::invalid_argument);
  r.counter("a_total", "x", {{"k", "v"}});
  CHECK_THROWS_AS(r.counter("a_total", "x", {{"k", "v"}}), std::invalid_argument);
  CHECK_THROWS_AS(r.gauge("a_total", "x"), std::invalid_argument);
}

TEST_CASE("prometheus text passes promtool check metrics") {
  if (std::system("command -v promtool > /dev/null 2>&1") != 0) {
    MESSAGE("promtool not installed (Debian package prometheus); check skipped");
    return;
  }
  Registry r;
  registerContractMetrics(r);
  const std::string path = std::string(AURALIS_BINARY_DIR) + "/obs_promtool_input.txt";
  {
    std::ofstream out(path);
    out << r.prometheusText();
  }
  const std::string cmd = "promtool check metrics < " + path + " > " + path + ".out 2>&1";
  const int rc = std::system(cmd.c_str());
  std::ifstream log(path + ".out");
  std::string report;
  for (std::string line; std::getline(log, line);) report += line + "\n";
  INFO(report);
  CHECK(rc == 0);
  CHECK(report.empty());  // no lint warnings either
}
