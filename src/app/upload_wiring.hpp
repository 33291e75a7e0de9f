// Uploads in `auralis serve`: POST /upload streams the body into a temporary
// file under <data>/uploads/tmp/ (net::UploadSpool: SHA-256 on the way, the
// uploads.max_bytes limit, ENOSPC → 507); then one worker thread — never an io
// thread — looks the digest up (a duplicate answers with the existing
// sourceId and keeps nothing), decodes the file with io::MediaDecoder while
// measuring EBU R128 loudness (analysis::LoudnessMeter), moves it to
// <data>/uploads/<sourceId>.<ext> and registers it (store::SourcesRepo).
// Also GET /api/v1/sources, GET|DELETE /api/v1/sources/{id}.
//
// Thread rules: construct, stop() and destroy on the main thread; route()
// and routes() are used by the io threads; the worker does the rest.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "net/router.hpp"
#include "net/upload_route.hpp"
#include "net/upload_spool.hpp"
#include "store/database.hpp"

namespace auralis::app {

class UploadService {
 public:
  /// Main thread. Removes temporary files a crash left in <dataDir>/uploads/tmp/.
  UploadService(store::Database& db, const std::string& dataDir, std::uint64_t maxBytes);
  ~UploadService();
  UploadService(const UploadService&) = delete;
  UploadService& operator=(const UploadService&) = delete;

  /// For ServerHooks::uploadRoutes (POST /upload).
  net::UploadRoute route();
  /// For ServerHooks::extraRoutes (/api/v1/sources).
  std::vector<net::ExtraRoute> routes();
  /// Main thread, after the server stopped: answers queued uploads with 503,
  /// removes their files and joins the worker. Idempotent.
  void stop();

  /// The worker's job: one complete upload (public for the sink in the .cpp).
  struct Job {
    std::unique_ptr<net::UploadSpool> spool;
    std::string name;
    std::function<void(net::HttpResponse)> done;
  };
  /// io thread: queues `job` for the worker (503 at once when stopping).
  void submit(Job job);

 private:
  void run();
  net::HttpResponse ingest(Job& job);
  net::HttpResponse handleSources(const net::HttpRequest& request);

  store::Database& db_;
  std::filesystem::path dataDir_;
  std::filesystem::path tmpDir_;
  std::uint64_t maxBytes_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::mutex storeMutex_;  // one registry change at a time (worker ingest vs DELETE)
  std::thread worker_;
};

}  // namespace auralis::app
