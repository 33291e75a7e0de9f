#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "net/upload_spool.hpp"

namespace fs = std::filesystem;
using auralis::net::Sha256;
using auralis::net::UploadSpool;

namespace {

struct TempDir {
  TempDir() {
    path = fs::temp_directory_path() /
           ("auralis-spool-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path);
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
  static inline int counter = 0;
};

std::string readAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string hashOf(const std::string& s) {
  Sha256 h;
  h.update(s);
  return h.hexDigest();
}

}  // namespace

TEST_CASE("upload sha256: FIPS 180-2 vectors, whole and streamed in pieces") {
  CHECK(hashOf("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hashOf("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string million(1000000, 'a');
  const std::string expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
  CHECK(hashOf(million) == expected);
  for (std::size_t piece : {1UL, 7UL, 4096UL, 65537UL}) {
    Sha256 h;
    for (std::size_t at = 0; at < million.size(); at += piece)
      h.update(std::string_view(million).substr(at, piece));
    CHECK(h.hexDigest() == expected);
  }
}

TEST_CASE("upload spool: streams to a temporary file and hashes on the way") {
  TempDir dir;
  auto spool = UploadSpool::create(dir.path / "tmp", 1 << 20);
  REQUIRE(spool.ok());
  auto& s = *spool.value();
  REQUIRE(fs::exists(s.path()));
  std::string all;
  for (int i = 0; i < 100; ++i) {
    const std::string piece(1000 + i, static_cast<char>('a' + i % 26));
    REQUIRE(s.write(piece).ok());
    all += piece;
  }
  REQUIRE(s.close().ok());
  CHECK(s.size() == all.size());
  CHECK(s.sha256() == hashOf(all));
  CHECK(readAll(s.path()) == all);
}

TEST_CASE("upload spool: an unreleased spool removes its file, a released one keeps it") {
  TempDir dir;
  fs::path dropped;
  {
    auto spool = UploadSpool::create(dir.path, 1024);
    REQUIRE(spool.ok());
    REQUIRE(spool.value()->write("partial").ok());
    dropped = spool.value()->path();
    REQUIRE(fs::exists(dropped));
  }
  CHECK_FALSE(fs::exists(dropped));
  fs::path kept;
  {
    auto spool = UploadSpool::create(dir.path, 1024);
    REQUIRE(spool.ok());
    REQUIRE(spool.value()->write("whole").ok());
    REQUIRE(spool.value()->close().ok());
    kept = spool.value()->path();
    spool.value()->release();
  }
  CHECK(fs::exists(kept));
}

TEST_CASE("upload spool: the size limit is exact") {
  TempDir dir;
  auto spool = UploadSpool::create(dir.path, 10);
  REQUIRE(spool.ok());
  REQUIRE(spool.value()->write("12345").ok());
  REQUIRE(spool.value()->write("67890").ok());
  const auto over = spool.value()->write("1");
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().code == "too_large");
}

TEST_CASE("upload spool: ENOSPC is reported as disk_full") {
  // /dev/full fails every write with ENOSPC, like a full disk.
  const int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  auto spool = UploadSpool::wrap(fd, 1 << 20);
  const auto r = spool->write(std::string(4096, 'x'));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "disk_full");
}
