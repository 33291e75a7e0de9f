// A private jackd (dummy driver) for the tests that need a JACK server: a
// per-process server name through JACK_DEFAULT_SERVER, so parallel test runs
// and a user's own server never meet.
#pragma once

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jack/jack.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace auralis::rt_test {

/// jackd with the dummy driver under a private server name; stopped on scope exit.
///
/// Why a small pool of names rather than one per process: jackd's shared-memory
/// registry holds 8 servers and reclaims a dead server's slot only for a server
/// of the same name, so unique names leak a slot whenever a test is killed
/// ("Too many servers already active"). A name whose server is alive makes our
/// jackd exit at once; we then try the next.
class DummyJackServer {
 public:
  DummyJackServer(int rate, int period) {
    setenv("JACK_NO_AUDIO_RESERVATION", "1", 1);
    for (int slot = 0; slot < 6 && pid_ <= 0; ++slot) {
      name_ = "auralis-test-" + std::to_string(slot);
      setenv("JACK_DEFAULT_SERVER", name_.c_str(), 1);
      if (spawn(rate, period) && waitUntilReady(std::chrono::seconds(20))) break;
      kill();
    }
  }
  ~DummyJackServer() { kill(); }
  bool started() const { return pid_ > 0; }
  /// True once a client can connect to our server (within `limit`); false if
  /// our jackd exited (its name was taken) or never answered.
  bool waitUntilReady(std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    // jackd needs a moment before clients can connect; on a loaded machine
    // (a parallel ctest run) much more than usual, so poll for it.
    while (std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      jack_status_t js{};
      if (jack_client_t* probe = jack_client_open("auralis-probe", JackNoStartServer, &js)) {
        jack_client_close(probe);
        return true;
      }
    }
    return false;
  }
  bool spawn(int rate, int period) {
    const std::string r = std::to_string(rate), p = std::to_string(period);
    std::vector<std::string> args = {
        "jackd", "--no-realtime", "-n", name_, "-d", "dummy", "-r", r, "-p", p};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t parent = getpid();
    pid_ = fork();
    if (pid_ == 0) {
      // If the test dies without unwinding (an abort), jackd must die with it:
      // an orphan would keep ctest's output pipe open, and ctest would wait for
      // the test's whole timeout.
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (getppid() != parent) _exit(127);
      execvp("jackd", argv.data());
      _exit(127);
    }
    return pid_ > 0;
  }
  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  std::string name_;
  pid_t pid_ = -1;
};

}  // namespace auralis::rt_test
