#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "store/database.hpp"
#include "store/migrations.hpp"
#include "store/presets_repo.hpp"
#include "store/recordings_repo.hpp"

namespace fs = std::filesystem;
using namespace auralis::store;

namespace {

/// A fresh directory per test case, removed at the end.
struct TempDir {
  TempDir() {
    path = fs::temp_directory_path() /
           ("auralis-store-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
  static inline int counter = 0;
};

std::unique_ptr<Database> openMigrated(const fs::path& file) {
  auto db = Database::open(file.string());
  REQUIRE(db.ok());
  REQUIRE(migrate(*db.value()).ok());
  return std::move(db).value();
}

}  // namespace

TEST_CASE("migrations bring a new database to the latest version, once") {
  TempDir dir;
  auto db = openMigrated(dir.path / "a.db");
  CHECK(db->userVersion().value() == static_cast<int>(migrations().size()));
  // Running again is a no-op, not a "table already exists" failure.
  CHECK(migrate(*db).ok());
  CHECK(db->userVersion().value() == static_cast<int>(migrations().size()));
}

TEST_CASE("the database is in WAL mode") {
  TempDir dir;
  auto db = openMigrated(dir.path / "a.db");
  auto st = db->prepare("PRAGMA journal_mode");
  REQUIRE(st.ok());
  REQUIRE(st.value().step().value());
  CHECK(st.value().columnText(0) == "wal");
}

TEST_CASE("a database newer than the binary is refused") {
  TempDir dir;
  auto db = openMigrated(dir.path / "a.db");
  REQUIRE(db->exec("PRAGMA user_version = 999").ok());
  auto r = migrate(*db);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("newer") != std::string::npos);
}

TEST_CASE("a corrupt file is reported as corrupt, naming the file") {
  TempDir dir;
  const auto file = dir.path / "bad.db";
  {
    std::ofstream out(file, std::ios::binary);
    for (int i = 0; i < 512; ++i) out << "this is not a database ";
  }
  auto db = Database::open(file.string());
  REQUIRE_FALSE(db.ok());
  CHECK(db.error().code == "store_corrupt");
  CHECK(db.error().message.find(file.string()) != std::string::npos);
}

TEST_CASE("a database locked by another writer is reported as locked") {
  TempDir dir;
  const auto file = dir.path / "a.db";
  auto holder = openMigrated(file);
  REQUIRE(holder->exec("BEGIN EXCLUSIVE").ok());
  auto other = Database::open(file.string(), 50);
  // Reading in WAL mode is allowed; taking the write lock is not.
  auto locked =
      other.ok() ? other.value()->exec("BEGIN IMMEDIATE") : auralis::Status(other.error());
  REQUIRE_FALSE(locked.ok());
  CHECK(locked.error().code == "store_locked");
  REQUIRE(holder->exec("ROLLBACK").ok());
}

TEST_CASE("recordings: insert, update, get, list, interrupted rows") {
  TempDir dir;
  auto db = openMigrated(dir.path / "a.db");
  RecordingsRepo repo(*db);
  RecordingRow a;
  a.id = "r1";
  a.format = "wav";
  a.audioPath = "recordings/r1.wav";
  a.status = "recording";
  a.sampleRate = 48000;
  a.createdAt = "2024-01-01T00:00:00.000Z";
  REQUIRE(repo.insert(a).ok());
  RecordingRow b = a;
  b.id = "r2";
  b.bundlePath = "recordings/r2-bundle";
  b.createdAt = "2024-01-02T00:00:00.000Z";
  REQUIRE(repo.insert(b).ok());
  CHECK_FALSE(repo.insert(b).ok());  // ids are unique

  a.status = "stopped";
  a.frames = 4800;
  a.startSample = 256;
  a.stoppedAt = isoNow();
  REQUIRE(repo.update(a).ok());
  auto got = repo.get("r1");
  REQUIRE(got.ok());
  REQUIRE(got.value().has_value());
  CHECK(got.value()->status == "stopped");
  CHECK(got.value()->frames == 4800);
  CHECK(got.value()->startSample == 256);
  CHECK(got.value()->bundlePath.empty());
  CHECK_FALSE(repo.get("nope").value().has_value());

  auto all = repo.list();
  REQUIRE(all.ok());
  REQUIRE(all.value().size() == 2);
  CHECK(all.value()[0].id == "r2");  // newest first
  CHECK(all.value()[0].bundlePath == "recordings/r2-bundle");

  REQUIRE(repo.markInterrupted().ok());
  CHECK(repo.get("r2").value()->status == "failed");
  CHECK(repo.get("r1").value()->status == "stopped");
}

TEST_CASE("presets: save replaces, list is by name, remove says whether it existed") {
  TempDir dir;
  auto db = openMigrated(dir.path / "a.db");
  PresetsRepo repo(*db);
  REQUIRE(repo.save("verse", R"({"bpm":90})").ok());
  REQUIRE(repo.save("chorus", R"({"bpm":120})").ok());
  REQUIRE(repo.save("verse", R"({"bpm":95})").ok());
  auto all = repo.list();
  REQUIRE(all.ok());
  REQUIRE(all.value().size() == 2);
  CHECK(all.value()[0].name == "chorus");
  CHECK(repo.get("verse").value()->params == R"({"bpm":95})");
  CHECK(repo.remove("verse").value());
  CHECK_FALSE(repo.remove("verse").value());
  CHECK_FALSE(repo.get("verse").value().has_value());
}

TEST_CASE("data survives closing and reopening") {
  TempDir dir;
  const auto file = dir.path / "a.db";
  {
    auto db = openMigrated(file);
    REQUIRE(PresetsRepo(*db).save("kept", "{}").ok());
  }
  auto db = openMigrated(file);
  CHECK(PresetsRepo(*db).get("kept").value().has_value());
}
