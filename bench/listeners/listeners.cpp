// listeners: a load generator for the audio fan-out. Opens N concurrent listeners
// on a running server for T seconds and prints what the server paid for them.
//
//   WebSocket mode (Auralis):  listeners --port 8000 --clients 2000 --seconds 60
//                              [--batch-ms 100] [--audio-only] [--pid PID]
//     each client subscribes to Opus (with --audio-only also to no telemetry, so
//     it gets no generation_update either: what an Icecast listener gets) and checks every AUR1
//     frame it receives (several may share one binary message when batching): sequence jumps are
//     gaps; lag is arrival time minus the frame's sample position mapped to time,
//     relative to the fastest delivery seen in the run (so it is the extra delay
//     the fan-out added, not the encoder's look-ahead).
//   HTTP mode (icecast2):      listeners --http http://127.0.0.1:8001/auralis.opus
//                              --clients 2000 --seconds 60 --pid ICECAST_PID
//     each client reads the mount and counts bytes (a client keeps up when it
//     received at least 90% of the median client's bytes).
//
// Reported: server CPU (utime+stime from /proc/PID/stat over the window, as % of
// one core and per 100 listeners), server RSS, the load generator's own CPU,
// per-client lag p99 (median and worst client), gaps, clients dropped, and in
// WebSocket mode the server's skips and audio deadline misses from /metrics.
// The last line is the same figures as one JSON object (for scripts).
//
// One io thread drives every client. Both kinds read their socket directly with
// one 16 KiB read at a time (the WebSocket one parses its frames itself), so the
// load generator weighs the same on either server; Beast is used here only for
// the /metrics scrape (bench/, not src/).
// g++ 12 misreads Asio's scheduler, inlined into main(), as a null dereference.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include <sys/resource.h>
#include <unistd.h>

#include <utility>  // before Boost 1.74's asio, which uses std::exchange without it

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string host = "127.0.0.1";
  std::string port = "8000";
  std::string httpUrl;  // HTTP mode when set
  std::string target = "/ws";
  int clients = 100;
  double seconds = 30;
  double warmup = 3;
  int batchMs = 0;
  bool audioOnly = false;
  int pid = 0;
  int watchPid = 0;  // another process whose CPU is read over the same window
  int rampPerSecond = 400;
};

