#include "app/upload_wiring.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <string_view>

#include "analysis/loudness_meter.hpp"
#include "core/thread_name.hpp"
#include "io/media_decoder.hpp"
#include "store/recordings_repo.hpp"
#include "store/sources_repo.hpp"

namespace auralis::app {
namespace {

constexpr std::string_view kSources = "/api/v1/sources";

net::HttpResponse fail(const Error& e) {
  return net::errorResponse(net::uploadHttpStatus(e), e);
}

nlohmann::json sourceJson(const store::SourceRow& r) {
  return {{"sourceId", r.id},
          {"sha256", r.sha256},
          {"name", r.name},
          {"bytes", r.bytes},
          {"durationSeconds", r.durationSeconds},
          {"sampleRate", r.sampleRate},
          {"channels", r.channels},
          {"loudnessLufs", r.loudnessLufs ? nlohmann::json(*r.loudnessLufs) : nlohmann::json()},
          {"hasVideo", r.hasVideo},
          {"codec", r.codec},
          {"created", r.createdAt}};
}

/// The stored file's extension: the client's, when it is short and plain.
std::string extensionOf(const std::string& name) {
  const auto dot = name.rfind('.');
  if (dot == std::string::npos || name.size() - dot - 1 > 8 || dot + 1 == name.size()) return "bin";
  std::string ext;
  for (char c : name.substr(dot + 1)) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return "bin";
    ext.push_back(c);
  }
  return ext;
}

/// Ids are [a-z0-9-]; anything else is refused before it reaches a path.
bool validId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

/// One sink per request: the spool, handed to the worker when the body is complete.
class SpoolSink final : public net::UploadSink {
 public:
  SpoolSink(UploadService& service, std::unique_ptr<net::UploadSpool> spool)
      : service_(service), spool_(std::move(spool)) {}
  Status write(std::string_view bytes) override { return spool_->write(bytes); }
  void finish(std::string name, std::function<void(net::HttpResponse)> done) override {
    if (auto closed = spool_->close(); !closed) return done(fail(closed.error()));
    service_.submit({std::move(spool_), std::move(name), std::move(done)});
  }

 private:
  UploadService& service_;
  std::unique_ptr<net::UploadSpool> spool_;  // destroyed unfinished: the file goes too
};

}  // namespace

UploadService::UploadService(store::Database& db, const std::string& dataDir,
                             std::uint64_t maxBytes)
    : db_(db),
      dataDir_(dataDir),
      tmpDir_(std::filesystem::path(dataDir) / "uploads" / "tmp"),
      maxBytes_(maxBytes) {
  std::error_code ec;
  std::filesystem::remove_all(tmpDir_, ec);  // leftovers of a crash mid-upload
  std::filesystem::create_directories(tmpDir_, ec);
  if (ec) spdlog::warn("uploads: cannot create {}: {}", tmpDir_.string(), ec.message());
  worker_ = std::thread([this] {
    core::nameThisThread("au-upload");
    run();
  });
}

UploadService::~UploadService() {
  stop();
}

void UploadService::stop() {
  std::deque<Job> left;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !worker_.joinable()) return;
    stopping_ = true;
    left.swap(jobs_);
  }
  wake_.notify_all();
  for (auto& job : left)
    job.done(fail(makeError("shutting_down", "the server is stopping; upload again later")));
  if (worker_.joinable()) worker_.join();
}

void UploadService::submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      jobs_.push_back(std::move(job));
      wake_.notify_one();
      return;
    }
  }
  job.done(fail(makeError("shutting_down", "the server is stopping; upload again later")));
}

void UploadService::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    net::HttpResponse response;
    try {
      response = ingest(job);
    } catch (const std::exception& e) {
      spdlog::error("uploads: {}", e.what());
      response = fail(makeError("internal", std::string("the upload failed: ") + e.what()));
    }
    // The temporary file (if still there) goes before the answer, so a client that
    // looks right after a refusal finds nothing left.
    job.spool.reset();
    job.done(std::move(response));
  }
}

