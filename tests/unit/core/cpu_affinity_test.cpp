// core/cpu_affinity.hpp: CPU lists as the kernel writes them, and pinning the
// calling thread (what server.cpus does to the network threads and, by
// inheritance, keeps every other thread off them).
#include <doctest/doctest.h>

#include <thread>

#include "core/cpu_affinity.hpp"

using auralis::core::allowedCpus;
using auralis::core::parseCpuList;
using auralis::core::pinThisThread;

TEST_CASE("cpu list: single CPUs, ranges and both, sorted without repeats") {
  CHECK(parseCpuList("1", "server.cpus").value() == std::vector<int>{1});
  CHECK(parseCpuList("2-3", "server.cpus").value() == std::vector<int>{2, 3});
  CHECK(parseCpuList("3,0,2-3", "server.cpus").value() == std::vector<int>{0, 2, 3});
}

TEST_CASE("cpu list: anything else is refused, naming the key") {
  for (const char* bad : {"", "x", "1,", "-1", "3-2", "1-", "0x1", "1 2", "99999"}) {
    auto r = parseCpuList(bad, "server.cpus");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "invalid_config");
    CHECK(r.error().field == "server.cpus");
  }
}

TEST_CASE("pinning: a thread keeps to its CPUs, and a thread it starts inherits them") {
  const std::vector<int> before = allowedCpus();
  REQUIRE_FALSE(before.empty());
  std::vector<int> inThread;
  std::vector<int> inChild;
  std::thread t([&] {
    REQUIRE(pinThisThread({before.back()}));
    inThread = allowedCpus();
    std::thread child([&] { inChild = allowedCpus(); });
    child.join();
  });
  t.join();
  CHECK(inThread == std::vector<int>{before.back()});
  CHECK(inChild == std::vector<int>{before.back()});
  CHECK(allowedCpus() == before);  // the test's own thread is untouched
  CHECK_FALSE(pinThisThread({}));
}