double nowSeconds() {
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

struct ClientStats {
  bool connected = false;
  bool subscribed = false;
  bool closed = false;
  std::uint64_t lastSeq = 0;
  std::uint64_t frames = 0;
  std::uint64_t gaps = 0;      // sequence jumps (in the window)
  std::uint64_t missing = 0;   // frames skipped over by those jumps
  std::uint64_t messages = 0;  // binary messages (a batch counts once)
  std::uint64_t bytes = 0;
  std::vector<float> raw;  // arrival - position/rate - reference (s), in the window
};

std::atomic<bool> gMeasuring{false};
double gReference = 0;

std::uint64_t le(const unsigned char* p, int n) {
  std::uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// A WebSocket listener that reads the socket itself, as HttpClient does, rather
// than through Beast's stream: with Beast the load generator cost about twice the
// CPU of the HTTP listeners (21 % of a core against 12 % for 2,000), and on two
// cores that difference lands on whichever server is being measured.
class WsClient : public std::enable_shared_from_this<WsClient> {
 public:
  WsClient(asio::io_context& io, const Options& o, ClientStats& s)
      : sock_(asio::make_strand(io)), opts_(o), stats_(s) {}

  void start(const tcp::resolver::results_type& endpoints) {
    asio::async_connect(
        sock_, endpoints, [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
          if (ec) return self->fail();
          self->stats_.connected = true;
          self->out_ = "GET " + self->opts_.target + " HTTP/1.1\r\nHost: " + self->opts_.host +
                       "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                       "Sec-WebSocket-Version: 13\r\n\r\n";
          asio::async_write(self->sock_, asio::buffer(self->out_),
                            [self](beast::error_code e, std::size_t) {
                              if (e) return self->fail();
                              self->read();
                            });
        });
  }

 private:
  // A client's frames are masked (RFC 6455 5.3); a zero key keeps the payload as it is.
  static std::string maskedFrame(unsigned opcode, const std::string& payload) {
    std::string f;
    f += static_cast<char>(0x80 | opcode);
    if (payload.size() < 126) {
      f += static_cast<char>(0x80 | payload.size());
    } else {
      f += static_cast<char>(0x80 | 126);
      f += static_cast<char>((payload.size() >> 8) & 0xff);
      f += static_cast<char>(payload.size() & 0xff);
    }
    f.append(4, '\0');
    return f + payload;
  }

  void read() {
    if (in_.size() - have_ < 16384) in_.resize(have_ + 16384);
    sock_.async_read_some(asio::buffer(in_.data() + have_, in_.size() - have_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                            if (ec) return self->fail();
                            self->have_ += n;
                            if (!self->consume()) return self->fail();
                            self->read();
                          });
  }

  // Handles every whole frame in in_[0, have_) and keeps the rest.
  bool consume() {
    std::size_t at = 0;
    if (!upgraded_) {
      const std::string_view head(reinterpret_cast<const char*>(in_.data()), have_);
      const auto end = head.find("\r\n\r\n");
      if (end == std::string_view::npos) return have_ < 8192;
      if (head.rfind("HTTP/1.1 101", 0) != 0) return false;
      upgraded_ = true;
      at = end + 4;
      subscribe();
    }
    while (have_ - at >= 2) {
      const unsigned char* p = in_.data() + at;
      const unsigned opcode = p[0] & 0x0f;
      std::size_t len = p[1] & 0x7f;
      std::size_t header = 2;
      if (len == 126) {
        if (have_ - at < 4) break;
        len = (std::size_t{p[2]} << 8) | p[3];
        header = 4;
      } else if (len == 127) {
        if (have_ - at < 10) break;
        len = static_cast<std::size_t>(be64(p + 2));
        header = 10;
      }
      if (have_ - at < header + len) break;
      const unsigned char* payload = p + header;
      if (opcode == 0x2) onBinary(payload, len);
      if (opcode == 0x8) return false;  // closed by the server
      if (opcode == 0x9) pong(payload, len);
      at += header + len;
    }
    std::memmove(in_.data(), in_.data() + at, have_ - at);
    have_ -= at;
    return true;
  }

  static std::uint64_t be64(const unsigned char* p) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
    return v;
  }

  void subscribe() {
    std::string sub = R"({"type":"subscribe","audio":"opus")";
    if (opts_.batchMs > 0) sub += ",\"batchMs\":" + std::to_string(opts_.batchMs);
    if (opts_.audioOnly) sub += ",\"telemetry\":[]";
    sub += "}";
    out_ = maskedFrame(0x1, sub);
    asio::async_write(sock_, asio::buffer(out_),
                      [self = shared_from_this()](beast::error_code e, std::size_t) {
                        if (e) return self->fail();
                        self->stats_.subscribed = true;
                      });
  }

  // The server pings a client it has not heard from in 30 s and closes it at 60.
  void pong(const unsigned char* payload, std::size_t len) {
    auto frame = std::make_shared<std::string>(
        maskedFrame(0xA, std::string(reinterpret_cast<const char*>(payload), len)));
    asio::async_write(sock_, asio::buffer(*frame), [frame](beast::error_code, std::size_t) {});
  }

  void onBinary(const unsigned char* p, std::size_t left) {
    const double arrival = nowSeconds();
    const bool measuring = gMeasuring.load(std::memory_order_relaxed);
    if (measuring) {
      ++stats_.messages;
      stats_.bytes += left;
    }
    while (left >= 32 && std::memcmp(p, "AUR1", 4) == 0) {
      const auto rate = static_cast<double>(le(p + 8, 4));
      const std::uint64_t seq = le(p + 12, 8);
      const std::uint64_t pos = le(p + 20, 8);
      const std::size_t len = le(p + 28, 4);
      if (32 + len > left || rate <= 0) break;
      if (measuring) {
        if (stats_.lastSeq != 0 && seq != stats_.lastSeq + 1) {
          ++stats_.gaps;
          if (seq > stats_.lastSeq) stats_.missing += seq - stats_.lastSeq - 1;
        }
        ++stats_.frames;
        stats_.raw.push_back(
            static_cast<float>(arrival - static_cast<double>(pos) / rate - gReference));
      }
      stats_.lastSeq = seq;
      p += 32 + len;
      left -= 32 + len;
    }
  }

  void fail() { stats_.closed = true; }

  tcp::socket sock_;
  const Options& opts_;
  ClientStats& stats_;
  std::string out_;
  std::vector<unsigned char> in_;
  std::size_t have_ = 0;
  bool upgraded_ = false;
};

class HttpClient : public std::enable_shared_from_this<HttpClient> {
 public:
  HttpClient(asio::io_context& io, const Options& o, ClientStats& s)
      : sock_(asio::make_strand(io)), opts_(o), stats_(s) {}

  void start(const tcp::resolver::results_type& endpoints) {
    asio::async_connect(
        sock_, endpoints, [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
          if (ec) return self->fail();
          self->stats_.connected = true;
          self->req_ = "GET " + self->opts_.target + " HTTP/1.0\r\nHost: " + self->opts_.host +
                       "\r\nUser-Agent: listeners\r\n\r\n";
          asio::async_write(self->sock_, asio::buffer(self->req_),
                            [self](beast::error_code e, std::size_t) {
                              if (e) return self->fail();
                              self->stats_.subscribed = true;
                              self->read();
                            });
        });
  }

 private:
  void read() {
    sock_.async_read_some(asio::buffer(buf_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                            if (ec) return self->fail();
                            if (gMeasuring.load(std::memory_order_relaxed)) {
                              self->stats_.bytes += n;
                              ++self->stats_.messages;
                            }
                            self->read();
                          });
  }
  void fail() { stats_.closed = true; }

  tcp::socket sock_;
  const Options& opts_;
  ClientStats& stats_;
  std::string req_;
  std::array<char, 16384> buf_{};
};

struct ProcSample {
  double cpuSeconds = 0;
  double rssMiB = 0;
  bool ok = false;
};

/// CPU seconds of each of `pid`'s threads, summed by thread name (au-net, ...).
/// From schedstat: the scheduler's exact run time, where /proc/PID/stat's
/// utime+stime are 4 ms ticks charged to whoever happens to run (at 250 Hz a
/// 10 s window of a process at 10 % of a core is only ~250 samples).
std::map<std::string, double> threadCpuSeconds(int pid) {
  std::map<std::string, double> byName;
  if (pid <= 0) return byName;
  std::error_code ec;
  for (const auto& task :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream comm(task.path() / "comm");
    std::ifstream sched(task.path() / "schedstat");
    std::string name;
    double runNs = 0;
    if (!std::getline(comm, name) || !(sched >> runNs)) continue;
    byName[name] += runNs * 1e-9;
  }
  return byName;
}

ProcSample sampleProc(int pid) {
  ProcSample s;
  if (pid <= 0) return s;
  const auto threads = threadCpuSeconds(pid);
  if (threads.empty()) return s;
  for (const auto& [name, seconds] : threads) s.cpuSeconds += seconds;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) s.rssMiB = std::stod(line.substr(6)) / 1024.0;
  }
  s.ok = true;
  return s;
}

double selfCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

/// A metric's value from the server's /metrics (sum over its series); -1 if absent.
double scrape(const Options& o, const std::string& name) {
  try {
    asio::io_context io;
    tcp::resolver r(io);
    beast::tcp_stream s(io);
    s.expires_after(std::chrono::seconds(10));
    s.connect(r.resolve(o.host, o.port));
    http::request<http::empty_body> req{http::verb::get, "/metrics", 11};
    req.set(http::field::host, o.host);
    http::write(s, req);
    beast::flat_buffer b;
    http::response<http::string_body> res;
    http::read(s, b, res);
    std::istringstream in(res.body());
    std::string line;
    double sum = -1;
    while (std::getline(in, line)) {
      if (line.rfind(name, 0) != 0) continue;
      const char next = line.size() > name.size() ? line[name.size()] : '\0';
      if (next != ' ' && next != '{') continue;
      sum = std::max(sum, 0.0) + std::stod(line.substr(line.rfind(' ') + 1));
    }
    return sum;
  } catch (const std::exception&) {
    return -1;
  }
}

double percentile(std::vector<float>& v, double q) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return static_cast<double>(v[k]);
}

bool parseArgs(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--host")
      o.host = next();
    else if (a == "--port")
      o.port = next();
    else if (a == "--http")
      o.httpUrl = next();
    else if (a == "--clients")
      o.clients = std::stoi(next());
    else if (a == "--seconds")
      o.seconds = std::stod(next());
    else if (a == "--warmup")
      o.warmup = std::stod(next());
    else if (a == "--batch-ms")
      o.batchMs = std::stoi(next());
    else if (a == "--audio-only")
      o.audioOnly = true;
    else if (a == "--pid")
      o.pid = std::stoi(next());
    else if (a == "--watch-pid")
      o.watchPid = std::stoi(next());
    else if (a == "--ramp")
      o.rampPerSecond = std::stoi(next());
    else {
      std::cerr << "usage: listeners [--host H] [--port P | --http http://H:P/mount] --clients N "
                   "--seconds T [--warmup S] [--batch-ms MS] [--audio-only] [--pid SERVER_PID] "
                   "[--watch-pid OTHER_PID] [--ramp PER_S]\n";
      return false;
    }
  }
  if (!o.httpUrl.empty()) {
    const std::string scheme = "http://";
    const std::string rest = o.httpUrl.substr(o.httpUrl.rfind(scheme, 0) == 0 ? scheme.size() : 0);
    const auto slash = rest.find('/');
    const std::string hp = rest.substr(0, slash);
    o.target = slash == std::string::npos ? "/" : rest.substr(slash);
    const auto colon = hp.find(':');
    o.host = hp.substr(0, colon);
    o.port = colon == std::string::npos ? "80" : hp.substr(colon + 1);
  }
  return o.clients > 0 && o.seconds > 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parseArgs(argc, argv, o)) return 2;
  const bool httpMode = !o.httpUrl.empty();
  rlimit nofile{};
  getrlimit(RLIMIT_NOFILE, &nofile);
  nofile.rlim_cur = nofile.rlim_max;
  setrlimit(RLIMIT_NOFILE, &nofile);

  asio::io_context io;
  auto work = asio::make_work_guard(io);
  std::thread ioThread([&] { io.run(); });
  tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(o.host, o.port);
  std::vector<ClientStats> stats(static_cast<std::size_t>(o.clients));
  gReference = nowSeconds();

  // Ramp up at a bounded rate so the accept queue never overflows.
  const auto rampStart = Clock::now();
  for (int i = 0; i < o.clients; ++i) {
    asio::post(io, [&, i] {
      auto& s = stats[static_cast<std::size_t>(i)];
      if (httpMode)
        std::make_shared<HttpClient>(io, o, s)->start(endpoints);
      else
        std::make_shared<WsClient>(io, o, s)->start(endpoints);
    });
    const auto due = rampStart + std::chrono::microseconds(1000000LL * (i + 1) / o.rampPerSecond);
    std::this_thread::sleep_until(due);
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(o.warmup));

  const double skips0 = httpMode ? -1 : scrape(o, "auralis_stream_skips_total");
  const double misses0 = httpMode ? -1 : scrape(o, "auralis_audio_deadline_misses_total");
  const double dropped0 = httpMode ? -1 : scrape(o, "auralis_ws_dropped_clients_total");
  const ProcSample p0 = sampleProc(o.pid);
  const ProcSample w0 = sampleProc(o.watchPid);
  const auto threads0 = threadCpuSeconds(o.pid);
  const double self0 = selfCpuSeconds();
  const auto t0 = Clock::now();
  gMeasuring = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  gMeasuring = false;
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  const ProcSample p1 = sampleProc(o.pid);
  const ProcSample w1 = sampleProc(o.watchPid);
  const auto threads1 = threadCpuSeconds(o.pid);
  const double self1 = selfCpuSeconds();
  const double skips = httpMode ? 0 : scrape(o, "auralis_stream_skips_total") - skips0;
  const double misses = httpMode ? 0 : scrape(o, "auralis_audio_deadline_misses_total") - misses0;
  const double dropped = httpMode ? 0 : scrape(o, "auralis_ws_dropped_clients_total") - dropped0;
  io.stop();
  ioThread.join();

  // Lag: relative to the fastest delivery of the whole run.
  float baseline = 1e30F;
  for (const auto& s : stats)
    for (float r : s.raw) baseline = std::min(baseline, r);
  std::vector<float> p99s;
  std::vector<float> bytesPerClient;
  std::uint64_t gaps = 0, missing = 0, frames = 0, messages = 0;
  int connected = 0, closed = 0, withGaps = 0;
  for (auto& s : stats) {
    connected += s.subscribed ? 1 : 0;
    closed += s.closed ? 1 : 0;
    gaps += s.gaps;
    missing += s.missing;
    frames += s.frames;
    messages += s.messages;
    withGaps += s.gaps > 0 ? 1 : 0;
    bytesPerClient.push_back(static_cast<float>(s.bytes));
    if (!s.raw.empty()) {
      for (float& r : s.raw) r -= baseline;
      p99s.push_back(static_cast<float>(percentile(s.raw, 0.99)));
    }
  }
  const double medianBytes = percentile(bytesPerClient, 0.5);
  int keepingUp = 0;
  for (float b : bytesPerClient)
    keepingUp += static_cast<double>(b) >= 0.9 * medianBytes && medianBytes > 0 ? 1 : 0;
  const double cpu = p0.ok && p1.ok ? (p1.cpuSeconds - p0.cpuSeconds) / wall * 100.0 : -1;
  const double selfCpu = (self1 - self0) / wall * 100.0;
  const double watchCpu = w0.ok && w1.ok ? (w1.cpuSeconds - w0.cpuSeconds) / wall * 100.0 : -1;
  // Per thread name: where the server's CPU went (threads that started or ended
  // inside the window count from zero).
  std::ostringstream threadJson;
  threadJson << "{";
  bool firstThread = true;
  for (const auto& [name, end] : threads1) {
    const auto it = threads0.find(name);
    const double used = (end - (it == threads0.end() ? 0.0 : it->second)) / wall * 100.0;
    if (used < 0.05) continue;
    threadJson << (firstThread ? "" : ",") << "\"" << name << "\":" << std::round(used * 100) / 100;
    firstThread = false;
  }
  threadJson << "}";
  const double lagMedian = percentile(p99s, 0.5) * 1000.0;
  const double lagWorst =
      p99s.empty() ? 0 : static_cast<double>(*std::max_element(p99s.begin(), p99s.end())) * 1000.0;

  std::cout << (httpMode ? "http" : "websocket") << " listeners: " << o.clients << " (" << connected
            << " subscribed, " << closed << " closed) for " << wall << " s"
            << (o.batchMs > 0 ? ", batchMs " + std::to_string(o.batchMs) : std::string()) << "\n"
            << "  server CPU: " << cpu << " % of one core (" << cpu / o.clients * 100.0
            << " % per 100 listeners), RSS " << p1.rssMiB << " MiB\n"
            << "  load generator CPU: " << selfCpu << " % of one core\n"
            << "  server threads (% of one core): " << threadJson.str() << "\n"
            << "  received: " << medianBytes / wall * 8.0 / 1000.0 << " kb/s per client (median), "
            << keepingUp << " clients within 90% of the median\n";
  if (!httpMode) {
    std::cout << "  frames " << frames << " in " << messages << " messages; gaps " << gaps << " ("
              << missing << " frames, " << withGaps << " clients); lag p99 median client "
              << lagMedian << " ms, worst client " << lagWorst << " ms\n"
              << "  server: skips " << skips << ", dropped clients " << dropped
              << ", audio deadline misses " << misses << "\n";
  }
  std::cout << "{\"mode\":\"" << (httpMode ? "http" : "websocket") << "\",\"clients\":" << o.clients
            << ",\"subscribed\":" << connected << ",\"closed\":" << closed
            << ",\"seconds\":" << wall << ",\"batchMs\":" << o.batchMs
            << ",\"audioOnly\":" << (o.audioOnly ? "true" : "false")
            << ",\"serverCpuPercent\":" << cpu << ",\"serverCpuPer100\":" << cpu / o.clients * 100.0
            << ",\"serverRssMiB\":" << p1.rssMiB << ",\"loadgenCpuPercent\":" << selfCpu
            << ",\"serverThreads\":" << threadJson.str() << ",\"watchCpuPercent\":" << watchCpu
            << ",\"keepingUp\":" << keepingUp
            << ",\"kbpsMedian\":" << medianBytes / wall * 8.0 / 1000.0 << ",\"gaps\":" << gaps
            << ",\"clientsWithGaps\":" << withGaps << ",\"lagP99MedianMs\":" << lagMedian
            << ",\"lagP99WorstMs\":" << lagWorst << ",\"skips\":" << skips
            << ",\"droppedClients\":" << dropped << ",\"deadlineMisses\":" << misses << "}"
            << std::endl;
  return 0;
}