net::HttpResponse UploadService::ingest(Job& job) {
  net::UploadSpool& spool = *job.spool;
  store::SourcesRepo repo(db_);
  {
    std::lock_guard lock(storeMutex_);
    auto existing = repo.findBySha256(spool.sha256());
    if (!existing) return fail(existing.error());
    if (existing.value())  // the temporary file goes with the spool
      return net::jsonResponse(200, {{"sourceId", existing.value()->id}, {"duplicate", true}});
  }
  auto decoder = io::MediaDecoder::open(spool.path().string());
  if (!decoder) return fail(decoder.error());
  const io::MediaInfo& info = decoder.value()->info();
  analysis::LoudnessMeter meter(info.sampleRate, info.channels);
  auto frames = decoder.value()->decodeAll(
      [&meter](const float* samples, std::size_t n) { meter.addInterleaved(samples, n); });
  if (!frames) return fail(frames.error());

  store::SourceRow row;
  row.sha256 = spool.sha256();
  // Identical bytes give the same id; 64 bits of the digest keep ids short.
  row.id = "src-" + row.sha256.substr(0, 16);
  row.name = job.name.empty() ? "upload" : job.name;
  row.filePath = "uploads/" + row.id + "." + extensionOf(job.name);
  row.bytes = static_cast<std::int64_t>(spool.size());
  row.durationSeconds = static_cast<double>(frames.value()) / info.sampleRate;
  row.sampleRate = info.sampleRate;
  row.channels = info.channels;
  const double lufs = meter.integratedLufs();
  if (std::isfinite(lufs)) row.loudnessLufs = lufs;
  row.hasVideo = info.hasVideo;
  row.codec = info.codec;
  row.createdAt = store::isoNow();

  std::lock_guard lock(storeMutex_);
  if (auto again = repo.findBySha256(row.sha256); again && again.value())
    return net::jsonResponse(200, {{"sourceId", again.value()->id}, {"duplicate", true}});
  const auto finalPath = dataDir_ / row.filePath;
  std::error_code ec;
  std::filesystem::rename(spool.path(), finalPath, ec);
  if (ec) return fail(makeError("store_error", "cannot keep the upload: " + ec.message()));
  spool.release();
  if (auto inserted = repo.insert(row); !inserted) {
    std::filesystem::remove(finalPath, ec);
    return fail(inserted.error());
  }
  spdlog::info("uploads: {} ({}, {:.1f} s, {} Hz, {} ch) registered as {}", row.name, info.codec,
               row.durationSeconds, row.sampleRate, row.channels, row.id);
  nlohmann::json body = sourceJson(row);
  body["duplicate"] = false;
  return net::jsonResponse(201, body);
}

net::UploadRoute UploadService::route() {
  net::UploadRoute r;
  r.path = "/upload";
  r.maxBytes = maxBytes_;
  r.open = [this](const net::HttpRequest&) -> Result<std::unique_ptr<net::UploadSink>> {
    auto spool = net::UploadSpool::create(tmpDir_, maxBytes_);
    if (!spool) return spool.error();
    return std::unique_ptr<net::UploadSink>(
        std::make_unique<SpoolSink>(*this, std::move(spool.value())));
  };
  return r;
}

std::vector<net::ExtraRoute> UploadService::routes() {
  return {{std::string(kSources),
           [this](const net::HttpRequest& req) -> std::optional<net::HttpResponse> {
             return handleSources(req);
           }}};
}

net::HttpResponse UploadService::handleSources(const net::HttpRequest& req) {
  const std::string path = req.target.substr(0, req.target.find('?'));
  store::SourcesRepo repo(db_);
  if (path == kSources || path == std::string(kSources) + "/") {
    if (req.method != "GET" && req.method != "HEAD")
      return fail(makeError("method_not_allowed", "use GET on /api/v1/sources"));
    auto rows = repo.list();
    if (!rows) return fail(rows.error());
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : rows.value()) list.push_back(sourceJson(r));
    return net::jsonResponse(200, {{"sources", list}});
  }
  const std::string id = path.substr(kSources.size() + 1);
  if (!path.starts_with(std::string(kSources) + "/") || !validId(id))
    return fail(makeError("not_found", "no source at " + path));
  if (req.method == "GET" || req.method == "HEAD") {
    auto row = repo.get(id);
    if (!row) return fail(row.error());
    if (!row.value()) return fail(makeError("not_found", "no source " + id));
    return net::jsonResponse(200, sourceJson(*row.value()));
  }
  if (req.method == "DELETE") {
    std::lock_guard lock(storeMutex_);
    auto row = repo.get(id);
    if (!row) return fail(row.error());
    if (!row.value()) return fail(makeError("not_found", "no source " + id));
    auto removed = repo.remove(id);
    if (!removed) return fail(removed.error());
    std::error_code ec;
    std::filesystem::remove(dataDir_ / row.value()->filePath, ec);
    return net::jsonResponse(200, {{"sourceId", id}, {"deleted", true}});
  }
  return fail(makeError("method_not_allowed", "use GET or DELETE on " + path));
}

}  // namespace auralis::app
