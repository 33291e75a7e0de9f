#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <string>

#include "store/database.hpp"
#include "store/migrations.hpp"
#include "store/sources_repo.hpp"

namespace fs = std::filesystem;
using namespace auralis::store;

namespace {

struct SourcesDb {
  SourcesDb() {
    path = fs::temp_directory_path() /
           ("auralis-sources-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
    auto opened = Database::open((path / "auralis.db").string());
    REQUIRE(opened.ok());
    db = std::move(opened.value());
    REQUIRE(migrate(*db).ok());
  }
  ~SourcesDb() {
    db.reset();
    fs::remove_all(path);
  }
  fs::path path;
  std::unique_ptr<Database> db;
  static inline int counter = 0;
};

SourceRow row(const std::string& id, const std::string& sha, const std::string& created) {
  SourceRow r;
  r.id = id;
  r.sha256 = sha;
  r.name = id + ".wav";
  r.filePath = "uploads/" + id + ".wav";
  r.bytes = 1234;
  r.durationSeconds = 2.5;
  r.sampleRate = 48000;
  r.channels = 2;
  r.loudnessLufs = -14.25;
  r.codec = "pcm_s16le";
  r.createdAt = created;
  return r;
}

}  // namespace

TEST_CASE("sources repo: insert, get, find by sha256, list newest first, remove") {
  SourcesDb t;
  SourcesRepo repo(*t.db);
  REQUIRE(repo.insert(row("src-a", "aa", "2024-01-01T00:00:00.000Z")).ok());
  SourceRow silent = row("src-b", "bb", "2024-01-02T00:00:00.000Z");
  silent.loudnessLufs.reset();
  silent.hasVideo = true;
  REQUIRE(repo.insert(silent).ok());

  auto a = repo.get("src-a");
  REQUIRE(a.ok());
  REQUIRE(a.value().has_value());
  CHECK(a.value()->durationSeconds == doctest::Approx(2.5));
  CHECK(a.value()->loudnessLufs.value() == doctest::Approx(-14.25));
  CHECK_FALSE(a.value()->hasVideo);

  auto b = repo.findBySha256("bb");
  REQUIRE(b.ok());
  REQUIRE(b.value().has_value());
  CHECK(b.value()->id == "src-b");
  CHECK_FALSE(b.value()->loudnessLufs.has_value());
  CHECK(b.value()->hasVideo);

  auto list = repo.list();
  REQUIRE(list.ok());
  REQUIRE(list.value().size() == 2);
  CHECK(list.value()[0].id == "src-b");

  CHECK(repo.remove("src-a").value());
  CHECK_FALSE(repo.remove("src-a").value());
  CHECK_FALSE(repo.get("src-a").value().has_value());
}

TEST_CASE("sources repo: the same sha256 twice is a duplicate") {
  SourcesDb t;
  SourcesRepo repo(*t.db);
  REQUIRE(repo.insert(row("src-a", "same", "2024-01-01T00:00:00.000Z")).ok());
  const auto again = repo.insert(row("src-c", "same", "2024-01-01T00:00:01.000Z"));
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == "duplicate");
  CHECK(repo.list().value().size() == 1);
}
